// Next-token prediction: Embedding → recurrent stack → Linear, trained with masked softmax
// cross-entropy by the shared loop in trainer.ts, either on separate sequences (full BPTT) or on
// one long token stream cut into chunks of `bptt` steps (truncated BPTT: the state is carried
// from chunk to chunk, the gradient is not). `generate` samples continuations (greedy,
// temperature, top-k, top-p).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { Linear } from '../nn/layers.js';
import { drawToken } from '../decode/draw.js';
import { RecurrentModel, IGNORE, inEval, lengthsOf, type RecurrentModelOptions } from './base.js';
import { fitLoop, evaluateBatches, resolveTrainOptions, indexTask, indexBatches, noRandom, type TrainOptions, type History, type TrainTask, type StepResult } from './trainer.js';

export interface LanguageModelOptions extends Omit<RecurrentModelOptions, 'bidirectional'> {}

export interface FitOptions extends TrainOptions {
  /**
   * Truncated BPTT: treat the data as one token stream (a flat array, or the sequences joined),
   * laid out as `batchSize` parallel streams and cut into chunks of this many steps, in order;
   * the state is carried across chunks and the gradient stops at each cut.
   */
  bptt?: number;
  /** Held-out data in the same form as the training data, instead of validationSplit. */
  validationData?: readonly number[][] | readonly number[];
}

export interface GenerateOptions {
  /** Tokens to generate at most (the prompt not counted). Default 50. */
  maxLength?: number;
  /** 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Draw only among the k most likely tokens; 0 (default) means all. */
  topK?: number;
  /** Nucleus sampling: draw among the fewest most likely tokens whose probability reaches topP. Default 1. */
  topP?: number;
  /** Stop when this token is produced (it is not included). */
  stopToken?: number;
  seed?: number;
}

/** A chunk of a batchified stream: rows [start, start+len) of each of the B columns. */
interface Chunk { stream: Int32Array; B: number; N: number; start: number; len: number }

export class LanguageModel extends RecurrentModel {
  readonly head: Linear;
  /** Truncated BPTT: whether the carried state holds the previous chunk's final state. */
  private carried = false;

  constructor(options: LanguageModelOptions, backend: Backend = getBackend()) {
    if (options && (options as { bidirectional?: boolean }).bidirectional) {
      throw new SeqwasmError(ErrorCode.badArgument, 'a LanguageModel reads left to right: bidirectional must be false');
    }
    super({ ...options, bidirectional: false }, { bidirectional: false, hiddenSize: 128, embeddingDim: 32 }, backend);
    this.head = new Linear(this.rnn.hiddenSize, this.vocabSize, {}, backend);
    this.adopt('head.', this.head);
  }

  private isStream(data: unknown): data is readonly number[] {
    return Array.isArray(data) && data.length > 0 && !Array.isArray(data[0]);
  }

