// Optimizers with PyTorch 1.13's update rules, option names (in camelCase), defaults and checks.
// All optimizer state lives in one slab carved at construction, so `step()` allocates nothing:
// it is one kernel call per parameter. `stateDict()` uses PyTorch's layout and names
// (`state[i].exp_avg`, `param_groups[0].weight_decay`), as the model weights do, so a PyTorch
// optimizer checkpoint converts by turning its tensors into `{shape, data}`.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { type Backend, Slab } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import type { Kernels } from '../core/kernels.js';
import { shapeString } from '../core/shape.js';
import { Parameter } from '../nn/parameter.js';
import { checkTensor, checkShapeEquals } from '../ops/check.js';

/** A state buffer in a state dict: a copy, independent of wasm memory. */
export interface BufferState {
  shape: number[];
  data: Float32Array;
}

/** Per-parameter state: the number of steps taken and the optimizer's buffers by PyTorch name. */
export interface ParamState {
  step: number;
  [buffer: string]: BufferState | number;
}

type Hyper = Record<string, number | boolean | number[]>;

export interface OptimizerStateDict {
  /** Keyed by parameter index; only parameters that have taken a step have an entry. */
  state: Record<number, ParamState>;
  /** One group (per-group options are not supported): hyperparameters and parameter indices. */
  param_groups: (Hyper & { lr: number; params: number[] })[];
}

function fail(message: string): never {
  throw new SeqwasmError(ErrorCode.badArgument, message);
}

/** Reads options, rejecting unknown names (a snake_case `weight_decay` would otherwise be ignored). */
class OptionReader {
  constructor(private readonly options: object, private readonly owner: string, known: readonly string[]) {
    if (options === null || typeof options !== 'object') fail(`${owner} options must be an object, received ${describe(options)}`);
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) fail(`${owner} has no option ${JSON.stringify(key)}; its options are ${known.join(', ')}`);
    }
  }

  private raw(name: string): unknown {
    return (this.options as Record<string, unknown>)[name];
  }

  number(name: string, fallback: number | undefined, min = -Infinity): number {
    const v = this.raw(name) ?? fallback;
    if (v === undefined) fail(`${this.owner} needs option ${name}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${this.owner} option ${name} must be a finite number, received ${describe(v)}`);
    if (v < min) fail(`${this.owner} option ${name} must be ≥ ${min}, received ${v}`);
    return v;
  }

  flag(name: string, fallback: boolean): boolean {
    const v = this.raw(name) ?? fallback;
    if (typeof v !== 'boolean') fail(`${this.owner} option ${name} must be a boolean, received ${describe(v)}`);
    return v;
  }

  betas(fallback: [number, number]): [number, number] {
    const v = this.raw('betas') ?? fallback;
    if (!Array.isArray(v) || v.length !== 2 || !v.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
      fail(`${this.owner} option betas must be two numbers in [0, 1), received ${Array.isArray(v) ? `[${v.join(', ')}]` : describe(v)}`);
    }
    return [v[0], v[1]];
  }
}

function checkParams(params: unknown, owner: string): Parameter[] {
  if (!Array.isArray(params)) fail(`${owner} needs an array of Parameters, received ${describe(params)}`);
  if (params.length === 0) fail(`${owner} got an empty parameter list`);
  const seen = new Set<Tensor>();
  params.forEach((p: unknown, i) => {
    if (!(p instanceof Parameter)) fail(`${owner} parameter ${i} must be a Parameter, received ${describe(p)}`);
    checkTensor(p.value, `parameter ${p.name}`);
    checkTensor(p.grad, `gradient of ${p.name}`);
    checkShapeEquals(p.grad, p.value.shape, `gradient of ${p.name}`);
    if (p.value.backend !== params[0].value.backend || p.grad.backend !== p.value.backend) {
      fail(`${owner}: all parameters and gradients must come from the same backend (${p.name} does not)`);
    }
    // The same tensor twice would take two steps per step().
    if (seen.has(p.value)) fail(`${owner}: parameter ${p.name} appears more than once`);
    seen.add(p.value);
  });
  return params;
}

