// The one training loop every model uses: seeded shuffling (the backend's generator), batching,
// gradient clipping, non-finite loss/gradient handling, validation, early stopping with
// best-weights restore, and progress with tokens/s. A model describes its data as a TrainTask:
// how an epoch is cut into batches and how one batch is run (forward, and backward when learning).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Module, StateDict } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { Optimizer, SGD, Adam, AdamW, RMSprop } from '../train/optim.js';
import { clipGradNorm, clipGradValue } from '../train/clip.js';
import type { LRScheduler } from '../train/schedule.js';

export interface TrainProgress {
  epoch: number;
  /** Batch within the epoch. */
  batch: number;
  batches: number;
  /** Steps taken since fit began (skipped ones included). */
  step: number;
  /** Mean loss of this batch. */
  loss: number;
  /** Input tokens read in this batch. */
  tokens: number;
  tokensPerSecond: number;
  /** True when this step had a non-finite loss or gradient and was skipped. */
  skipped: boolean;
}

export interface EpochSummary {
  epoch: number;
  /** Mean training loss over the epoch's tokens (skipped steps left out). */
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  tokensPerSecond: number;
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'adamw' | 'sgd' | 'rmsprop';
  weightDecay?: number;
  /** Clip the global 2-norm of the gradients to this (default 5; 0 turns it off). */
  clipNorm?: number;
  /** Clamp every gradient element to ±clipValue (off by default). */
  clipValue?: number;
  /** Seeds the backend's generator (shuffling, dropout). Default 0. */
  seed?: number;
  /** Shuffle the training examples every epoch (default true). */
  shuffle?: boolean;
  /** Hold out this fraction of the training data (a seeded draw) for validation. */
  validationSplit?: number;
  /** Stop after this many epochs without improvement of the validation loss (training loss when there is no validation data). 0: never. */
  patience?: number;
  /** The least decrease that counts as an improvement (default 0). */
  minDelta?: number;
  /**
   * End with the weights of the best epoch (lowest validation loss, else training loss).
   * Default: true with early stopping (patience > 0), else false.
   */
  restoreBestWeights?: boolean;
  /** Skip steps whose loss or gradient is NaN/±Infinity instead of throwing. */
  skipNonFinite?: boolean;
  /** Called after every batch. */
  onProgress?: (p: TrainProgress) => void;
  /** Called after every epoch, after validation. */
  onEpochEnd?: (e: EpochSummary) => void;
  /**
   * A learning-rate schedule, made from the optimizer fit creates and stepped after every epoch
   * (PyTorch's usual place), e.g. `(opt) => new CosineAnnealingLR(opt, { tMax: epochs })`.
   */
  schedule?: (optimizer: Optimizer) => LRScheduler;
}

export interface History {
  /** Mean training loss of each epoch. */
  loss: number[];
  /** Validation loss of each epoch (empty without validation data). */
  valLoss: number[];
  valAccuracy: number[];
  epochs: EpochSummary[];
  /** The epoch whose weights the model ends with when the best weights were restored; else the last. */
  bestEpoch: number;
  stoppedEarly: boolean;
  skippedSteps: number;
  steps: number;
}

export interface StepResult {
  /** Mean loss over `count` terms. */
  loss: number;
  count: number;
  /** Correct predictions among `count`, when the task has a notion of accuracy. */
  correct?: number;
  /** Input tokens read (for tokens/s); `count` when absent. */
  tokens?: number;
}

export interface TrainTask<B> {
  module: Module;
  /** The batches of one training epoch; `random` is the backend's seeded generator. */
  trainBatches(random: () => number): B[];
  /** The validation batches, or null when there is no validation data. */
  validationBatches(): B[] | null;
  /** Forward (and with `learn`, backward: gradients added) on one batch. */
  run(batch: B, learn: boolean): StepResult;
  /** Called before each pass over training or validation batches (resets carried state). */
  beginPass?(training: boolean): void;
}

