// Validated linear algebra over tensors: matmul (GEMM), matvec (GEMV) and the vector kernels.
import { SeqwasmError, ErrorCode } from '../errors.js';
import type { Tensor } from '../core/tensor.js';
import { shapeString } from '../core/shape.js';
import { checkTensor, checkRank, checkShapeEquals, checkSameSize, checkSameBackend, checkNumber } from './check.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** With `out`: out = alpha·op(A)·op(B) + beta·out. Default 0. */
  beta?: number;
  out?: Tensor;
}

/** alpha · op(A) · op(B) (+ beta · out), A and B 2-D. Returns `out` or a new (M, N) tensor. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor(a, 'A');
  checkTensor(b, 'B');
  checkRank(a, 2, 'A');
  checkRank(b, 2, 'B');
  checkSameBackend([a, b]);
  const { transA = false, transB = false } = options;
  const alpha = checkNumber(options.alpha ?? 1, 'alpha');
  const beta = checkNumber(options.beta ?? 0, 'beta');
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2) {
    throw new SeqwasmError(ErrorCode.badShape,
      `inner dimensions differ: op(A) is ${M}×${K} (A ${shapeString(a.shape)}${transA ? ', transposed' : ''}), op(B) is ${K2}×${N} (B ${shapeString(b.shape)}${transB ? ', transposed' : ''})`);
  }
  const backend = a.backend;
  let out = options.out;
  if (out === undefined) {
    if (beta !== 0) throw new SeqwasmError(ErrorCode.badArgument, `beta ${beta} needs an \`out\` tensor to accumulate into`);
    out = backend.empty([M, N]);
  } else {
    checkTensor(out, 'out');
    checkShapeEquals(out, [M, N], 'out');
    checkSameBackend([a, out]);
  }
  const k = backend.kernels;
  if (M === 1 && N > 0 && K > 0) {
    // A single row: a matrix-vector product reads B once, with no packing.
    if (transB) k.gemv(0, N, K, alpha, b.ptr, K, a.ptr, beta, out.ptr);
    else k.gemv(1, K, N, alpha, b.ptr, N, a.ptr, beta, out.ptr);
  } else {
    k.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, a.ptr, a.shape[1], b.ptr, b.shape[1], beta, out.ptr, N, backend.gemmWork);
  }
  return out;
}

export interface MatvecOptions {
  trans?: boolean;
  alpha?: number;
  beta?: number;
  out?: Tensor;
}

/** alpha · op(A) · x (+ beta · out), A 2-D, x 1-D. */
export function matvec(a: Tensor, x: Tensor, options: MatvecOptions = {}): Tensor {
  checkTensor(a, 'A');
  checkTensor(x, 'x');
  checkRank(a, 2, 'A');
  checkRank(x, 1, 'x');
  checkSameBackend([a, x]);
  const trans = options.trans ?? false;
  const alpha = checkNumber(options.alpha ?? 1, 'alpha');
  const beta = checkNumber(options.beta ?? 0, 'beta');
  const [M, N] = a.shape;
  const [inLen, outLen] = trans ? [M, N] : [N, M];
  if (x.size !== inLen) {
    throw new SeqwasmError(ErrorCode.badShape,
      `x must have ${inLen} entries for A ${shapeString(a.shape)}${trans ? ' transposed' : ''}, received ${x.size}`);
  }
  let out = options.out;
  if (out === undefined) {
    if (beta !== 0) throw new SeqwasmError(ErrorCode.badArgument, `beta ${beta} needs an \`out\` tensor to accumulate into`);
    out = a.backend.empty([outLen]);
  } else {
    checkTensor(out, 'out');
    checkShapeEquals(out, [outLen], 'out');
  }
  a.backend.kernels.gemv(trans ? 1 : 0, M, N, alpha, a.ptr, N, x.ptr, beta, out.ptr);
  return out;
}

export function dot(x: Tensor, y: Tensor): number {
  checkTensor(x, 'x');
  checkTensor(y, 'y');
  checkSameSize(x, y, 'x', 'y');
  checkSameBackend([x, y]);
  return x.backend.kernels.dot(x.size, x.ptr, y.ptr);
}

/** y += alpha · x, in place. */
export function axpy(alpha: number, x: Tensor, y: Tensor): Tensor {
  checkNumber(alpha, 'alpha');
  checkTensor(x, 'x');
  checkTensor(y, 'y');
  checkSameSize(x, y, 'x', 'y');
  checkSameBackend([x, y]);
  x.backend.kernels.axpy(x.size, alpha, x.ptr, y.ptr);
  return y;
}

/** x *= alpha, in place. */
export function scale(x: Tensor, alpha: number): Tensor {
  checkTensor(x, 'x');
  checkNumber(alpha, 'alpha');
  x.backend.kernels.scale(x.size, alpha, x.ptr);
  return x;
}

/** Sets every entry of x to value, in place. */
export function fill(x: Tensor, value: number): Tensor {
  checkTensor(x, 'x');
  checkNumber(value, 'value');
  x.backend.kernels.fill(x.size, value, x.ptr);
  return x;
}

/** Copies src into dst (same number of elements). */
export function copy(src: Tensor, dst: Tensor): Tensor {
  checkTensor(src, 'src', src.dtype);
  checkTensor(dst, 'dst', src.dtype);
  checkSameSize(src, dst, 'src', 'dst');
  checkSameBackend([src, dst]);
  src.backend.kernels.copy(src.size, src.ptr, dst.ptr);
  return dst;
}
