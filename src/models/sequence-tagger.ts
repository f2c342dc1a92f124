// Many-to-many: Embedding → recurrent stack (bidirectional by default) → Linear on every step,
// trained with softmax cross-entropy over the real (unpadded) steps by the loop in trainer.ts.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { Linear } from '../nn/layers.js';
import { RecurrentModel, IGNORE, lengthsOf, inEval, type RecurrentModelOptions } from './base.js';
import { fitLoop, evaluateBatches, resolveTrainOptions, indexTask, indexBatches, noRandom, type TrainOptions, type History, type TrainTask, type StepResult } from './trainer.js';

export interface SequenceTaggerOptions extends RecurrentModelOptions {
  numTags: number;
}

export interface TaggerFitOptions extends TrainOptions {
  /** Held-out sequences and their tags, instead of validationSplit. */
  validationData?: [readonly number[][], readonly number[][]];
}

export class SequenceTagger extends RecurrentModel {
  readonly numTags: number;
  readonly head: Linear;

  constructor(options: SequenceTaggerOptions, backend: Backend = getBackend()) {
    super(options, { bidirectional: true, hiddenSize: 64, embeddingDim: 32 }, backend);
    const { numTags } = options;
    if (!Number.isInteger(numTags) || numTags < 2) {
      throw new SeqwasmError(ErrorCode.badArgument, `numTags must be an integer ≥ 2, received ${describe(numTags)}`);
    }
    this.numTags = numTags;
    this.head = new Linear(this.outputSize, numTags, {}, backend);
    this.adopt('head.', this.head);
  }

  private checkTags(tags: unknown, sequences: readonly number[][], what: string): asserts tags is readonly number[][] {
    if (!Array.isArray(tags)) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an array of tag arrays, received ${describe(tags)}`);
    if (tags.length !== sequences.length) throw new SeqwasmError(ErrorCode.badShape, `${what} must hold one tag array per sequence (${sequences.length}), received ${tags.length}`);
    tags.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== sequences[i].length) {
        throw new SeqwasmError(ErrorCode.badShape, `${what}[${i}] must hold one tag per token (${sequences[i].length}), received ${describe(row)}`);
      }
      row.forEach((y, t) => {
        if (!Number.isInteger(y) || y < 0 || y >= this.numTags) {
          throw new SeqwasmError(ErrorCode.outOfRange, `${what}[${i}][${t}] is ${describe(y)}: expected a tag id 0 ≤ tag < ${this.numTags} (numTags)`);
        }
      });
    });
  }

  private logits(batch: readonly (readonly number[])[]) {
    const { lengths, T } = lengthsOf(batch);
    const { output } = this.encode(batch, lengths, T);
    return { logits: this.head.forward(output), T };
  }

  private run(batch: readonly (readonly number[])[], tags: readonly (readonly number[])[], learn: boolean): StepResult {
    const B = batch.length;
    const { logits, T } = this.logits(batch);
    const targets = this.ws.get('targets', [T * B], 'int32');
    const tv = targets.data as Int32Array;
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) tv[t * B + b] = t < tags[b].length ? tags[b][t] : IGNORE;
    const r = this.crossEntropy(logits, targets, T * B, this.numTags, learn);
    if (learn && r.dLogits) this.encodeBackward(this.head.backward(r.dLogits!.view([T, B, this.numTags])));
    return { loss: r.loss, count: r.count, correct: r.correct };
  }

  /** Trains on sequences with one tag per token. */
  fit(sequences: readonly number[][], tags: readonly number[][], options: TaggerFitOptions = {}): History {
    this.checkSequences(sequences, 'sequences');
    this.checkTags(tags, sequences, 'tags');
    const o = resolveTrainOptions(options, { batchSize: 32, lr: 1e-2 });
    let xs = sequences, ys = tags, extra = 0;
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (!Array.isArray(vd) || vd.length !== 2) throw new SeqwasmError(ErrorCode.badArgument, `validationData must be [sequences, tags], received ${describe(vd)}`);
      this.checkSequences(vd[0], 'validationData[0]');
      this.checkTags(vd[1], vd[0], 'validationData[1]');
      xs = [...sequences, ...vd[0]];
      ys = [...tags, ...vd[1]];
      extra = vd[0].length;
    }
    this.backend.seed(o.seed);
    return fitLoop(indexTask(this, sequences.length, extra, o, (idx, learn) => this.run(idx.map((i) => xs[i]), idx.map((i) => ys[i]), learn)), o);
  }

  /** Per-token tag probabilities: for each sequence, one Float32Array of numTags per token. */
  predictProba(sequences: readonly number[][], batchSize = 64): Float32Array[][] {
    this.checkSequences(sequences, 'sequences');
    const out: Float32Array[][] = [];
    const K = this.numTags;
    inEval(this, () => {
      for (let i = 0; i < sequences.length; i += batchSize) {
        const batch = sequences.slice(i, i + batchSize);
        const B = batch.length;
        const { logits, T } = this.logits(batch);
        const probs = this.ws.get('probs', [T * B, K]);
        this.backend.kernels.softmaxForward(probs.ptr, logits.ptr, T * B, K);
        const pv = probs.data as Float32Array;
        batch.forEach((s, b) => out.push(s.map((_, t) => pv.slice((t * B + b) * K, (t * B + b + 1) * K))));
      }
    });
    return out;
  }

  /** The most probable tag of every token. */
  predict(sequences: readonly number[][], batchSize = 64): number[][] {
    return this.predictProba(sequences, batchSize).map((rows) => rows.map((p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0)));
  }

  /** Mean per-token cross-entropy and accuracy, in evaluation mode. */
  evaluate(sequences: readonly number[][], tags: readonly number[][], batchSize = 64): { loss: number; accuracy: number } {
    this.checkSequences(sequences, 'sequences');
    this.checkTags(tags, sequences, 'tags');
    const task: TrainTask<number[]> = { module: this, trainBatches: () => [], validationBatches: () => null, run: (idx, learn) => this.run(idx.map((i) => sequences[i]), idx.map((i) => tags[i]), learn) };
    const r = evaluateBatches(task, indexBatches(Array.from(sequences.keys()), batchSize, false, noRandom));
    return { loss: r.loss, accuracy: r.accuracy! };
  }

  override release(): void {
    this.head.release();
    super.release();
  }
}
