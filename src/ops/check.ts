// Argument checks shared by the ops: every pointer that reaches a kernel has been checked here
// against the sizes the kernel will touch.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Tensor, type DType } from '../core/tensor.js';
import { shapeString, type Shape } from '../core/shape.js';

export function checkTensor(t: unknown, what: string, dtype: DType = 'float32'): Tensor {
  if (!(t instanceof Tensor)) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} must be a Tensor, received ${describe(t)}`);
  }
  if (t.released) throw new SeqwasmError(ErrorCode.released, `${what} (shape ${shapeString(t.shape)}) was used after release()`);
  if (t.dtype !== dtype) {
    throw new SeqwasmError(ErrorCode.badDtype, `${what} must have dtype ${dtype}, received ${t.dtype}`);
  }
  return t;
}

export function checkRank(t: Tensor, rank: number, what: string): void {
  if (t.shape.length !== rank) {
    throw new SeqwasmError(ErrorCode.badShape, `${what} must have ${rank} dimensions, received shape ${shapeString(t.shape)}`);
  }
}

export function checkShapeEquals(t: Tensor, shape: Shape, what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new SeqwasmError(ErrorCode.badShape, `${what} must have shape ${shapeString(shape)}, received ${shapeString(t.shape)}`);
  }
}

export function checkSameSize(a: Tensor, b: Tensor, whatA: string, whatB: string): void {
  if (a.size !== b.size) {
    throw new SeqwasmError(ErrorCode.badSize,
      `${whatA} and ${whatB} must have the same number of elements, received ${shapeString(a.shape)} and ${shapeString(b.shape)}`);
  }
}

export function checkSameBackend(tensors: Tensor[]): void {
  const backend = tensors[0].backend;
  if (tensors.some((t) => t.backend !== backend)) {
    throw new SeqwasmError(ErrorCode.badArgument, 'all tensors of one call must come from the same backend');
  }
}

export function checkNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} must be a finite number, received ${describe(v)}`);
  }
  return v;
}

/** Rows and columns of a tensor read as a matrix over its last dimension. */
export function rowsCols(t: Tensor, what: string): [number, number] {
  if (t.shape.length === 0) throw new SeqwasmError(ErrorCode.badShape, `${what} must have at least one dimension, received a scalar`);
  const cols = t.shape[t.shape.length - 1];
  return [cols === 0 ? 0 : t.size / cols, cols];
}
