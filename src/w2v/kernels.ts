// Kernel declarations of assembly/w2v.ts (part of the one facade in src/core/kernels.ts).
type Ptr = number;

export interface W2vKernels {
  /** Bytes of the context block a model fills once (layout in assembly/w2v.ts and src/w2v/context.ts). */
  w2vContextBytes(): number;
  w2vExpTableSize(): number;
  w2vInitTables(expTable: Ptr, logTable: Ptr): void;
  /** Trains on one sentence of vocabulary indices; returns the words kept after subsampling. */
  w2vTrainSentence(ctx: Ptr, words: Ptr, n: number, alpha: number, update: number): number;
  /** Trains on `count` sentences back to back (`ends`: end offsets), alpha from alpha0 to alpha1. */
  w2vTrainBatch(ctx: Ptr, words: Ptr, ends: Ptr, count: number, alpha0: number, alpha1: number): number;
  w2vNormalizeRows(unit: Ptr, norms: Ptr, x: Ptr, rows: number, dim: number): void;
  w2vDotRows(out: Ptr, mat: Ptr, rows: number, dim: number, q: Ptr): void;
  w2vRowNorms(norms: Ptr, x: Ptr, rows: number, dim: number): void;
  w2vSampleNoise(ctx: Ptr, out: Ptr, n: number): void;
}

export const w2vKernelNames: readonly string[] = [
  'w2vContextBytes', 'w2vExpTableSize', 'w2vInitTables', 'w2vTrainSentence', 'w2vTrainBatch',
  'w2vNormalizeRows', 'w2vDotRows', 'w2vRowNorms', 'w2vSampleNoise',
];