function checkLr(lr: unknown): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    fail(`lr must be a finite number ≥ 0, received ${describe(lr)}`);
  }
  return lr;
}

function sameHyper(a: Hyper[string], b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && b.length === a.length && a.every((x, i) => x === b[i]);
  return a === b;
}

export abstract class Optimizer {
  readonly params: readonly Parameter[];
  readonly backend: Backend;
  /** The lr when the first schedule was attached (PyTorch's `initial_lr`); schedules start from it. */
  initialLr: number | undefined;
  #lr: number;
  readonly #steps: number[];
  readonly #slab: Slab | null;
  readonly #buffers: ReadonlyMap<string, Tensor[]>;
  #released = false;

  protected constructor(params: Parameter[], lr: number, bufferNames: readonly string[]) {
    this.params = Object.freeze([...params]);
    this.backend = params[0].value.backend;
    this.#lr = lr;
    this.#steps = params.map(() => 0);
    const shapes = bufferNames.flatMap(() => params.map((p) => p.value.shape));
    const slab = shapes.length > 0 ? this.backend.slab(Slab.bytesFor(shapes)) : null;
    this.#slab = slab;
    this.#buffers = new Map(bufferNames.map((name) => [name, params.map((p) => slab!.zeros(p.value.shape))]));
  }

  /** The hyperparameters other than lr, with PyTorch's names, as written in a state dict. */
  protected abstract hyper(): Hyper;

  /** Applies one step to parameter `i`, whose step count `t` (1-based) includes this step. */
  protected abstract update(k: Kernels, i: number, t: number): void;

