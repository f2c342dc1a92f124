// What the sequence models share: Embedding → recurrent stack, input checks that name the
// argument, padding a batch of token sequences into a (T, B) id tensor with lengths, and a
// softmax cross-entropy whose buffers live in the model's workspace (a training step allocates
// nothing after its first).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers.js';
import { RecurrentBase, type RecurrentMode } from '../nn/recurrent.js';
import { Workspace } from '../nn/workspace.js';

export interface RecurrentModelOptions {
  vocabSize: number;
  embeddingDim?: number;
  hiddenSize?: number;
  numLayers?: number;
  cell?: RecurrentMode;
  /** Dropout between recurrent layers, in training only. */
  dropout?: number;
  bidirectional?: boolean;
  /** Seeds the backend's generator before the weights are drawn. */
  seed?: number;
}

export const IGNORE = -100;

/** Rows whose target (int32) is not IGNORE, and how many of them have their largest score there (argmax in wasm). */
export function countCorrect(ws: Workspace, scores: Tensor, targets: Tensor, rows: number, cols: number): { count: number; correct: number } {
  const best = ws.get('argmax', [rows], 'int32');
  scores.backend.kernels.rowArgmax(best.ptr, scores.ptr, rows, cols);
  // Views taken after the allocation above, which may have grown the memory.
  const bv = best.data as Int32Array, tv = targets.data as Int32Array;
  let count = 0, correct = 0;
  for (let r = 0; r < rows; r++) {
    if (tv[r] === IGNORE) continue;
    count++;
    if (bv[r] === tv[r]) correct++;
  }
  return { count, correct };
}

export abstract class RecurrentModel extends Module {
  readonly vocabSize: number;
  readonly embedding: Embedding;
  readonly rnn: RecurrentBase;
  protected readonly ws: Workspace;

  protected constructor(options: RecurrentModelOptions, defaults: { bidirectional: boolean; hiddenSize: number; embeddingDim: number }, backend: Backend = getBackend()) {
    super(backend);
    if (options === null || typeof options !== 'object') {
      throw new SeqwasmError(ErrorCode.badArgument, `options must be an object with vocabSize, received ${describe(options)}`);
    }
    const { vocabSize, embeddingDim = defaults.embeddingDim, hiddenSize = defaults.hiddenSize, numLayers = 1, cell = 'LSTM', dropout = 0,
      bidirectional = defaults.bidirectional, seed } = options;
    if (!Number.isInteger(vocabSize) || vocabSize < 2) {
      throw new SeqwasmError(ErrorCode.badArgument, `vocabSize must be an integer ≥ 2, received ${describe(vocabSize)}`);
    }
    if (!['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'].includes(cell)) {
      throw new SeqwasmError(ErrorCode.badArgument, `cell must be 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU', received ${describe(cell)}`);
    }
    if (seed !== undefined) backend.seed(seed);
    this.vocabSize = vocabSize;
    this.embedding = new Embedding(vocabSize, embeddingDim, {}, backend);
    this.rnn = new RecurrentBase(cell, { inputSize: embeddingDim, hiddenSize, numLayers, dropout, bidirectional }, backend);
    this.adopt('embedding.', this.embedding);
    this.adopt('rnn.', this.rnn);
    this.ws = new Workspace(backend);
  }

  /** Width of the recurrent output: directions × hiddenSize. */
  get outputSize(): number {
    return this.rnn.directions * this.rnn.hiddenSize;
  }

  override train(mode = true): this {
    super.train(mode);
    this.embedding.train(mode);
    this.rnn.train(mode);
    return this;
  }

  /** Every sequence a non-empty array of token ids in range (at least `minLength` long). */
  protected checkSequences(seqs: unknown, what: string, minLength = 1): asserts seqs is readonly number[][] {
    if (!Array.isArray(seqs)) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an array of token-id arrays, received ${describe(seqs)}`);
    if (seqs.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `${what} must hold at least one sequence, received none`);
    for (let i = 0; i < seqs.length; i++) this.checkTokens(seqs[i], `${what}[${i}]`, minLength);
  }

  protected checkTokens(seq: unknown, what: string, minLength = 1): asserts seq is readonly number[] {
    if (!Array.isArray(seq) || seq.length < minLength) {
      throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an array of at least ${minLength} token id${minLength === 1 ? '' : 's'}, received ${describe(seq)}`);
    }
    for (let t = 0; t < seq.length; t++) {
      const id = seq[t];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new SeqwasmError(ErrorCode.outOfRange, `${what}[${t}] is token id ${describe(id)}: expected an integer 0 ≤ id < ${this.vocabSize} (vocabSize)`);
      }
    }
  }

  /** Embeds and runs the recurrent stack over padded sequences; returns the (T, B, D·H) output view. */
  protected encode(batch: readonly (readonly number[])[], lengths: number[], T: number, h0?: Tensor, c0?: Tensor): { output: Tensor; hN: Tensor; cN?: Tensor } {
    const B = batch.length;
    const ids = this.ws.get('ids', [T, B], 'int32');
    const v = ids.data as Int32Array;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) v[t * B + b] = t < lengths[b] ? batch[b][t] : 0;
    }
    const emb = this.embedding.forward(ids);
    return this.rnn.forward(emb, { lengths, h0, c0 });
  }

  /** Backward through the recurrent stack and the embedding (gradients added). */
  protected encodeBackward(dOutput: Tensor | null, dhN?: Tensor): void {
    const { dInput } = this.rnn.backward(dOutput, dhN ? { dhN } : {});
    this.embedding.backward(dInput);
  }

  /**
   * Softmax cross-entropy over rows of `logits` (rows, C) against int32 `targets` (IGNORE rows
   * left out), mean over the rows kept. With `learn`, writes ∂loss/∂logits into the returned
   * `dLogits`. Targets must already be checked (the callers check labels on entry).
   */
  protected crossEntropy(logits: Tensor, targets: Tensor, rows: number, cols: number, learn: boolean): { loss: number; count: number; correct: number; probs: Tensor; dLogits: Tensor | null } {
    const k = this.backend.kernels;
    const probs = this.ws.get('probs', [rows, cols]);
    const total = k.softmaxCrossEntropyForward(probs.ptr, logits.ptr, targets.ptr, rows, cols, IGNORE, 0);
    const { count, correct } = countCorrect(this.ws, probs, targets, rows, cols);
    let dLogits: Tensor | null = null;
    if (learn && Number.isFinite(total)) {
      dLogits = this.ws.zeros('dLogits', [rows, cols]);
      k.softmaxCrossEntropyBackward(dLogits.ptr, probs.ptr, targets.ptr, rows, cols, IGNORE, 0, count === 0 ? 0 : 1 / count);
    }
    return { loss: count === 0 ? 0 : total / count, count, correct, probs, dLogits };
  }

  override release(): void {
    this.ws.release();
    this.embedding.release();
    this.rnn.release();
    super.release();
  }
}

/** Sorted-free padding helpers: lengths and the longest. */
export function lengthsOf(batch: readonly (readonly number[])[]): { lengths: number[]; T: number } {
  const lengths = batch.map((s) => s.length);
  let T = 0;
  for (const n of lengths) if (n > T) T = n;
  return { lengths, T };
}

/** Runs `fn` in evaluation mode and restores the mode after. */
export function inEval<R>(m: Module, fn: () => R): R {
  const was = m.training;
  m.eval();
  try {
    return fn();
  } finally {
    m.train(was);
  }
}
