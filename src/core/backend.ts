// One instantiated module with its memory, allocator, GEMM workspace and random state. Several
// backends may live side by side (tests run the plain and relaxed builds together); `init()`
// makes one of them the default that the free functions use.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Allocator } from './allocator.js';
import { type Kernels, kernelNames } from './kernels.js';
import { Tensor, type DType, type TensorOwner } from './tensor.js';
import { type Shape, type NestedArray, checkShape, inferShape, flattenInto, sizeOf, shapeString, firstNonFinite } from './shape.js';

export type Build = 'simd' | 'relaxed';
export type TensorData = NestedArray | ArrayLike<number>;

export interface TensorOptions {
  dtype?: DType;
  /** Accept NaN and ±Infinity (rejected by default: they spread silently through training). */
  allowNonFinite?: boolean;
}

/** A block of memory that tensors are carved from in order and freed together. */
export class Slab implements TensorOwner {
  #released = false;
  #used = 0;
  readonly ptr: number;

  constructor(readonly backend: Backend, readonly bytes: number) {
    this.ptr = backend.allocator.alloc(bytes);
  }

  get released(): boolean {
    return this.#released;
  }

  /** A zero-filled tensor carved from the slab. */
  zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    if (this.#released) throw new SeqwasmError(ErrorCode.released, 'slab was used after release()');
    checkShape(shape);
    const bytes = Math.ceil((sizeOf(shape) * 4) / 16) * 16;
    if (this.#used + bytes > this.bytes) {
      throw new SeqwasmError(ErrorCode.outOfMemory,
        `slab of ${this.bytes} bytes has ${this.bytes - this.#used} left, a tensor of shape ${shapeString(shape)} needs ${bytes}`);
    }
    const ptr = this.ptr + this.#used;
    this.#used += bytes;
    new Uint8Array(this.backend.kernels.memory.buffer, ptr, bytes).fill(0);
    return new Tensor(this.backend, ptr, shape, dtype, this);
  }

  /** Bytes a slab needs to hold tensors of these shapes. */
  static bytesFor(shapes: readonly Shape[]): number {
    return shapes.reduce((sum, s) => sum + Math.ceil((sizeOf(s) * 4) / 16) * 16, 0);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.backend.allocator.free(this.ptr);
  }
}

export class Backend {
  readonly kernels: Kernels;
  readonly allocator: Allocator;
  readonly build: Build;
  /** Scratch for GEMM packing, allocated once. */
  readonly gemmWork: number;
  /** 16 bytes of xoshiro128** state. */
  readonly rngState: number;

  constructor(instance: WebAssembly.Instance) {
    const exports = instance.exports as Record<string, unknown>;
    const missing = kernelNames.filter((name) => !(name in exports));
    if (missing.length > 0) {
      throw new SeqwasmError(ErrorCode.badModule,
        `the WebAssembly module is not a seqwasm build of this version: missing exports ${missing.join(', ')}`);
    }
    this.kernels = exports as unknown as Kernels;
    this.build = this.kernels.isRelaxedBuild() ? 'relaxed' : 'simd';
    this.allocator = new Allocator(this.kernels.memory, this.kernels.heapBase());
    this.gemmWork = this.allocator.alloc(this.kernels.gemmWorkspaceBytes());
    this.rngState = this.allocator.alloc(16);
    this.seed(0);
  }

