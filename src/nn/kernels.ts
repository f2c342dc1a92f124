// Kernel declarations of assembly/recurrent.ts and the matrix helpers layers use (part of the
// one facade in src/core/kernels.ts). `lengths` is a pointer to B i32 lengths, or 0.
type Ptr = number;

export interface RecurrentKernels {
  embeddingForward(out: Ptr, weight: Ptr, ids: Ptr, n: number, dim: number): void;
  embeddingBackward(dWeight: Ptr, dOut: Ptr, ids: Ptr, n: number, dim: number, paddingIdx: number): void;
  mul(n: number, x: Ptr, y: Ptr, out: Ptr): void;
  broadcastRows(out: Ptr, v: Ptr, rows: number, cols: number): void;
  sumRows(out: Ptr, x: Ptr, rows: number, cols: number): void;
  transpose(out: Ptr, x: Ptr, rows: number, cols: number): void;
  swapLeadingAxes(out: Ptr, x: Ptr, A: number, B: number, C: number): void;
  lstmStepForward(gates: Ptr, rec: Ptr, bih: Ptr, bhh: Ptr, cNext: Ptr, hNext: Ptr, tanhC: Ptr, out: Ptr, ldo: number,
                  cPrev: Ptr, hPrev: Ptr, B: number, H: number, lengths: Ptr, t: number): void;
  lstmStepBackward(dGates: Ptr, dh: Ptr, dc: Ptr, gates: Ptr, cPrev: Ptr, tanhC: Ptr,
                   dOut: Ptr, ldo: number, B: number, H: number, lengths: Ptr, t: number): void;
  gruStepForward(gx: Ptr, gh: Ptr, bih: Ptr, bhh: Ptr, hn: Ptr, hNext: Ptr, out: Ptr, ldo: number,
                 hPrev: Ptr, B: number, H: number, lengths: Ptr, t: number): void;
  gruStepBackward(dGx: Ptr, dGh: Ptr, dh: Ptr, gates: Ptr, hn: Ptr, hPrev: Ptr,
                  dOut: Ptr, ldo: number, B: number, H: number, lengths: Ptr, t: number): void;
  rnnStepForward(g: Ptr, rec: Ptr, bih: Ptr, bhh: Ptr, hNext: Ptr, out: Ptr, ldo: number, hPrev: Ptr,
                 B: number, H: number, lengths: Ptr, t: number, relu: number): void;
  rnnStepBackward(dG: Ptr, dh: Ptr, g: Ptr, dOut: Ptr, ldo: number,
                  B: number, H: number, lengths: Ptr, t: number, relu: number): void;
}

export const recurrentKernelNames: readonly string[] = [
  'embeddingForward', 'embeddingBackward',
  'mul', 'broadcastRows', 'sumRows', 'transpose', 'swapLeadingAxes', 'lstmStepForward',
  'lstmStepBackward', 'gruStepForward', 'gruStepBackward', 'rnnStepForward', 'rnnStepBackward',
];
