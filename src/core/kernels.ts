// The typed facade over the module's exports: one declaration per kernel, pointers as numbers.
// Arguments follow assembly/: outputs first, then inputs, then sizes. Nothing here validates;
// the callers in src/ops and src/nn check shapes before a pointer reaches a kernel.

import type { OptimKernels } from '../train/kernels.js';
import type { W2vKernels } from '../w2v/kernels.js';
import type { RecurrentKernels } from '../nn/kernels.js';
import type { AttentionKernels } from '../nn/attention-kernels.js';
import { attentionKernelNames } from '../nn/attention-kernels.js';
import { optimKernelNames } from '../train/kernels.js';
import { w2vKernelNames } from '../w2v/kernels.js';
import { recurrentKernelNames } from '../nn/kernels.js';

type Ptr = number;

/** Every export of the module. Each concern's kernels are declared beside the code using them. */
export interface Kernels extends RecurrentKernels, AttentionKernels, OptimKernels, W2vKernels {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  isRelaxedBuild(): number;
  // blas
  gemmWorkspaceBytes(): number;
  gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
       a: Ptr, lda: number, b: Ptr, ldb: number, beta: number, c: Ptr, ldc: number, work: Ptr): void;
  /** Bytes packWeights writes for a (K, N) op(B). */
  packedBytes(K: number, N: number): number;
  /** Packs op(B) (K, N) once for many gemmPacked calls (a weight used at every step). */
  packWeights(dst: Ptr, b: Ptr, ldb: number, transB: number, K: number, N: number): void;
  gemmPacked(transA: number, M: number, N: number, K: number, alpha: number, a: Ptr, lda: number,
             packed: Ptr, beta: number, c: Ptr, ldc: number, work: Ptr): void;
  gemv(trans: number, M: number, N: number, alpha: number, a: Ptr, lda: number,
       x: Ptr, beta: number, y: Ptr): void;
  dot(n: number, x: Ptr, y: Ptr): number;
  axpy(n: number, alpha: number, x: Ptr, y: Ptr): void;
  scale(n: number, alpha: number, x: Ptr): void;
  fill(n: number, value: number, x: Ptr): void;
  copy(n: number, src: Ptr, dst: Ptr): void;
  // activations
  sigmoidForward(y: Ptr, x: Ptr, n: number): void;
  sigmoidBackward(dx: Ptr, y: Ptr, dy: Ptr, n: number): void;
  tanhForward(y: Ptr, x: Ptr, n: number): void;
  tanhBackward(dx: Ptr, y: Ptr, dy: Ptr, n: number): void;
  reluForward(y: Ptr, x: Ptr, n: number): void;
  reluBackward(dx: Ptr, y: Ptr, dy: Ptr, n: number): void;
  // softmax
  softmaxForward(y: Ptr, x: Ptr, rows: number, cols: number): void;
  softmaxBackward(dx: Ptr, y: Ptr, dy: Ptr, rows: number, cols: number): void;
  logSoftmaxForward(y: Ptr, x: Ptr, rows: number, cols: number): void;
  logSoftmaxBackward(dx: Ptr, y: Ptr, dy: Ptr, rows: number, cols: number): void;
  rowArgmax(out: Ptr, x: Ptr, rows: number, cols: number): void;
  firstInvalidLogProb(x: Ptr, n: number): number;
  rowTopK(idx: Ptr, val: Ptr, x: Ptr, rows: number, cols: number, k: number): void;
  softmaxCrossEntropyForward(probs: Ptr, logits: Ptr, targets: Ptr, rows: number, cols: number,
                             ignoreIndex: number, smoothing: number): number;
  softmaxCrossEntropyBackward(dlogits: Ptr, probs: Ptr, targets: Ptr, rows: number, cols: number,
                              ignoreIndex: number, smoothing: number, scale: number): void;
  // random
  rngSeed(state: Ptr, seed: number): void;
  rngNextU32(state: Ptr): number;
  rngNextFloat(state: Ptr): number;
  randUniform(out: Ptr, n: number, state: Ptr, lo: number, hi: number): void;
  randNormal(out: Ptr, n: number, state: Ptr, mean: number, std: number): void;
  dropoutMask(mask: Ptr, n: number, state: Ptr, p: number): void;
  // pooling over time (src/models/pooling.ts); lengths: B i32 in [1, T]
  poolLastForward(y: Ptr, x: Ptr, lengths: Ptr, B: number, C: number, half: number): void;
  poolLastBackward(dx: Ptr, dy: Ptr, lengths: Ptr, T: number, B: number, C: number, half: number): void;
  poolMeanForward(y: Ptr, x: Ptr, lengths: Ptr, B: number, C: number): void;
  poolMeanBackward(dx: Ptr, dy: Ptr, lengths: Ptr, T: number, B: number, C: number): void;
  poolMaxForward(y: Ptr, arg: Ptr, x: Ptr, lengths: Ptr, B: number, C: number): void;
  poolMaxBackward(dx: Ptr, dy: Ptr, arg: Ptr, T: number, B: number, C: number): void;
}

/** Names every module must export; checked once at load so a stale .wasm fails clearly. */
export const kernelNames: readonly string[] = [
  ...recurrentKernelNames, ...attentionKernelNames, ...optimKernelNames, ...w2vKernelNames,
  'memory', 'heapBase', 'isRelaxedBuild', 'gemmWorkspaceBytes', 'gemm', 'packedBytes', 'packWeights', 'gemmPacked', 'gemv', 'dot', 'axpy',
  'scale', 'fill', 'copy', 'sigmoidForward', 'sigmoidBackward', 'tanhForward', 'tanhBackward',
  'reluForward', 'reluBackward', 'softmaxForward', 'softmaxBackward', 'logSoftmaxForward',
  'logSoftmaxBackward', 'rowArgmax', 'firstInvalidLogProb', 'rowTopK', 'softmaxCrossEntropyForward', 'softmaxCrossEntropyBackward', 'rngSeed',
  'rngNextU32', 'rngNextFloat', 'randUniform', 'randNormal', 'dropoutMask',
  'poolLastForward', 'poolLastBackward', 'poolMeanForward', 'poolMeanBackward', 'poolMaxForward', 'poolMaxBackward',
];
