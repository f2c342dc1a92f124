// Many-to-one: Embedding → recurrent stack → pooling over time (last / mean / max) → Linear,
// trained with softmax cross-entropy by the shared loop in trainer.ts.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { Linear } from '../nn/layers.js';
import { RecurrentModel, lengthsOf, inEval, type RecurrentModelOptions } from './base.js';
import { SequencePooling, type PoolingMode } from './pooling.js';
import { fitLoop, evaluateBatches, resolveTrainOptions, indexTask, indexBatches, noRandom, type TrainOptions, type History, type TrainTask, type StepResult } from './trainer.js';

export interface SequenceClassifierOptions extends RecurrentModelOptions {
  numClasses: number;
  /** How the recurrent outputs become one vector (default 'last'). */
  pooling?: PoolingMode;
}

export interface ClassifierFitOptions extends TrainOptions {
  /** Held-out sequences and labels, instead of validationSplit. */
  validationData?: [readonly number[][], readonly number[]];
}

export class SequenceClassifier extends RecurrentModel {
  readonly numClasses: number;
  readonly pooling: SequencePooling;
  readonly head: Linear;

  constructor(options: SequenceClassifierOptions, backend: Backend = getBackend()) {
    super(options, { bidirectional: false, hiddenSize: 64, embeddingDim: 32 }, backend);
    const { numClasses, pooling = 'last' } = options;
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new SeqwasmError(ErrorCode.badArgument, `numClasses must be an integer ≥ 2, received ${describe(numClasses)}`);
    }
    this.numClasses = numClasses;
    this.pooling = new SequencePooling(pooling, this.rnn.directions, backend);
    this.head = new Linear(this.outputSize, numClasses, {}, backend);
    this.adopt('head.', this.head);
  }

  private checkLabels(labels: unknown, n: number, what: string): asserts labels is readonly number[] {
    if (!Array.isArray(labels)) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an array of class ids, received ${describe(labels)}`);
    if (labels.length !== n) throw new SeqwasmError(ErrorCode.badShape, `${what} must hold one label per sequence (${n}), received ${labels.length}`);
    labels.forEach((y, i) => {
      if (!Number.isInteger(y) || y < 0 || y >= this.numClasses) {
        throw new SeqwasmError(ErrorCode.outOfRange, `${what}[${i}] is ${describe(y)}: expected a class id 0 ≤ label < ${this.numClasses} (numClasses)`);
      }
    });
  }

  /** Forward on a batch; returns the (B, numClasses) logits view. */
  private logits(batch: readonly (readonly number[])[]) {
    const { lengths, T } = lengthsOf(batch);
    const { output } = this.encode(batch, lengths, T);
    const pooled = this.pooling.forward(output, lengths);
    return this.head.forward(pooled);
  }

  private run(batch: readonly (readonly number[])[], labels: readonly number[], learn: boolean): StepResult {
    const B = batch.length;
    const logits = this.logits(batch);
    const targets = this.ws.get('targets', [B], 'int32');
    (targets.data as Int32Array).set(labels);
    const r = this.crossEntropy(logits, targets, B, this.numClasses, learn);
    if (learn && r.dLogits) {
      const dPooled = this.head.backward(r.dLogits!);
      this.encodeBackward(this.pooling.backward(dPooled));
    }
    let tokens = 0;
    for (const s of batch) tokens += s.length;
    return { loss: r.loss, count: r.count, correct: r.correct, tokens };
  }

  private task(xs: readonly number[][], ys: readonly number[], o: ReturnType<typeof resolveTrainOptions>, nTrain: number, extra: number): TrainTask<number[]> {
    return indexTask(this, nTrain, extra, o, (idx, learn) => this.run(idx.map((i) => xs[i]), idx.map((i) => ys[i]), learn));
  }

  /** Trains on sequences (each at least one token) with a class label each. */
  fit(sequences: readonly number[][], labels: readonly number[], options: ClassifierFitOptions = {}): History {
    this.checkSequences(sequences, 'sequences');
    this.checkLabels(labels, sequences.length, 'labels');
    const o = resolveTrainOptions(options, { batchSize: 32, lr: 1e-2 });
    let xs = sequences, ys = labels, extra = 0;
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (!Array.isArray(vd) || vd.length !== 2) throw new SeqwasmError(ErrorCode.badArgument, `validationData must be [sequences, labels], received ${describe(vd)}`);
      this.checkSequences(vd[0], 'validationData[0]');
      this.checkLabels(vd[1], vd[0].length, 'validationData[1]');
      xs = [...sequences, ...vd[0]];
      ys = [...labels, ...vd[1]];
      extra = vd[0].length;
    }
    this.backend.seed(o.seed);
    return fitLoop(this.task(xs, ys, o, sequences.length, extra), o);
  }

  /** Class probabilities of each sequence, (N, numClasses) as rows. */
  predictProba(sequences: readonly number[][], batchSize = 64): Float32Array[] {
    this.checkSequences(sequences, 'sequences');
    const out: Float32Array[] = [];
    inEval(this, () => {
      const k = this.backend.kernels;
      for (let i = 0; i < sequences.length; i += batchSize) {
        const batch = sequences.slice(i, i + batchSize);
        const logits = this.logits(batch);
        const probs = this.ws.get('probs', [batch.length, this.numClasses]);
        k.softmaxForward(probs.ptr, logits.ptr, batch.length, this.numClasses);
        const pv = probs.data as Float32Array;
        for (let b = 0; b < batch.length; b++) out.push(pv.slice(b * this.numClasses, (b + 1) * this.numClasses));
      }
    });
    return out;
  }

  /** The most probable class of each sequence. */
  predict(sequences: readonly number[][], batchSize = 64): number[] {
    return this.predictProba(sequences, batchSize).map((p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0));
  }

  /** Mean cross-entropy and accuracy on labelled sequences, in evaluation mode. */
  evaluate(sequences: readonly number[][], labels: readonly number[], batchSize = 64): { loss: number; accuracy: number } {
    this.checkSequences(sequences, 'sequences');
    this.checkLabels(labels, sequences.length, 'labels');
    const all = Array.from(sequences.keys());
    const task: TrainTask<number[]> = { module: this, trainBatches: () => [], validationBatches: () => null, run: (idx, learn) => this.run(idx.map((i) => sequences[i]), idx.map((i) => labels[i]), learn) };
    const r = evaluateBatches(task, indexBatches(all, batchSize, false, noRandom));
    return { loss: r.loss, accuracy: r.accuracy! };
  }

  override release(): void {
    this.pooling.release();
    this.head.release();
    super.release();
  }
}