  /** Mean next-token cross-entropy of a batch of sequences; with `learn`, gradients added. */
  private runSequences(batch: readonly (readonly number[])[], learn: boolean): StepResult {
    const B = batch.length;
    const lengths = batch.map((s) => s.length - 1);
    const T = Math.max(...lengths);
    const targets = this.ws.get('targets', [T * B], 'int32');
    const tv = targets.data as Int32Array;
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) tv[t * B + b] = t < lengths[b] ? batch[b][t + 1] : IGNORE;
    const { output } = this.encode(batch, lengths, T);
    return this.headLoss(output, targets, T, B, learn, null);
  }

  private headLoss(output: Tensor, targets: Tensor, T: number, B: number, learn: boolean, dhN: Tensor | null): StepResult {
    const V = this.vocabSize;
    const logits = this.head.forward(output);
    const r = this.crossEntropy(logits, targets, T * B, V, learn);
    if (learn && r.dLogits) this.encodeBackward(this.head.backward(r.dLogits!.view([T, B, V])), dhN ?? undefined);
    return { loss: r.loss, count: r.count, correct: r.correct };
  }

  /** Lays a stream out as B columns of N+1 tokens (the last of a column is only a target). */
  private static batchify(stream: Int32Array, batchSize: number, bptt: number): Chunk[] {
    const B = Math.max(1, Math.min(batchSize, stream.length - 1));
    const N = Math.floor((stream.length - 1) / B);
    const chunks: Chunk[] = [];
    for (let start = 0; start < N; start += bptt) chunks.push({ stream, B, N, start, len: Math.min(bptt, N - start) });
    return chunks;
  }

  /** One chunk of truncated BPTT: starts from the carried state, and carries its final state on. */
  private runChunk(c: Chunk, learn: boolean): StepResult {
    const { stream, B, N, start, len: T } = c;
    const L = this.rnn.numLayers, H = this.rnn.hiddenSize, k = this.backend.kernels;
    const ids = this.ws.get('ids', [T, B], 'int32');
    const targets = this.ws.get('targets', [T * B], 'int32');
    const iv = ids.data as Int32Array, tv = targets.data as Int32Array;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const p = b * N + start + t;
        iv[t * B + b] = stream[p];
        tv[t * B + b] = stream[p + 1];
      }
    }
    const h = this.ws.get('carryH', [L, B, H]);
    const cc = this.rnn.mode === 'LSTM' ? this.ws.get('carryC', [L, B, H]) : undefined;
    if (!this.carried) {
      k.fill(h.size, 0, h.ptr);
      if (cc) k.fill(cc.size, 0, cc.ptr);
    }
    const emb = this.embedding.forward(ids);
    const { output, hN, cN } = this.rnn.forward(emb, { h0: h, c0: cc });
    // The carried state is a copy: the next chunk starts from its values, and no gradient
    // reaches this chunk from the next one (backward gets no dhN).
    k.copy(h.size, hN.ptr, h.ptr);
    if (cc && cN) k.copy(cc.size, cN.ptr, cc.ptr);
    this.carried = true;
    return this.headLoss(output, targets, T, B, learn, null);
  }

  private streamOf(data: readonly number[][] | readonly number[], what: string): Int32Array {
    if (this.isStream(data)) {
      this.checkTokens(data, what, 2);
      return Int32Array.from(data);
    }
    this.checkSequences(data, what);
    const flat = (data as readonly number[][]).flat();
    if (flat.length < 2) throw new SeqwasmError(ErrorCode.badArgument, `${what} must hold at least 2 tokens in all, received ${flat.length}`);
    return Int32Array.from(flat);
  }

  /**
   * Trains on token sequences (each at least 2 long), or with `bptt` on a token stream (a flat
   * array of ids, or sequences joined) by truncated BPTT.
   */
  fit(data: readonly number[][] | readonly number[], options: FitOptions = {}): History {
    if (options.bptt !== undefined) return this.fitStream(data, options);
    this.checkSequences(data, 'sequences', 2);
    const sequences = data as readonly number[][];
    const o = resolveTrainOptions(options, { batchSize: 32, lr: 1e-2 });
    let xs = sequences, extra = 0;
    if (options.validationData !== undefined) {
      this.checkSequences(options.validationData, 'validationData', 2);
      xs = [...sequences, ...(options.validationData as readonly number[][])];
      extra = options.validationData.length;
    }
    this.backend.seed(o.seed);
    return fitLoop(indexTask(this, sequences.length, extra, o, (idx, learn) => this.runSequences(idx.map((i) => xs[i]), learn)), o);
  }

  private fitStream(data: readonly number[][] | readonly number[], options: FitOptions): History {
    const bptt = options.bptt!;
    if (!Number.isInteger(bptt) || bptt < 1) throw new SeqwasmError(ErrorCode.badArgument, `bptt must be an integer ≥ 1, received ${describe(bptt)}`);
    let stream = this.streamOf(data, 'data');
    const o = resolveTrainOptions(options, { batchSize: 20, lr: 1e-2 });
    let valStream: Int32Array | null = null;
    if (options.validationData !== undefined) valStream = this.streamOf(options.validationData, 'validationData');
    else if (o.validationSplit > 0) {
      // The held-out part of a stream is its end, so both parts stay contiguous text.
      const cut = Math.round(stream.length * (1 - o.validationSplit));
      if (cut < 2 || stream.length - cut < 2) throw new SeqwasmError(ErrorCode.badArgument, `validationSplit ${o.validationSplit} of a ${stream.length}-token stream leaves too little on one side (each needs at least 2 tokens)`);
      valStream = stream.slice(cut);
      stream = stream.slice(0, cut);
    }
    this.backend.seed(o.seed);
    const train = LanguageModel.batchify(stream, o.batchSize, bptt);
    const val = valStream && LanguageModel.batchify(valStream, o.batchSize, bptt);
    const task: TrainTask<Chunk> = {
      module: this,
      trainBatches: () => train,
      validationBatches: () => val,
      run: (c, learn) => this.runChunk(c, learn),
      beginPass: () => { this.carried = false; },
    };
    return fitLoop(task, o);
  }

  /**
   * exp(mean next-token cross-entropy), in evaluation mode: over sequences, or over a token stream
   * (a flat array) read in chunks of `bptt` with the state carried.
   */
  perplexity(data: readonly number[][] | readonly number[], options: number | { batchSize?: number; bptt?: number } = {}): number {
    const { batchSize = 64, bptt = 35 } = typeof options === 'number' ? { batchSize: options } : options;
    let task: TrainTask<unknown>, batches: unknown[];
    if (this.isStream(data)) {
      const stream = this.streamOf(data, 'data');
      batches = LanguageModel.batchify(stream, batchSize, bptt);
      task = { module: this, trainBatches: () => [], validationBatches: () => null, run: (c, learn) => this.runChunk(c as Chunk, learn), beginPass: () => { this.carried = false; } };
    } else {
      this.checkSequences(data, 'sequences', 2);
      const seqs = data as readonly number[][];
      batches = indexBatches(Array.from(seqs.keys()), batchSize, false, noRandom);
      task = { module: this, trainBatches: () => [], validationBatches: () => null, run: (idx, learn) => this.runSequences((idx as number[]).map((i) => seqs[i]), learn) };
    }
    return Math.exp(evaluateBatches(task, batches).loss);
  }

  /** Continues `prompt` (at least one token id), one drawn token at a time. */
  generate(prompt: readonly number[], options: GenerateOptions = {}): number[] {
    this.checkTokens(prompt, 'prompt');
    return this.generateBatch([prompt], options)[0];
  }

  /**
   * Continues every prompt of a batch at once: one forward over the padded prompts (each row's
   * state stops at its own length), then one step for all rows per token. At each step the rows
   * draw in order; a row that draws `stopToken` stops there (the token is not included).
   */
  generateBatch(prompts: readonly (readonly number[])[], options: GenerateOptions = {}): number[][] {
    const { maxLength = 50, temperature = 1, topK = 0, topP = 1, stopToken, seed } = options;
    this.checkSequences(prompts, 'prompts');
    if (!(temperature >= 0)) throw new SeqwasmError(ErrorCode.badArgument, `temperature must be ≥ 0, received ${describe(temperature)}`);
    if (!(topP > 0 && topP <= 1)) throw new SeqwasmError(ErrorCode.badArgument, `topP must be in (0, 1], received ${describe(topP)}`);
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new SeqwasmError(ErrorCode.badArgument, `maxLength must be an integer ≥ 0, received ${describe(maxLength)}`);
    if (!Number.isInteger(topK) || topK < 0) throw new SeqwasmError(ErrorCode.badArgument, `topK must be an integer ≥ 0 (0: no limit), received ${describe(topK)}`);
    if (stopToken !== undefined && !(Number.isInteger(stopToken) && stopToken >= 0 && stopToken < this.vocabSize)) {
      const code = Number.isInteger(stopToken) ? ErrorCode.outOfRange : ErrorCode.badArgument;
      throw new SeqwasmError(code, `stopToken must be an integer 0 ≤ id < ${this.vocabSize} (vocabSize), received ${describe(stopToken)}`);
    }
    if (seed !== undefined) this.backend.seed(seed);
    const B = prompts.length, L = this.rnn.numLayers, H = this.rnn.hiddenSize, V = this.vocabSize, k = this.backend.kernels;
    const outs: number[][] = prompts.map(() => []);
    inEval(this, () => {
      const h = this.ws.zeros('genH', [L, B, H]);
      const c = this.rnn.mode === 'LSTM' ? this.ws.zeros('genC', [L, B, H]) : undefined;
      const carry = (r: { hN: Tensor; cN?: Tensor }) => {
        k.copy(h.size, r.hN.ptr, h.ptr);
        if (c && r.cN) k.copy(c.size, r.cN.ptr, c.ptr);
      };
      // The prompts in one call (their time steps batched into one input projection); each
      // row's next-token logits come from its output at its own last step.
      const { lengths, T } = lengthsOf(prompts);
      const first = this.encode(prompts, lengths, T, h, c);
      carry(first);
      const last = this.ws.get('genLast', [1, B, H]);
      for (let b = 0; b < B; b++) k.copy(H, first.output.ptr + ((lengths[b] - 1) * B + b) * H * 4, last.ptr + b * H * 4);
      let logits = this.head.forward(last).toArray() as Float32Array;
      const done = new Array<boolean>(B).fill(false);
      for (let step = 0; step < maxLength; step++) {
        const ids = this.ws.get('genIds', [1, B], 'int32');
        const iv = ids.data as Int32Array;
        for (let b = 0; b < B; b++) {
          iv[b] = 0; // a finished row still runs (its state is ignored)
          if (done[b]) continue;
          const next = sampleLogits(logits.subarray(b * V, (b + 1) * V), temperature, topK, topP, () => this.backend.random());
          if (next === stopToken) { done[b] = true; continue; }
          outs[b].push(next);
          iv[b] = next;
        }
        if (step === maxLength - 1 || done.every(Boolean)) break;
        const r = this.rnn.forward(this.embedding.forward(ids), { h0: h, c0: c });
        carry(r);
        logits = this.head.forward(r.output).toArray() as Float32Array;
      }
    });
    return outs;
  }

  override release(): void {
    this.head.release();
    super.release();
  }
}

/**
 * Picks a token from logits: argmax at temperature 0, else a draw from the softmax at that
 * temperature truncated to the topK most likely tokens, then to the nucleus of mass topP.
 */
export function sampleLogits(logits: Float32Array, temperature: number, topK: number, topP: number, random: () => number): number {
  if (temperature === 0) return logits.reduce((best, v, i) => (v > logits[best] ? i : best), 0);
  return drawToken((v) => logits[v], Array.from(logits.keys()), temperature, topK, topP, random);
}
