// Kernel declarations of assembly/attention.ts (part of the one facade in src/core/kernels.ts).
type Ptr = number;

export interface AttentionKernels {
  attnDotScoresForward(scores: Ptr, q: Ptr, keys: Ptr, B: number, S: number, H: number, lengths: Ptr): void;
  attnDotScoresBackward(dq: Ptr, dKeys: Ptr, dScores: Ptr, q: Ptr, keys: Ptr, B: number, S: number, H: number, lengths: Ptr): void;
  attnAdditiveScoresForward(scores: Ptr, hidden: Ptr, wq: Ptr, uh: Ptr, v: Ptr, B: number, S: number, A: number, lengths: Ptr): void;
  attnAdditiveScoresBackward(dWq: Ptr, dUh: Ptr, dv: Ptr, dScores: Ptr, hidden: Ptr, v: Ptr, B: number, S: number, A: number, lengths: Ptr): void;
  attnSoftmaxContextForward(weights: Ptr, context: Ptr, scores: Ptr, values: Ptr, B: number, S: number, Hv: number, lengths: Ptr): void;
  attnSoftmaxContextBackward(dScores: Ptr, dValues: Ptr, dContext: Ptr, dWeights: Ptr, weights: Ptr, values: Ptr,
                             B: number, S: number, Hv: number, lengths: Ptr): void;
  gatherRows(dst: Ptr, src: Ptr, rows: Ptr, N: number, width: number): void;
}

export const attentionKernelNames: readonly string[] = [
  'attnDotScoresForward', 'attnDotScoresBackward', 'attnAdditiveScoresForward', 'attnAdditiveScoresBackward',
  'attnSoftmaxContextForward', 'attnSoftmaxContextBackward', 'gatherRows',
];
