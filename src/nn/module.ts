// What every layer and model shares: named parameters in one slab (gradients in another),
// PyTorch-style state dicts, train/eval mode and gradient zeroing.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend, Slab } from '../core/backend.js';
import { Slab as SlabClass } from '../core/backend.js';
import { sizeOf, shapeString, firstNonFinite, type Shape } from '../core/shape.js';
import { Parameter } from './parameter.js';

/** A state dict entry: PyTorch's tensor as plain data. */
export interface StateEntry {
  shape: readonly number[];
  data: Float32Array;
}
export type StateDict = Record<string, StateEntry>;

export abstract class Module {
  readonly parameters: Parameter[] = [];
  /** Dropout and other training-only behaviour are on while true (PyTorch's `training`). */
  training = true;
  private valueSlab: Slab | null = null;
  private gradSlab: Slab | null = null;

  constructor(readonly backend: Backend) {}

  /** Allocates named parameters (zeroed) and their gradients, each set in one slab. */
  protected createParameters(specs: readonly { name: string; shape: Shape }[]): Parameter[] {
    const shapes = specs.map((s) => s.shape);
    this.valueSlab = new SlabClass(this.backend, Math.max(16, SlabClass.bytesFor(shapes)));
    this.gradSlab = new SlabClass(this.backend, Math.max(16, SlabClass.bytesFor(shapes)));
    const created = specs.map((s) => new Parameter(s.name, this.valueSlab!.zeros(s.shape), this.gradSlab!.zeros(s.shape)));
    this.parameters.push(...created);
    return created;
  }

  /** Adds a sub-module's parameters under a name prefix (`encoder.` …). */
  protected adopt(prefix: string, child: Module): void {
    for (const p of child.parameters) {
      this.parameters.push(new Parameter(prefix + p.name, p.value, p.grad, p.requiresGrad));
    }
  }

  train(mode = true): this {
    this.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters) this.backend.kernels.fill(p.grad.size, 0, p.grad.ptr);
  }

  /** Copies of every parameter, by PyTorch name. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const p of this.parameters) out[p.name] = { shape: [...p.value.shape], data: p.value.toArray() as Float32Array };
    return out;
  }

  /**
   * Loads parameters by name. Every entry is checked (names, shapes, finite values) before
   * anything is written, so a failed load leaves the module as it was. With `strict` (default)
   * missing and unexpected names are errors, as in PyTorch.
   */
  loadStateDict(dict: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>, { strict = true } = {}): void {
    if (dict === null || typeof dict !== 'object') {
      throw new SeqwasmError(ErrorCode.badArgument, `state dict must be an object of {shape, data}, received ${describe(dict)}`);
    }
    const byName = new Map(this.parameters.map((p) => [p.name, p]));
    const names = Object.keys(dict);
    if (strict) {
      const missing = [...byName.keys()].filter((n) => !Object.hasOwn(dict, n));
      const unexpected = names.filter((n) => !byName.has(n));
      if (missing.length > 0 || unexpected.length > 0) {
        throw new SeqwasmError(ErrorCode.badArgument,
          `state dict does not match: missing ${missing.length ? missing.join(', ') : 'none'}; unexpected ${unexpected.length ? unexpected.join(', ') : 'none'}`);
      }
    }
    const plan: [Parameter, ArrayLike<number>][] = [];
    for (const name of names) {
      const p = byName.get(name);
      if (p === undefined) continue;
      const { shape, data } = dict[name];
      if (!Array.isArray(shape) || shape.length !== p.value.shape.length || shape.some((d, i) => d !== p.value.shape[i])) {
        throw new SeqwasmError(ErrorCode.badShape, `${name} must have shape ${shapeString(p.value.shape)}, received ${Array.isArray(shape) ? shapeString(shape) : describe(shape)}`);
      }
      if (data === null || typeof data !== 'object' || data.length !== sizeOf(shape)) {
        throw new SeqwasmError(ErrorCode.badSize, `${name} must have ${sizeOf(shape)} values, received ${describe(data)}`);
      }
      const bad = firstNonFinite(data);
      if (bad >= 0) throw new SeqwasmError(ErrorCode.nonFinite, `${name} holds ${data[bad]} at flat index ${bad}`);
      plan.push([p, data]);
    }
    for (const [p, data] of plan) p.value.data.set(data);
  }

  /** Frees parameters, gradients and any scratch memory. The module is unusable afterwards. */
  release(): void {
    this.valueSlab?.release();
    this.gradSlab?.release();
  }
}
