// Named scratch buffers that persist across calls: a layer asks for "gates of layer 0" each
// step and gets the same memory back while it is large enough, so a training loop stops
// allocating after its first step (the llm.c way). A buffer that must grow is reallocated, and
// tensors handed out on the old memory become released (using them throws).
import type { Backend } from '../core/backend.js';
import { Slab } from '../core/backend.js';
import { Tensor, type DType } from '../core/tensor.js';
import { sizeOf, type Shape } from '../core/shape.js';

export class Workspace {
  private slots = new Map<string, Slab>();

  constructor(readonly backend: Backend) {}

  /** A tensor of `shape` over the named buffer. Contents are whatever the last user left. */
  get(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    const bytes = Math.max(16, sizeOf(shape) * 4);
    let slab = this.slots.get(name);
    if (slab === undefined || slab.bytes < bytes) {
      slab?.release();
      slab = this.backend.slab(bytes);
      this.slots.set(name, slab);
    }
    return new Tensor(this.backend, slab.ptr, shape, dtype, slab);
  }

  /** The same, zero-filled. */
  zeros(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    const t = this.get(name, shape, dtype);
    this.backend.kernels.fill(t.size, 0, t.ptr);
    return t;
  }

  release(): void {
    for (const slab of this.slots.values()) slab.release();
    this.slots.clear();
  }
}