function checkNumber(v: unknown, what: string, ok: (n: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || !ok(v)) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be ${expected}, received ${describe(v)}`);
  return v;
}

/** Checks the options every model shares and fills in defaults. */
export function resolveTrainOptions(options: TrainOptions, defaults: { batchSize?: number; lr?: number } = {}) {
  if (options === null || typeof options !== 'object') throw new SeqwasmError(ErrorCode.badArgument, `options must be an object, received ${describe(options)}`);
  const int = (n: number) => Number.isInteger(n);
  const o = {
    epochs: checkNumber(options.epochs ?? 10, 'epochs', (n) => int(n) && n >= 1, 'an integer ≥ 1'),
    batchSize: checkNumber(options.batchSize ?? defaults.batchSize ?? 32, 'batchSize', (n) => int(n) && n >= 1, 'an integer ≥ 1'),
    lr: checkNumber(options.lr ?? defaults.lr ?? 1e-2, 'lr', (n) => n >= 0 && Number.isFinite(n), 'a finite number ≥ 0'),
    optimizer: options.optimizer ?? 'adam',
    weightDecay: checkNumber(options.weightDecay ?? 0, 'weightDecay', (n) => n >= 0, 'a number ≥ 0'),
    clipNorm: checkNumber(options.clipNorm ?? 5, 'clipNorm', (n) => n >= 0, 'a number ≥ 0'),
    clipValue: checkNumber(options.clipValue ?? 0, 'clipValue', (n) => n >= 0, 'a number ≥ 0'),
    seed: checkNumber(options.seed ?? 0, 'seed', (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative safe integer'),
    shuffle: options.shuffle ?? true,
    validationSplit: checkNumber(options.validationSplit ?? 0, 'validationSplit', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    patience: checkNumber(options.patience ?? 0, 'patience', (n) => int(n) && n >= 0, 'an integer ≥ 0'),
    minDelta: checkNumber(options.minDelta ?? 0, 'minDelta', (n) => n >= 0, 'a number ≥ 0'),
    restoreBestWeights: options.restoreBestWeights ?? (options.patience ?? 0) > 0,
    skipNonFinite: options.skipNonFinite ?? false,
    onProgress: options.onProgress,
    onEpochEnd: options.onEpochEnd,
    schedule: options.schedule,
  };
  if (o.schedule !== undefined && typeof o.schedule !== 'function') {
    throw new SeqwasmError(ErrorCode.badArgument, `schedule must be a function (optimizer) => LRScheduler, received ${describe(o.schedule)}`);
  }
  if (!['adam', 'adamw', 'sgd', 'rmsprop'].includes(o.optimizer)) {
    throw new SeqwasmError(ErrorCode.badArgument, `optimizer must be 'adam', 'adamw', 'sgd' or 'rmsprop', received ${describe(o.optimizer)}`);
  }
  return o;
}
export type ResolvedTrainOptions = ReturnType<typeof resolveTrainOptions>;

function makeOptimizer(params: Parameter[], o: ResolvedTrainOptions): Optimizer {
  const { lr, weightDecay } = o;
  switch (o.optimizer) {
    case 'sgd': return new SGD(params, { lr, weightDecay });
    case 'adamw': return new AdamW(params, { lr, weightDecay });
    case 'rmsprop': return new RMSprop(params, { lr, weightDecay });
    default: return new Adam(params, { lr, weightDecay });
  }
}

/** Fisher–Yates with the given generator: the same seed, the same order. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Splits example indices 0…n−1 into training and validation: `extra` validation examples are
 * appended after the training ones by the caller (indices n…n+extra−1); otherwise a seeded draw of
 * `split`·n examples is held out. Uses (and advances) the generator only when splitting.
 */
export function splitIndices(n: number, extra: number, split: number, random: () => number): { train: number[]; validation: number[] | null } {
  const all = Array.from({ length: n }, (_, i) => i);
  if (extra > 0) return { train: all, validation: Array.from({ length: extra }, (_, i) => n + i) };
  if (split <= 0) return { train: all, validation: null };
  const held = Math.round(n * split);
  if (held < 1 || held >= n) {
    throw new SeqwasmError(ErrorCode.badArgument, `validationSplit ${split} of ${n} examples leaves ${held} for validation and ${n - held} for training: each needs at least one`);
  }
  shuffleInPlace(all, random);
  return { train: all.slice(held).sort((a, b) => a - b), validation: all.slice(0, held).sort((a, b) => a - b) };
}

/** For batching without shuffling: never called. */
export const noRandom = (): number => 0;

/** Batches of example indices for one epoch: shuffled with `random` when asked, then cut. */
/**
 * The task of a model trained on examples 0 … train + extra − 1 in index batches: the last
 * `extra` are the caller's validation data, else `validationSplit` holds some out (a seeded draw
 * from the module's backend).
 */
export function indexTask(module: Module, train: number, extra: number, o: ResolvedTrainOptions,
                          run: (indices: number[], learn: boolean) => StepResult): TrainTask<number[]> {
  const split = splitIndices(train, extra, o.validationSplit, () => module.backend.random());
  return {
    module,
    trainBatches: (random) => indexBatches(split.train, o.batchSize, o.shuffle, random),
    validationBatches: () => split.validation && indexBatches(split.validation, o.batchSize, false, noRandom),
    run,
  };
}

export function indexBatches(indices: readonly number[], batchSize: number, shuffle: boolean, random: () => number): number[][] {
  const order = shuffle ? shuffleInPlace([...indices], random) : [...indices];
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

function gradNorm(params: readonly Parameter[], clipNorm: number): number {
  if (clipNorm > 0) return clipGradNorm(params, clipNorm);
  let sum = 0;
  for (const p of params) if (p.requiresGrad) sum += p.grad.backend.kernels.sumSquares(p.grad.size, p.grad.ptr);
  return Math.sqrt(sum);
}

/**
 * Runs the training loop. The backend is seeded (`o.seed`) by the caller before any draw it
 * makes (the validation split), so a run is reproducible bit for bit on one thread. On an error
 * the module's weights are put back as they were when the loop began.
 */
export function fitLoop<B>(task: TrainTask<B>, o: ResolvedTrainOptions): History {
  const module = task.module, be = module.backend;
  const params = module.parameters;
  const random = () => be.random();
  const snapshot = module.stateDict();
  const optimizer = makeOptimizer(params, o);
  const scheduler = o.schedule?.(optimizer);
  const history: History = { loss: [], valLoss: [], valAccuracy: [], epochs: [], bestEpoch: -1, stoppedEarly: false, skippedSteps: 0, steps: 0 };
  let best = Infinity, bestState: StateDict | null = null, sinceBest = 0;
  const valBatches = task.validationBatches();
  module.train();
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const batches = task.trainBatches(random);
      task.beginPass?.(true);
      const tEpoch = performance.now();
      let lossSum = 0, countSum = 0, tokenSum = 0;
      for (let bi = 0; bi < batches.length; bi++) {
        const t0 = performance.now();
        module.zeroGrad();
        let r: StepResult, inside = '';
        try {
          r = task.run(batches[bi], true);
        } catch (e) {
          // A layer's backward refuses a non-finite gradient from above: the same event.
          if (!(e instanceof SeqwasmError && e.code === ErrorCode.nonFinite)) throw e;
          r = { loss: NaN, count: 0 };
          inside = ` (${e.message})`;
        }
        const norm = Number.isFinite(r.loss) ? gradNorm(params, o.clipNorm) : NaN;
        const step = history.steps++;
        if (!Number.isFinite(r.loss) || !Number.isFinite(norm)) {
          const what = (!Number.isFinite(r.loss) ? `the loss is ${r.loss}` : `the gradient norm is ${norm}`) + inside;
          if (!o.skipNonFinite) {
            throw new SeqwasmError(ErrorCode.nonFinite,
              `training stopped at epoch ${epoch + 1}, step ${step + 1} (batch ${bi + 1} of ${batches.length}): ${what}; lower lr, clip gradients, or pass skipNonFinite: true to skip such steps (weights restored to those before fit)`);
          }
          history.skippedSteps++;
          o.onProgress?.({ epoch, batch: bi, batches: batches.length, step, loss: r.loss, tokens: r.tokens ?? r.count, tokensPerSecond: 0, skipped: true });
          continue;
        }
        if (o.clipValue > 0) clipGradValue(params, o.clipValue);
        optimizer.step();
        lossSum += r.loss * r.count;
        countSum += r.count;
        const tokens = r.tokens ?? r.count;
        tokenSum += tokens;
        const seconds = (performance.now() - t0) / 1000;
        o.onProgress?.({ epoch, batch: bi, batches: batches.length, step, loss: r.loss, tokens, tokensPerSecond: seconds > 0 ? tokens / seconds : 0, skipped: false });
      }
      const seconds = (performance.now() - tEpoch) / 1000;
      const summary: EpochSummary = { epoch, loss: countSum > 0 ? lossSum / countSum : NaN, seconds, tokensPerSecond: seconds > 0 ? tokenSum / seconds : 0 };
      history.loss.push(summary.loss);
      if (valBatches) {
        const v = evaluateBatches(task, valBatches);
        summary.valLoss = v.loss;
        history.valLoss.push(v.loss);
        if (v.accuracy !== undefined) {
          summary.valAccuracy = v.accuracy;
          history.valAccuracy.push(v.accuracy);
        }
      }
      history.epochs.push(summary);
      o.onEpochEnd?.(summary);
      scheduler?.step();
      const monitored = summary.valLoss ?? summary.loss;
      if (monitored < best - o.minDelta) {
        best = monitored;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (o.restoreBestWeights) bestState = module.stateDict();
      } else if (o.patience > 0 && ++sinceBest >= o.patience) {
        history.stoppedEarly = true;
        break;
      }
    }
    const last = history.epochs.length - 1;
    if (bestState !== null && history.bestEpoch !== last) restore(module, bestState);
    else history.bestEpoch = last;
  } catch (e) {
    restore(module, snapshot);
    throw e;
  } finally {
    optimizer.release();
    module.eval();
  }
  return history;
}

/** Puts back weights this loop copied itself (loadStateDict would refuse a NaN the caller had). */
function restore(module: Module, state: StateDict): void {
  for (const p of module.parameters) p.value.data.set(state[p.name].data);
}

/** Mean loss (and accuracy when the task counts correct predictions) over batches, in evaluation mode. */
export function evaluateBatches<B>(task: TrainTask<B>, batches: readonly B[]): { loss: number; accuracy?: number; count: number } {
  const module = task.module;
  const wasTraining = module.training;
  module.eval();
  task.beginPass?.(false);
  let lossSum = 0, count = 0, correct = 0, counted = false;
  try {
    for (const b of batches) {
      const r = task.run(b, false);
      lossSum += r.loss * r.count;
      count += r.count;
      if (r.correct !== undefined) { correct += r.correct; counted = true; }
    }
  } finally {
    module.train(wasTraining);
  }
  const loss = count > 0 ? lossSum / count : NaN;
  return counted ? { loss, accuracy: count > 0 ? correct / count : NaN, count } : { loss, count };
}