  /** Reseeds the backend's generator (initialisation, dropout, shuffling, sampling). */
  seed(seed: number): void {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new SeqwasmError(ErrorCode.badArgument, `seed must be a non-negative safe integer, received ${describe(seed)}`);
    }
    this.kernels.rngSeed(this.rngState, seed);
  }

  /** A tensor holding `data` (nested arrays, or flat values with `shape`). */
  tensor(data: TensorData, shape?: Shape, options: TensorOptions = {}): Tensor {
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new SeqwasmError(ErrorCode.badDtype, `dtype must be 'float32' or 'int32', received ${describe(dtype)}`);
    }
    let values: ArrayLike<number>;
    let finalShape: Shape;
    if (ArrayBuffer.isView(data) || (Array.isArray(data) && shape !== undefined && !data.some(Array.isArray))) {
      values = data as ArrayLike<number>;
      finalShape = shape !== undefined ? checkShape(shape) : [values.length];
      if (sizeOf(finalShape) !== values.length) {
        throw new SeqwasmError(ErrorCode.badSize,
          `shape ${shapeString(finalShape)} needs ${sizeOf(finalShape)} values, received ${values.length}`);
      }
    } else {
      const inferred = inferShape(data as NestedArray);
      finalShape = shape !== undefined ? checkShape(shape) : inferred;
      if (sizeOf(finalShape) !== sizeOf(inferred)) {
        throw new SeqwasmError(ErrorCode.badSize,
          `shape ${shapeString(finalShape)} needs ${sizeOf(finalShape)} values, the nested array holds ${sizeOf(inferred)} (shape ${shapeString(inferred)})`);
      }
      const flat = new Float64Array(sizeOf(inferred));
      flattenInto(data as NestedArray, flat);
      values = flat;
    }
    const bad = firstNonFinite(values);
    if (bad >= 0 && !options.allowNonFinite) {
      throw new SeqwasmError(ErrorCode.nonFinite, `tensor data must be finite, received ${values[bad]} at flat index ${bad}`);
    }
    if (dtype === 'int32') {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
          throw new SeqwasmError(ErrorCode.badDtype, `int32 tensor data must be 32-bit integers, received ${v} at flat index ${i}`);
        }
      }
    }
    const t = this.empty(finalShape, dtype);
    t.data.set(values);
    return t;
  }

  /** An uninitialised tensor (contents are whatever the memory held). */
  empty(shape: Shape, dtype: DType = 'float32'): Tensor {
    checkShape(shape);
    const ptr = this.allocator.alloc(sizeOf(shape) * 4);
    return new Tensor(this, ptr, shape, dtype, null);
  }

  zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    const t = this.empty(shape, dtype);
    t.data.fill(0);
    return t;
  }

  full(shape: Shape, value: number): Tensor {
    const t = this.empty(shape);
    this.kernels.fill(t.size, value, t.ptr);
    return t;
  }

  randomUniform(shape: Shape, lo = 0, hi = 1): Tensor {
    const t = this.empty(shape);
    this.kernels.randUniform(t.ptr, t.size, this.rngState, lo, hi);
    return t;
  }

  randomNormal(shape: Shape, mean = 0, std = 1): Tensor {
    const t = this.empty(shape);
    this.kernels.randNormal(t.ptr, t.size, this.rngState, mean, std);
    return t;
  }

  /** A uniform random number in [0, 1) from the backend's generator (53 bits). */
  random(): number {
    return this.kernels.rngNextFloat(this.rngState);
  }

  slab(bytes: number): Slab {
    return new Slab(this, bytes);
  }

  /** Bytes of wasm memory in use by live tensors and slabs. */
  get liveBytes(): number {
    return this.allocator.liveBytes;
  }

  /** Total bytes of the module's memory (it only grows). */
  get memoryBytes(): number {
    return this.kernels.memory.buffer.byteLength;
  }
}

/** Instantiates a compiled seqwasm module. */
export async function instantiate(module: WebAssembly.Module): Promise<Backend> {
  if (!(module instanceof WebAssembly.Module)) {
    throw new SeqwasmError(ErrorCode.badModule, `expected a WebAssembly.Module, received ${describe(module)}`);
  }
  const instance = await WebAssembly.instantiate(module, {
    env: {
      // Only reachable from a debug build's assertions; release builds compile with noAssert.
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new SeqwasmError(ErrorCode.badModule, `wasm assertion failed at ${line}:${column}`);
      },
    },
  });
  return new Backend(instance);
}
