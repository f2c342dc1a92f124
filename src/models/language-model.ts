// Next-token prediction: Embedding → recurrent stack → Linear, trained with masked softmax
// cross-entropy and BPTT; `generate` samples continuations (greedy, temperature, top-k, top-p).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { Module } from '../nn/module.js';
import { Embedding, Linear } from '../nn/layers.js';
import { RecurrentBase } from '../nn/recurrent.js';
import { Workspace } from '../nn/workspace.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../ops/softmax.js';
import { Adam } from '../train/optim.js';
import { clipGradNorm } from '../train/clip.js';

export interface LanguageModelOptions {
  vocabSize: number;
  embeddingDim?: number;
  hiddenSize?: number;
  numLayers?: number;
  cell?: 'LSTM' | 'GRU' | 'RNN_TANH';
  dropout?: number;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Clip the global gradient norm to this (default 5; 0 turns clipping off). */
  clipNorm?: number;
  seed?: number;
  /** Called after every batch. */
  onProgress?: (p: { epoch: number; batch: number; batches: number; loss: number; tokensPerSecond: number }) => void;
}

export interface GenerateOptions {
  maxLength?: number;
  /** 0 means greedy (argmax). Default 1. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Stop when this token is produced (it is not included). */
  stopToken?: number;
  seed?: number;
}

export class LanguageModel extends Module {
  readonly vocabSize: number;
  readonly embedding: Embedding;
  readonly rnn: RecurrentBase;
  readonly head: Linear;
  private readonly ws: Workspace;

  constructor(options: LanguageModelOptions, backend: Backend = getBackend()) {
    super(backend);
    const { vocabSize, embeddingDim = 32, hiddenSize = 128, numLayers = 1, cell = 'LSTM', dropout = 0 } = options ?? ({} as LanguageModelOptions);
    if (!Number.isInteger(vocabSize) || vocabSize < 2) {
      throw new SeqwasmError(ErrorCode.badArgument, `vocabSize must be an integer ≥ 2, received ${describe(vocabSize)}`);
    }
    this.vocabSize = vocabSize;
    this.embedding = new Embedding(vocabSize, embeddingDim, {}, backend);
    this.rnn = new RecurrentBase(cell, { inputSize: embeddingDim, hiddenSize, numLayers, dropout }, backend);
    this.head = new Linear(hiddenSize, vocabSize, {}, backend);
    this.adopt('embedding.', this.embedding);
    this.adopt('rnn.', this.rnn);
    this.adopt('head.', this.head);
    this.ws = new Workspace(backend);
  }

  override train(mode = true): this {
    super.train(mode);
    this.rnn.train(mode);
    return this;
  }

