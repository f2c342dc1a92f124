// Learning-rate schedules as in torch.optim.lr_scheduler (PyTorch 1.13). A schedule is attached
// to an optimizer at construction, sets its lr for epoch 0 right away, and moves to the next
// epoch on each `step()` (call it after `optimizer.step()`). Like PyTorch's `step()`, each new lr
// is computed from the optimizer's current lr (the "chainable" recursive form), so a user who also
// changes `optimizer.lr` by hand composes with the schedule, and the values agree with PyTorch's
// to the last bit; the closed form is used only where PyTorch uses it (SequentialLR's restarts).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Optimizer } from './optim.js';

function fail(message: string): never {
  throw new SeqwasmError(ErrorCode.badArgument, message);
}

function checkNumber(v: unknown, what: string, ok: (x: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) fail(`${what} must be ${expected}, received ${describe(v)}`);
  return v;
}

export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** The optimizer's lr before any schedule touched it (PyTorch's base_lrs[0]). */
  readonly baseLr: number;
  /** Epochs stepped so far: 0 right after construction. */
  lastEpoch = -1;
  #lastLr = NaN;

  protected constructor(optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) fail(`a schedule needs an Optimizer, received ${describe(optimizer)}`);
    this.optimizer = optimizer;
    optimizer.initialLr ??= optimizer.lr;
    this.baseLr = optimizer.initialLr;
  }

  /** The next lr from the optimizer's current one, at epoch `lastEpoch` (already advanced). */
  protected abstract recursiveLr(lr: number): number;

  /** The lr at epoch `lastEpoch` from `baseLr` alone. */
  protected abstract closedFormLr(): number;

  /** Subclasses call this last in their constructor: epoch 0, as PyTorch's `_initial_step`. */
  protected initialStep(): void {
    this.lastEpoch = -1;
    this.step();
  }

  /** Advances one epoch and sets the optimizer's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.#apply(this.recursiveLr(this.optimizer.lr));
  }

  /** Jumps to `epoch` with the closed form (PyTorch's deprecated `step(epoch)`). */
  stepTo(epoch: number): void {
    this.lastEpoch = checkNumber(epoch, 'epoch', (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
    this.#apply(this.closedFormLr());
  }

  #apply(lr: number): void {
    this.optimizer.lr = lr;
    this.#lastLr = lr;
  }

  /** The lr this schedule set last. */
  get lr(): number {
    return this.#lastLr;
  }

  /** As PyTorch's `get_last_lr()`: one lr per parameter group (there is one group). */
  getLastLr(): number[] {
    return [this.#lastLr];
  }
}

export interface StepLROptions {
  stepSize: number;
  /** Default 0.1. */
  gamma?: number;
}

/** lr × gamma every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    this.stepSize = checkNumber(options?.stepSize, 'StepLR stepSize', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
    this.gamma = checkNumber(options.gamma ?? 0.1, 'StepLR gamma', Number.isFinite, 'a finite number');
    this.initialStep();
  }

  protected recursiveLr(lr: number): number {
    return this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? lr : lr * this.gamma;
  }

  protected closedFormLr(): number {
    return this.baseLr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
  }
}

export interface ExponentialLROptions {
  gamma: number;
}

/** lr × gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super(optimizer);
    this.gamma = checkNumber(options?.gamma, 'ExponentialLR gamma', Number.isFinite, 'a finite number');
    this.initialStep();
  }

  protected recursiveLr(lr: number): number {
    return this.lastEpoch === 0 ? lr : lr * this.gamma;
  }

  protected closedFormLr(): number {
    return this.baseLr * this.gamma ** this.lastEpoch;
  }
}

export interface CosineAnnealingLROptions {
  tMax: number;
  /** Default 0. */
  etaMin?: number;
}