  /** The buffer `name` of parameter `i` (a pointer into the state slab). */
  protected buffer(name: string, i: number): number {
    return this.#buffers.get(name)![i].ptr;
  }

  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = checkLr(value);
  }

  /** Steps taken by parameter `i` (parameters with requiresGrad false do not count). */
  stepCount(i: number): number {
    return this.#steps[i];
  }

  /** One update of every parameter with requiresGrad, from the gradients as they are. */
  step(): void {
    this.#checkLive();
    // Checked up front so that a released tensor cannot leave some parameters updated.
    for (const p of this.params) {
      if (p.requiresGrad && (p.value.released || p.grad.released)) {
        throw new SeqwasmError(ErrorCode.released, `parameter ${p.name} (or its gradient) was used after release()`);
      }
    }
    const k = this.backend.kernels;
    for (let i = 0; i < this.params.length; i++) {
      if (!this.params[i].requiresGrad) continue;
      this.update(k, i, ++this.#steps[i]);
    }
  }

  /** Sets every gradient to zero (PyTorch 1.13's default, set_to_none=False). */
  zeroGrad(): void {
    this.#checkLive();
    const k = this.backend.kernels;
    for (const p of this.params) k.fill(p.grad.size, 0, p.grad.ptr);
  }

  stateDict(): OptimizerStateDict {
    this.#checkLive();
    const state: Record<number, ParamState> = {};
    this.#steps.forEach((step, i) => {
      if (step === 0) return;
      const entry: ParamState = { step };
      for (const [name, tensors] of this.#buffers) {
        entry[name] = { shape: [...tensors[i].shape], data: tensors[i].toArray() as Float32Array };
      }
      state[i] = entry;
    });
    return { state, param_groups: [{ ...this.hyper(), lr: this.#lr, params: this.params.map((_, i) => i) }] };
  }

  /**
   * Restores step counts, buffers and lr. The other hyperparameters must equal this optimizer's
   * (they decide which buffers exist). Everything is checked before anything is written.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    this.#checkLive();
    if (dict === null || typeof dict !== 'object' || typeof dict.state !== 'object' || dict.state === null || !Array.isArray(dict.param_groups)) {
      fail(`a state dict must be an object with state and param_groups, received ${describe(dict)}`);
    }
    if (dict.param_groups.length !== 1) fail(`state dict has ${dict.param_groups.length} param groups, this optimizer has 1`);
    const group = dict.param_groups[0];
    const n = this.params.length;
    if (!Array.isArray(group.params) || group.params.length !== n) {
      fail(`state dict is for ${Array.isArray(group.params) ? group.params.length : describe(group.params)} parameters, this optimizer has ${n}`);
    }
    const lr = checkLr(group.lr);
    for (const [name, value] of Object.entries(this.hyper())) {
      if (!sameHyper(value, group[name])) {
        fail(`state dict has ${name} = ${JSON.stringify(group[name])}, this optimizer has ${JSON.stringify(value)}`);
      }
    }
    const steps: number[] = new Array(n).fill(0);
    for (const [key, entry] of Object.entries(dict.state)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= n) fail(`state dict has state for parameter ${key}, this optimizer has ${n} parameters`);
      if (entry === null || typeof entry !== 'object') fail(`state of parameter ${i} must be an object, received ${describe(entry)}`);
      if (!Number.isSafeInteger(entry.step) || entry.step < 0) fail(`state of parameter ${i}: step must be a non-negative integer, received ${describe(entry.step)}`);
      steps[i] = entry.step;
      const shape = this.params[i].value.shape;
      for (const name of Object.keys(entry)) {
        if (name !== 'step' && !this.#buffers.has(name)) fail(`state of parameter ${i} has an unknown buffer ${name}`);
      }
      for (const name of this.#buffers.keys()) {
        const buf = entry[name] as BufferState | undefined;
        if (buf === undefined || buf === null || typeof buf !== 'object') fail(`state of parameter ${i} lacks buffer ${name}`);
        if (!Array.isArray(buf.shape) || buf.shape.length !== shape.length || buf.shape.some((d, j) => d !== shape[j])) {
          fail(`state of parameter ${i}: ${name} must have shape ${shapeString(shape)}, received ${Array.isArray(buf.shape) ? shapeString(buf.shape) : describe(buf.shape)}`);
        }
        const size = this.params[i].value.size;
        if (buf.data === null || typeof buf.data !== 'object' || buf.data.length !== size) {
          fail(`state of parameter ${i}: ${name} must hold ${size} values, received ${describe(buf.data)}`);
        }
      }
    }
    this.#lr = lr;
    for (let i = 0; i < n; i++) {
      this.#steps[i] = steps[i];
      for (const [name, tensors] of this.#buffers) {
        if (steps[i] > 0) tensors[i].data.set((dict.state[i][name] as BufferState).data);
        else tensors[i].data.fill(0);
      }
    }
  }

  /** Frees the optimizer state. Any later use throws. */
  release(): void {
    this.#released = true;
    this.#slab?.release();
  }

  #checkLive(): void {
    if (this.#released) throw new SeqwasmError(ErrorCode.released, `${this.constructor.name} was used after release()`);
  }
}

export interface SGDOptions {
  /** Required, as in PyTorch 1.13. */
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** Stochastic gradient descent (torch.optim.SGD). Buffer: momentum_buffer when momentum ≠ 0. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;

  constructor(params: Parameter[], options: SGDOptions) {
    const o = new OptionReader(options, 'SGD', ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']);
    const lr = o.number('lr', undefined, 0);
    const momentum = o.number('momentum', 0, 0);
    const dampening = o.number('dampening', 0);
    const weightDecay = o.number('weightDecay', 0, 0);
    const nesterov = o.flag('nesterov', false);
    const maximize = o.flag('maximize', false);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      fail(`SGD with nesterov needs momentum > 0 and dampening 0, received momentum ${momentum} and dampening ${dampening}`);
    }
    super(checkParams(params, 'SGD'), lr, momentum !== 0 ? ['momentum_buffer'] : []);
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    this.maximize = maximize;
  }

  protected hyper(): Hyper {
    return { momentum: this.momentum, dampening: this.dampening, weight_decay: this.weightDecay,
      nesterov: this.nesterov, maximize: this.maximize };
  }

  protected update(k: Kernels, i: number, t: number): void {
    const p = this.params[i];
    k.sgdStep(p.value.ptr, this.momentum !== 0 ? this.buffer('momentum_buffer', i) : 0, p.grad.ptr, p.value.size,
      this.lr, this.momentum, this.dampening, this.weightDecay, +this.nesterov, +this.maximize, t === 1 ? 1 : 0);
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

const adamOptionNames = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

abstract class AdamBase extends Optimizer {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  readonly #decoupled: boolean;

  protected constructor(params: Parameter[], options: AdamOptions, owner: string, defaultWeightDecay: number) {
    const o = new OptionReader(options, owner, adamOptionNames);
    const lr = o.number('lr', 1e-3, 0);
    const betas = o.betas([0.9, 0.999]);
    const eps = o.number('eps', 1e-8, 0);
    const weightDecay = o.number('weightDecay', defaultWeightDecay, 0);
    const amsgrad = o.flag('amsgrad', false);
    const maximize = o.flag('maximize', false);
    super(checkParams(params, owner), lr, amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq']);
    this.betas = Object.freeze(betas);
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.amsgrad = amsgrad;
    this.maximize = maximize;
    this.#decoupled = owner === 'AdamW';
  }

  protected hyper(): Hyper {
    return { betas: [...this.betas], eps: this.eps, weight_decay: this.weightDecay, amsgrad: this.amsgrad,
      maximize: this.maximize };
  }

  protected update(k: Kernels, i: number, t: number): void {
    const p = this.params[i];
    k.adamStep(p.value.ptr, this.buffer('exp_avg', i), this.buffer('exp_avg_sq', i),
      this.amsgrad ? this.buffer('max_exp_avg_sq', i) : 0, p.grad.ptr, p.value.size, t, this.lr,
      this.betas[0], this.betas[1], this.eps, this.weightDecay, +this.#decoupled, +this.amsgrad, +this.maximize);
  }
}

/** Adam (torch.optim.Adam): weight decay is L2, added to the gradient. */
export class Adam extends AdamBase {
  constructor(params: Parameter[], options: AdamOptions = {}) {
    super(params, options, 'Adam', 0);
  }
}

/** AdamW (torch.optim.AdamW): decoupled weight decay, default 0.01. */
export class AdamW extends AdamBase {
  constructor(params: Parameter[], options: AdamOptions = {}) {
    super(params, options, 'AdamW', 1e-2);
  }
}

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

/** RMSprop (torch.optim.RMSprop). */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;

  constructor(params: Parameter[], options: RMSpropOptions = {}) {
    const o = new OptionReader(options, 'RMSprop', ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize']);
    const lr = o.number('lr', 1e-2, 0);
    const alpha = o.number('alpha', 0.99, 0);
    const eps = o.number('eps', 1e-8, 0);
    const weightDecay = o.number('weightDecay', 0, 0);
    const momentum = o.number('momentum', 0, 0);
    const centered = o.flag('centered', false);
    const maximize = o.flag('maximize', false);
    const names = ['square_avg'];
    if (momentum > 0) names.push('momentum_buffer');
    if (centered) names.push('grad_avg');
    super(checkParams(params, 'RMSprop'), lr, names);
    this.alpha = alpha;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.centered = centered;
    this.maximize = maximize;
  }

  protected hyper(): Hyper {
    return { alpha: this.alpha, eps: this.eps, weight_decay: this.weightDecay, momentum: this.momentum,
      centered: this.centered, maximize: this.maximize };
  }

  protected update(k: Kernels, i: number): void {
    const p = this.params[i];
    k.rmspropStep(p.value.ptr, this.buffer('square_avg', i), this.momentum > 0 ? this.buffer('momentum_buffer', i) : 0,
      this.centered ? this.buffer('grad_avg', i) : 0, p.grad.ptr, p.value.size, this.lr, this.alpha, this.eps,
      this.weightDecay, this.momentum, +this.centered, +this.maximize);
  }
}
