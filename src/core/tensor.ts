// A tensor is a handle into wasm memory: a pointer, a shape and a dtype. Its values live in
// the module's memory; `data` is a view rebuilt on every access because `memory.grow`
// detaches old views. A tensor is freed explicitly with `release()` (or with the slab it was
// carved from), after which any use throws instead of reading reused memory.
import { SeqwasmError, ErrorCode } from '../errors.js';
import { type Shape, type NestedArray, shapeString, unflatten } from './shape.js';
import type { Backend } from './backend.js';

export type DType = 'float32' | 'int32';

/** Who frees a tensor's memory: the tensor itself, or the slab it was carved from. */
export interface TensorOwner {
  readonly released: boolean;
}

export class Tensor implements TensorOwner {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  #ptr: number;
  #released = false;
  readonly #owner: TensorOwner | null;

  /** @internal Use `backend.tensor`, `backend.zeros`, `tensor()` or `zeros()` instead. */
  constructor(backend: Backend, ptr: number, shape: Shape, dtype: DType, owner: TensorOwner | null) {
    this.backend = backend;
    this.#ptr = ptr;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = shape.reduce((a, b) => a * b, 1);
    this.#owner = owner;
  }

  get released(): boolean {
    return this.#released || (this.#owner !== null && this.#owner.released);
  }

  /** Byte address in wasm memory; throws once the tensor is released. */
  get ptr(): number {
    if (this.released) {
      throw new SeqwasmError(ErrorCode.released, `tensor of shape ${shapeString(this.shape)} was used after release()`);
    }
    return this.#ptr;
  }

  /** A live view of the values (valid until the next call that may grow memory). */
  get data(): Float32Array | Int32Array {
    const ptr = this.ptr;
    const buffer = this.backend.kernels.memory.buffer;
    return this.dtype === 'float32' ? new Float32Array(buffer, ptr, this.size) : new Int32Array(buffer, ptr, this.size);
  }

  /** The same memory under another shape of the same size; released with this tensor. */
  view(shape: Shape): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== this.size || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SeqwasmError(ErrorCode.badShape, `cannot view ${shapeString(this.shape)} (${this.size} values) as ${shapeString(shape)}`);
    }
    return new Tensor(this.backend, this.ptr, shape, this.dtype, this);
  }

  /** A copy of the values, independent of wasm memory. */
  toArray(): Float32Array | Int32Array {
    return this.data.slice();
  }

  /** The values as nested arrays of the tensor's shape. */
  toNested(): NestedArray {
    return unflatten(this.data, this.shape);
  }

  /** Frees the memory now. Releasing twice is harmless; any other use afterwards throws. */
  release(): void {
    if (this.#released) return;
    if (this.#owner !== null) {
      throw new SeqwasmError(ErrorCode.badArgument,
        `tensor of shape ${shapeString(this.shape)} is a view of memory owned elsewhere (a slab, a layer's workspace or another tensor); release that instead`);
    }
    this.#released = true;
    this.backend.allocator.free(this.#ptr);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${shapeString(this.shape)})`;
  }
}