/** Half a cosine from the base lr down to etaMin over tMax epochs (then back up, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    this.tMax = checkNumber(options?.tMax, 'CosineAnnealingLR tMax', (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
    this.etaMin = checkNumber(options.etaMin ?? 0, 'CosineAnnealingLR etaMin', (x) => Number.isFinite(x) && x >= 0, 'a finite number ≥ 0');
    this.initialStep();
  }

  protected recursiveLr(lr: number): number {
    const e = this.lastEpoch, T = this.tMax;
    if (e === 0) return lr;
    if ((e - 1 - T) % (2 * T) === 0) return lr + ((this.baseLr - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
    return ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) + this.etaMin;
  }

  protected closedFormLr(): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2;
  }
}

export interface LinearLROptions {
  /** Default 1/3. */
  startFactor?: number;
  /** Default 1. */
  endFactor?: number;
  /** Default 5. */
  totalIters?: number;
}

/** lr × a factor going linearly from startFactor to endFactor over totalIters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer);
    this.startFactor = checkNumber(options.startFactor ?? 1 / 3, 'LinearLR startFactor', (x) => x > 0 && x <= 1, 'in (0, 1]');
    this.endFactor = checkNumber(options.endFactor ?? 1, 'LinearLR endFactor', (x) => x >= 0 && x <= 1, 'in [0, 1]');
    this.totalIters = checkNumber(options.totalIters ?? 5, 'LinearLR totalIters', (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
    this.initialStep();
  }

  protected recursiveLr(lr: number): number {
    const e = this.lastEpoch, s = this.startFactor, d = this.endFactor - this.startFactor;
    if (e === 0) return lr * s;
    if (e > this.totalIters) return lr;
    return lr * (1 + d / (this.totalIters * s + (e - 1) * d));
  }

  protected closedFormLr(): number {
    // With totalIters 0 the recursive form never leaves startFactor; so does this.
    const progress = this.totalIters === 0 ? 0 : Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLr * (this.startFactor + (this.endFactor - this.startFactor) * progress);
  }
}

/**
 * Runs `schedules[0]` until epoch `milestones[0]`, then restarts `schedules[1]` from the base lr,
 * and so on: a warm-up followed by a decay is `new SequentialLR(opt, [warmup, decay], [warmupEpochs])`.
 * Build the schedules on the same optimizer just before this (each sets the lr when built; this
 * undoes that, as PyTorch's SequentialLR does).
 */
export class SequentialLR {
  readonly optimizer: Optimizer;
  readonly schedules: readonly LRScheduler[];
  readonly milestones: readonly number[];
  lastEpoch = 0;
  #lastLr: number;

  constructor(optimizer: Optimizer, schedules: LRScheduler[], milestones: number[]) {
    if (!(optimizer instanceof Optimizer)) fail(`SequentialLR needs an Optimizer, received ${describe(optimizer)}`);
    if (!Array.isArray(schedules) || schedules.length === 0 || !schedules.every((s) => s instanceof LRScheduler)) {
      fail(`SequentialLR needs a non-empty array of schedules, received ${describe(schedules)}`);
    }
    if (schedules.some((s) => s.optimizer !== optimizer)) fail('SequentialLR: every schedule must be attached to its optimizer');
    if (!Array.isArray(milestones) || milestones.length !== schedules.length - 1) {
      fail(`SequentialLR needs ${schedules.length - 1} milestones for ${schedules.length} schedules, received ${describe(milestones)}`);
    }
    milestones.forEach((m, i) => checkNumber(m, `SequentialLR milestone ${i}`,
      (x) => Number.isInteger(x) && x > (i === 0 ? 0 : milestones[i - 1]), 'an integer above the one before it (and above 0)'));
    this.optimizer = optimizer;
    this.schedules = Object.freeze([...schedules]);
    this.milestones = Object.freeze([...milestones]);
    optimizer.lr = optimizer.initialLr!;
    for (const s of schedules) s.lastEpoch -= 1;
    schedules[0].step();
    this.#lastLr = schedules[0].lr;
  }

  step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const schedule = this.schedules[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) schedule.stepTo(0);
    else schedule.step();
    this.#lastLr = schedule.lr;
  }

  get lr(): number {
    return this.#lastLr;
  }

  getLastLr(): number[] {
    return [this.#lastLr];
  }
}
