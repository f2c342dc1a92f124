// Reordering wasm-resident decoder states: what a StepModel's `select` does with its tensors.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Tensor } from '../core/tensor.js';
import { shapeString } from '../core/shape.js';

/**
 * Row r of the result = row rows[r] of `t` (first dimension = rows; rows may repeat, their count
 * is the result's first dimension), with one kernel call. Writes into `out` when given (its shape
 * must be (rows.length, ...t.shape[1:]) and it must not overlap `t`), else into a new tensor the
 * caller releases.
 */
export function selectRows(t: Tensor, rows: ArrayLike<number>, out?: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new SeqwasmError(ErrorCode.badArgument, `expected a Tensor, received ${describe(t)}`);
  if (t.shape.length < 1) throw new SeqwasmError(ErrorCode.badShape, `the tensor needs a row dimension, received shape ${shapeString(t.shape)}`);
  if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
    throw new SeqwasmError(ErrorCode.badArgument, `rows must be an array of row indices, received ${describe(rows)}`);
  }
  const M = t.shape[0], N = rows.length, width = M === 0 ? 0 : t.size / M;
  for (let r = 0; r < N; r++) {
    if (!Number.isInteger(rows[r]) || rows[r] < 0 || rows[r] >= M) {
      throw new SeqwasmError(ErrorCode.outOfRange, `rows[${r}] must be an integer in [0, ${M}), received ${describe(rows[r])}`);
    }
  }
  const shape = [N, ...t.shape.slice(1)];
  const be = t.backend;
  if (out !== undefined) {
    if (!(out instanceof Tensor) || out.dtype !== t.dtype || out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
      throw new SeqwasmError(ErrorCode.badShape, `out must be a ${t.dtype} tensor of shape ${shapeString(shape)}, received ${out instanceof Tensor ? `${out.dtype} ${shapeString(out.shape)}` : describe(out)}`);
    }
    const a0 = t.ptr, a1 = a0 + t.size * 4, b0 = out.ptr, b1 = b0 + out.size * 4;
    if (a0 < b1 && b0 < a1) throw new SeqwasmError(ErrorCode.badArgument, 'out must not overlap the tensor it selects from');
  }
  const dst = out ?? be.empty(shape, t.dtype);
  if (N === 0 || width === 0) return dst;
  const idx = be.tensor(rows, [N], { dtype: 'int32' });
  try {
    be.kernels.gatherRows(dst.ptr, t.ptr, idx.ptr, N, width);
  } finally {
    idx.release();
  }
  return dst;
}