  private checkSequence(seq: readonly number[], i: number): void {
    if (!Array.isArray(seq) || seq.length < 2) {
      throw new SeqwasmError(ErrorCode.badArgument, `sequence ${i} must be an array of at least 2 token ids, received ${describe(seq)}`);
    }
    for (const id of seq) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new SeqwasmError(ErrorCode.outOfRange, `sequence ${i} holds token id ${describe(id)}: expected 0 ≤ id < ${this.vocabSize}`);
      }
    }
  }

  /** Mean cross-entropy of a batch; with `learn`, also backpropagates (gradients added). */
  private batchLoss(batch: readonly number[][], learn: boolean): { loss: number; tokens: number } {
    const B = batch.length;
    const T = Math.max(...batch.map((s) => s.length)) - 1;
    const ids = this.ws.get('ids', [T, B], 'int32');
    const targets = this.ws.get('targets', [T * B], 'int32');
    const idv = ids.data as Int32Array, tv = targets.data as Int32Array;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const s = batch[b];
        idv[t * B + b] = t < s.length - 1 ? s[t] : 0;
        tv[t * B + b] = t < s.length - 1 ? s[t + 1] : -100;
      }
    }
    const emb = this.embedding.forward(ids);
    const { output } = this.rnn.forward(emb, { lengths: batch.map((s) => s.length - 1) });
    const logits = this.head.forward(output);
    const { loss, probs, count } = softmaxCrossEntropy(logits.view([T * B, this.vocabSize]), targets);
    if (learn) {
      const dLogits = this.ws.zeros('dLogits', [T * B, this.vocabSize]);
      softmaxCrossEntropyBackward(probs, targets, { dlogits: dLogits });
      const dOut = this.head.backward(dLogits.view([T, B, this.vocabSize]));
      const { dInput } = this.rnn.backward(dOut);
      this.embedding.backward(dInput);
    }
    probs.release();
    return { loss, tokens: count };
  }

  /** Trains on token sequences (each at least 2 long). Returns the mean loss of each epoch. */
  fit(sequences: readonly number[][], options: FitOptions = {}): number[] {
    const { epochs = 10, batchSize = 32, lr = 1e-2, clipNorm = 5, seed = 0, onProgress } = options;
    sequences.forEach((s, i) => this.checkSequence(s, i));
    if (sequences.length === 0) throw new SeqwasmError(ErrorCode.badArgument, 'fit needs at least one sequence, received none');
    this.backend.seed(seed);
    const optimizer = new Adam(this.parameters, { lr });
    const order = sequences.map((_, i) => i);
    const history: number[] = [];
    this.train();
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        // Fisher–Yates with the backend's seeded generator: the same seed, the same batches.
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(this.backend.random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        const batches = Math.ceil(order.length / batchSize);
        let lossSum = 0, tokenSum = 0;
        for (let bi = 0; bi < batches; bi++) {
          const t0 = performance.now();
          const batch = order.slice(bi * batchSize, (bi + 1) * batchSize).map((i) => sequences[i]);
          this.zeroGrad();
          const { loss, tokens } = this.batchLoss(batch, true);
          if (!Number.isFinite(loss)) {
            throw new SeqwasmError(ErrorCode.nonFinite, `loss became ${loss} at epoch ${epoch}, batch ${bi}: lower the learning rate or clip gradients`);
          }
          if (clipNorm > 0) clipGradNorm(this.parameters, clipNorm);
          optimizer.step();
          lossSum += loss * tokens;
          tokenSum += tokens;
          onProgress?.({ epoch, batch: bi, batches, loss, tokensPerSecond: tokens / ((performance.now() - t0) / 1000) });
        }
        history.push(lossSum / tokenSum);
      }
    } finally {
      optimizer.release();
      this.eval();
    }
    return history;
  }

  /** exp(mean cross-entropy) over the sequences, in evaluation mode. */
  perplexity(sequences: readonly number[][], batchSize = 64): number {
    sequences.forEach((s, i) => this.checkSequence(s, i));
    const wasTraining = this.training;
    this.eval();
    let lossSum = 0, tokens = 0;
    for (let i = 0; i < sequences.length; i += batchSize) {
      const r = this.batchLoss(sequences.slice(i, i + batchSize), false);
      lossSum += r.loss * r.tokens;
      tokens += r.tokens;
    }
    this.train(wasTraining);
    return Math.exp(lossSum / tokens);
  }

  /** Continues `prompt` (at least one token) by sampling one token at a time. */
  generate(prompt: readonly number[], options: GenerateOptions = {}): number[] {
    const { maxLength = 50, temperature = 1, topK = 0, topP = 1, stopToken, seed } = options;
    if (!Array.isArray(prompt) || prompt.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `prompt must hold at least one token id, received ${describe(prompt)}`);
    prompt.forEach((id) => { if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new SeqwasmError(ErrorCode.outOfRange, `prompt token id ${describe(id)} is out of range: expected 0 ≤ id < ${this.vocabSize}`); });
    if (!(temperature >= 0)) throw new SeqwasmError(ErrorCode.badArgument, `temperature must be ≥ 0, received ${describe(temperature)}`);
    if (!(topP > 0 && topP <= 1)) throw new SeqwasmError(ErrorCode.badArgument, `topP must be in (0, 1], received ${describe(topP)}`);
    if (seed !== undefined) this.backend.seed(seed);
    const wasTraining = this.training;
    this.eval();
    const out: number[] = [];
    let h: Float32Array | undefined, c: Float32Array | undefined;
    let logits: Float32Array = new Float32Array(0);
    const feed = (id: number) => {
      const emb = this.embedding.forward([[id]]);
      const r = this.rnn.forward(emb, {
        h0: h ? this.backend.tensor(h, [this.rnn.numLayers, 1, this.rnn.hiddenSize]) : undefined,
        c0: c ? this.backend.tensor(c, [this.rnn.numLayers, 1, this.rnn.hiddenSize]) : undefined,
      });
      h = r.hN.toArray() as Float32Array;
      c = r.cN?.toArray() as Float32Array | undefined;
      logits = this.head.forward(r.output).toArray() as Float32Array;
    };
    prompt.forEach(feed);
    for (let step = 0; step < maxLength; step++) {
      const next = sampleLogits(logits, temperature, topK, topP, () => this.backend.random());
      if (next === stopToken) break;
      out.push(next);
      feed(next);
    }
    this.train(wasTraining);
    return out;
  }

  override release(): void {
    this.ws.release();
    this.embedding.release();
    this.rnn.release();
    this.head.release();
  }
}

/** Picks a token from logits: argmax at temperature 0, else a draw from the truncated softmax. */
export function sampleLogits(logits: Float32Array, temperature: number, topK: number, topP: number, random: () => number): number {
  if (temperature === 0) return logits.reduce((best, v, i) => (v > logits[best] ? i : best), 0);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
  const kept = topK > 0 ? order.slice(0, topK) : order;
  const max = logits[kept[0]];
  const weights = kept.map((i) => Math.exp((logits[i] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  // Nucleus: the smallest prefix whose probability reaches topP.
  let cut = kept.length, acc = 0;
  for (let i = 0; i < kept.length; i++) {
    acc += weights[i] / total;
    if (acc >= topP) { cut = i + 1; break; }
  }
  const mass = weights.slice(0, cut).reduce((a, b) => a + b, 0);
  let r = random() * mass;
  for (let i = 0; i < cut; i++) {
    r -= weights[i];
    if (r < 0) return kept[i];
  }
  return kept[cut - 1];
}
