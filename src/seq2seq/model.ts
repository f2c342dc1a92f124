// An encoder-decoder model with attention (Luong et al. 2015, "Effective Approaches to
// Attention-based Neural Machine Translation"):
//
//   encoder:  Embedding → GRU/LSTM (numLayers, optionally bidirectional) over the padded source
//   bridge:   decoder h₀ (and c₀) = tanh(W [h_fwd; h_bwd] + b) of the last encoder layer's final
//             states (identity when the encoder is unidirectional with the decoder's width)
//   decoder:  per step xₜ = [Emb(yₜ₋₁); h̃ₜ₋₁] (input feeding, optional) → decoderLayers stacked
//             GRUCell/LSTMCell → hₜ (top layer) → Attention(hₜ, encoder outputs) → cₜ
//             → h̃ₜ = tanh(W_c [cₜ; hₜ]) → logits = W_o h̃ₜ + b
//             Decoder layer l starts from encoder layer numLayers − decoderLayers + l (through
//             the bridge, whose weights all layers share, as OpenNMT-py's bridge does).
//   loss:     token softmax cross-entropy, padding ignored, optional label smoothing
//
// Training runs the decoder loop forward (the cells and the attention push one tape per step),
// the output projection and loss once over all T·B rows, then undoes the steps in reverse order;
// the attention's accumulated ∂(encoder outputs) feeds the encoder's backward.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { Module } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { Embedding, Linear } from '../nn/layers.js';
import { RecurrentBase } from '../nn/recurrent.js';
import { GRUCell, LSTMCell } from '../nn/cells.js';
import { Attention, AttentionalState } from '../nn/attention.js';
import { Workspace } from '../nn/workspace.js';
import { greedy, sample, beamSearch, selectRows, type StepModel, type StepOutput, type Hypothesis, type LengthPenalty, type LengthLimit } from '../decode/index.js';
import { fitLoop, resolveTrainOptions, shuffleInPlace, splitIndices, type TrainOptions, type TrainTask, type History, type StepResult, type EpochSummary } from '../models/trainer.js';
import { inEval, countCorrect, IGNORE } from '../models/base.js';
import { BLEU } from '../metrics/index.js';


export type Seq2SeqCell = 'GRU' | 'LSTM';
export type Seq2SeqAttention = 'dot' | 'general' | 'additive';

export interface Seq2SeqOptions {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Embedding width of source and target tokens. Default 32. */
  embeddingDim?: number;
  /** Decoder hidden size. Default 64. */
  hiddenSize?: number;
  /** Encoder hidden size per direction. Default hiddenSize (⌈hiddenSize/2⌉ when bidirectional). */
  encoderHiddenSize?: number;
  /** Encoder layers. Default 1. */
  numLayers?: number;
  /** Decoder layers (stacked cells), at most numLayers. Default 1. */
  decoderLayers?: number;
  cell?: Seq2SeqCell;
  bidirectional?: boolean;
  /** Dropout (training only) between encoder layers, between decoder layers, and on the
   * attentional state h̃ₜ before the output layer and input feeding (OpenNMT-py's places). */
  dropout?: number;
  attention?: Seq2SeqAttention;
  /** Feed h̃ₜ₋₁ to the decoder's input at step t (Luong's input feeding). Default true. */
  inputFeeding?: boolean;
  /** Begin / end of sentence ids in the target vocabulary. Defaults 1 and 2 (Vocabulary's). */
  bos?: number;
  eos?: number;
  /** Sources longer than this are refused. Default 512. */
  maxSourceLength?: number;
  /** Seeds the backend's generator before the weights are drawn. */
  seed?: number;
}

export interface LossOptions {
  /** Add gradients (default false). */
  backward?: boolean;
  labelSmoothing?: number;
  /** Probability of feeding the reference token (else the argmax prediction) at each step. Default 1. */
  teacherForcing?: number;
  /** Return the attention weights of every step: [step][sentence] → Float32Array(srcLen). */
  returnAttention?: boolean;
  /** Return the output logits, step-major: (T, B, V) with T = longest target + 1 (for </s>). */
  returnLogits?: boolean;
}

export interface LossResult {
  /** Mean cross-entropy per target token (EOS included, padding excluded). */
  loss: number;
  count: number;
  /** Target tokens whose argmax prediction was right. */
  correct: number;
  attention?: Float32Array[][];
  /** With `returnLogits`: (T, B, V) row-major; rows past a sentence's end are computed on </s> inputs. */
  logits?: Float32Array;
}

export interface TranslateOptions {
  /** Beam size; 1 is greedy. Default 1. */
  beam?: number;
  /** Hypotheses per sentence (≤ beam). Default 1. */
  nbest?: number;
  /** Maximum output length in tokens, EOS included: absolute or ⌊a·srcLen + b⌋. Default 100. */
  maxLength?: LengthLimit;
  /** Minimum output length in tokens, EOS included (EOS is blocked before). Default 0. */
  minLength?: LengthLimit;
  /** No n-gram of this size occurs twice in an output. Default 0 (off). */
  noRepeatNgramSize?: number;
  /** Token ids never generated (e.g. <unk>); EOS cannot be one. */
  bannedTokens?: ArrayLike<number>;
  lengthPenalty?: LengthPenalty;
  /** β of GNMT's coverage penalty (beam search only). Default 0. */
  coveragePenalty?: number;
  /** Sample instead of taking the argmax (beam must be 1): temperature, top-k, nucleus, seed. */
  sample?: { temperature?: number; topK?: number; topP?: number; seed?: number };
  returnAttention?: boolean;
}

export interface Seq2SeqEpochSummary extends EpochSummary {
  /** Corpus BLEU (0-100) of greedy translations of the validation data, with `bleu: true`. */
  valBleu?: number;
}

/**
 * The teacher-forcing ratio as a function of training progress (epoch from 0, step = training
 * batches done so far), for scheduled sampling (Bengio et al. 2015, "Scheduled Sampling for
 * Sequence Prediction with Recurrent Neural Networks": linear, exponential or inverse-sigmoid
 * decay), e.g. `({ step }) => k / (k + Math.exp(step / k))`.
 */
export type TeacherForcingSchedule = (progress: { epoch: number; step: number }) => number;

export interface Seq2SeqTrainOptions extends Omit<TrainOptions, 'onEpochEnd'> {
  labelSmoothing?: number;
  /** Probability of feeding the reference token at each step: fixed, or a schedule. Default 1. */
  teacherForcing?: number | TeacherForcingSchedule;
  /** Validation pairs (used instead of validationSplit). */
  validation?: { sources: number[][]; targets: number[][] };
  /**
   * Greedy-decode the validation sources each epoch and report corpus BLEU (sacreBLEU's
   * defaults). `true` scores token ids as words; a function turning target ids (</s> left out)
   * into text scores that text, as a test set would be scored (e.g. `(ids) => vocab.decode(ids)`).
   */
  bleu?: boolean | ((ids: number[]) => string);
  /** Sentences of similar source length are batched together (default true). */
  bucket?: boolean;
  onEpochEnd?: (e: Seq2SeqEpochSummary) => void;
}

/** The decoder's state for N rows, wasm-resident; `src[r]` is the source sentence of row r. */
export interface DecoderState {
  /** Per decoder layer, (N, hiddenSize). */
  h: Tensor[];
  /** Per decoder layer (LSTM), else null. */
  c: Tensor[] | null;
  feed: Tensor;
  src: Int32Array;
}

function checkSmoothing(v: unknown = 0): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new SeqwasmError(ErrorCode.badArgument, `labelSmoothing must be a number in [0, 1), received ${describe(v)}`);
  return v;
}

function positiveInt(v: unknown, what: string, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an integer ≥ ${min}, received ${describe(v)}`);
  return v as number;
}

/** tanh(W [x₀; x₁; …] + b) over D blocks of width In each, without materialising the concatenation. */
class Bridge extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;
  private readonly ws: Workspace;
  constructor(readonly blocks: number, readonly inSize: number, readonly outSize: number, backend: Backend) {
    super(backend);
    [this.weight, this.bias] = this.createParameters([{ name: 'weight', shape: [outSize, blocks * inSize] }, { name: 'bias', shape: [outSize] }]);
    const r = 1 / Math.sqrt(blocks * inSize);
    for (const p of this.parameters) backend.kernels.randUniform(p.value.ptr, p.value.size, backend.rngState, -r, r);
    this.ws = new Workspace(backend);
  }
  /** x: pointer to D consecutive (B, In) blocks → (B, Out) in `name`. */
  forward(name: string, x: number, B: number): Tensor {
    const k = this.backend.kernels, D = this.blocks, I = this.inSize, O = this.outSize;
    const y = this.ws.get(name, [B, O]);
    k.broadcastRows(y.ptr, this.bias.value.ptr, B, O);
    for (let d = 0; d < D; d++) k.gemm(0, 1, B, O, I, 1, x + d * B * I * 4, I, this.weight.value.ptr + d * I * 4, D * I, 1, y.ptr, O, this.backend.gemmWork);
    k.tanhForward(y.ptr, y.ptr, y.size);
    return y;
  }
  /** ∂y (B, Out) → writes ∂x into D blocks at dx; adds weight gradients. */
  backward(name: string, x: number, dy: Tensor, dx: number, B: number): void {
    const k = this.backend.kernels, D = this.blocks, I = this.inSize, O = this.outSize, work = this.backend.gemmWork;
    const y = this.ws.get(name, [B, O]);
    const dz = this.ws.zeros('dz', [B, O]); // tanhBackward adds
    k.tanhBackward(dz.ptr, y.ptr, dy.ptr, dz.size);
    for (let d = 0; d < D; d++) {
      k.gemm(0, 0, B, I, O, 1, dz.ptr, O, this.weight.value.ptr + d * I * 4, D * I, 0, dx + d * B * I * 4, I, work);
      k.gemm(1, 0, O, I, B, 1, dz.ptr, O, x + d * B * I * 4, I, 1, this.weight.grad.ptr + d * I * 4, D * I, work);
    }
    k.sumRows(this.bias.grad.ptr, dz.ptr, B, O);
  }
  override release(): void { this.ws.release(); super.release(); }
}

export class Seq2Seq extends Module implements StepModel<DecoderState> {
  readonly srcVocabSize: number;
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly encoderHiddenSize: number;
  readonly numLayers: number;
  readonly decoderLayers: number;
  readonly cell: Seq2SeqCell;
  readonly bidirectional: boolean;
  readonly attentionType: Seq2SeqAttention;
  readonly inputFeeding: boolean;
  readonly bos: number;
  readonly eos: number;
  readonly maxSourceLength: number;
  readonly options: Required<Omit<Seq2SeqOptions, 'seed'>>;

  readonly srcEmbedding: Embedding;
  readonly encoder: RecurrentBase;
  readonly bridgeH: Bridge | null;
  readonly bridgeC: Bridge | null;
  readonly tgtEmbedding: Embedding;
  readonly decoderCells: (GRUCell | LSTMCell)[];
  readonly attention: Attention;
  readonly attentional: AttentionalState;
  readonly generator: Linear;
  private readonly ws: Workspace;
  private selected: Int32Array | null = null;
  /** The generator's weight packed by the last start(): every step of a decoding multiplies by it. */
  private generatorPacked = 0;
  private owned: Tensor[] = [];

  constructor(options: Seq2SeqOptions, backend: Backend = getBackend()) {
    super(backend);
    if (options === null || typeof options !== 'object') throw new SeqwasmError(ErrorCode.badArgument, `options must be an object, received ${describe(options)}`);
    const bidirectional = options.bidirectional ?? false;
    const hiddenSize = positiveInt(options.hiddenSize ?? 64, 'hiddenSize');
    const o = {
      srcVocabSize: positiveInt(options.srcVocabSize, 'srcVocabSize', 2),
      tgtVocabSize: positiveInt(options.tgtVocabSize, 'tgtVocabSize', 3),
      embeddingDim: positiveInt(options.embeddingDim ?? 32, 'embeddingDim'),
      hiddenSize,
      encoderHiddenSize: positiveInt(options.encoderHiddenSize ?? (bidirectional ? Math.ceil(hiddenSize / 2) : hiddenSize), 'encoderHiddenSize'),
      numLayers: positiveInt(options.numLayers ?? 1, 'numLayers'),
      decoderLayers: positiveInt(options.decoderLayers ?? 1, 'decoderLayers'),
      cell: options.cell ?? 'GRU',
      bidirectional,
      dropout: options.dropout ?? 0,
      attention: options.attention ?? 'general',
      inputFeeding: options.inputFeeding ?? true,
      bos: options.bos ?? 1,
      eos: options.eos ?? 2,
      maxSourceLength: positiveInt(options.maxSourceLength ?? 512, 'maxSourceLength'),
    };
    if (o.cell !== 'GRU' && o.cell !== 'LSTM') throw new SeqwasmError(ErrorCode.badArgument, `cell must be 'GRU' or 'LSTM', received ${describe(o.cell)}`);
    if (!['dot', 'general', 'additive'].includes(o.attention)) throw new SeqwasmError(ErrorCode.badArgument, `attention must be 'dot', 'general' or 'additive', received ${describe(o.attention)}`);
    for (const [name, v] of [['bos', o.bos], ['eos', o.eos]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= o.tgtVocabSize) throw new SeqwasmError(ErrorCode.outOfRange, `${name} must be an integer in [0, ${o.tgtVocabSize}), received ${describe(v)}`);
    }
    if (o.decoderLayers > o.numLayers) {
      throw new SeqwasmError(ErrorCode.badArgument, `decoderLayers must be ≤ numLayers (each decoder layer starts from an encoder layer's final state), received ${o.decoderLayers} > ${o.numLayers}`);
    }
    const D = bidirectional ? 2 : 1, K = D * o.encoderHiddenSize;
    if (o.attention === 'dot' && K !== hiddenSize) {
      throw new SeqwasmError(ErrorCode.badArgument, `dot attention needs encoder outputs as wide as the decoder (directions × encoderHiddenSize = hiddenSize), received ${K} and ${hiddenSize}`);
    }
    if (options.seed !== undefined) backend.seed(options.seed);
    this.options = o;
    this.srcVocabSize = o.srcVocabSize; this.vocabSize = o.tgtVocabSize; this.embeddingDim = o.embeddingDim;
    this.hiddenSize = hiddenSize; this.encoderHiddenSize = o.encoderHiddenSize; this.numLayers = o.numLayers; this.decoderLayers = o.decoderLayers;
    this.cell = o.cell; this.bidirectional = bidirectional; this.attentionType = o.attention; this.inputFeeding = o.inputFeeding;
    this.bos = o.bos; this.eos = o.eos; this.maxSourceLength = o.maxSourceLength;

    const E = o.embeddingDim, H = hiddenSize;
    this.srcEmbedding = new Embedding(o.srcVocabSize, E, {}, backend);
    this.encoder = new RecurrentBase(o.cell, { inputSize: E, hiddenSize: o.encoderHiddenSize, numLayers: o.numLayers, bidirectional, dropout: o.dropout, batchFirst: true }, backend);
    const needBridge = bidirectional || o.encoderHiddenSize !== H;
    this.bridgeH = needBridge ? new Bridge(D, o.encoderHiddenSize, H, backend) : null;
    this.bridgeC = needBridge && o.cell === 'LSTM' ? new Bridge(D, o.encoderHiddenSize, H, backend) : null;
    this.tgtEmbedding = new Embedding(o.tgtVocabSize, E, {}, backend);
    this.decoderCells = Array.from({ length: o.decoderLayers }, (_, l) => {
      const cellOpts = { inputSize: l > 0 ? H : E + (o.inputFeeding ? H : 0), hiddenSize: H };
      return o.cell === 'LSTM' ? new LSTMCell(cellOpts, backend) : new GRUCell(cellOpts, backend);
    });
    this.attention = new Attention({ type: o.attention, querySize: H, keySize: K, attentionSize: H }, backend);
    this.attentional = new AttentionalState(K, H, H, {}, backend);
    this.generator = new Linear(H, o.tgtVocabSize, {}, backend);
    this.adopt('encoder.embedding.', this.srcEmbedding);
    this.adopt('encoder.rnn.', this.encoder);
    if (this.bridgeH) this.adopt('bridge.h.', this.bridgeH);
    if (this.bridgeC) this.adopt('bridge.c.', this.bridgeC);
    this.adopt('decoder.embedding.', this.tgtEmbedding);
    // OpenNMT-py's StackedGRU / StackedLSTM names.
    this.decoderCells.forEach((cell, l) => this.adopt(`decoder.rnn.layers.${l}.`, cell));
    this.adopt('decoder.attention.', this.attention);
    this.adopt('decoder.linear_out.', this.attentional);
    this.adopt('generator.', this.generator);
    this.ws = new Workspace(backend);
  }

  override train(mode = true): this {
    super.train(mode);
    this.encoder.train(mode);
    return this;
  }

  private get D(): number { return this.bidirectional ? 2 : 1; }
  private get K(): number { return this.D * this.encoderHiddenSize; }

  // ---------------------------------------------------------------- input checks

  private checkSources(sources: unknown, what = 'sources'): asserts sources is number[][] {
    if (!Array.isArray(sources) || sources.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `${what} must be a non-empty array of token-id arrays, received ${describe(sources)}`);
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i];
      if (!Array.isArray(s) || s.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `${what}[${i}] must be a non-empty array of token ids, received ${describe(s)}`);
      if (s.length > this.maxSourceLength) throw new SeqwasmError(ErrorCode.outOfRange, `${what}[${i}] has ${s.length} tokens, more than maxSourceLength ${this.maxSourceLength}`);
      this.checkIds(s, `${what}[${i}]`, this.srcVocabSize);
    }
  }

  private checkIds(s: ArrayLike<number>, what: string, V: number): void {
    for (let t = 0; t < s.length; t++) {
      const id = s[t];
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new SeqwasmError(ErrorCode.outOfRange, `${what}[${t}] is token id ${describe(id)}: expected an integer 0 ≤ id < ${V}`);
    }
  }

  private checkTargets(targets: unknown, B: number): asserts targets is number[][] {
    if (!Array.isArray(targets) || targets.length !== B) throw new SeqwasmError(ErrorCode.badSize, `targets must be an array of ${B} token-id arrays (one per source), received ${describe(targets)}`);
    for (let i = 0; i < B; i++) {
      if (!Array.isArray(targets[i])) throw new SeqwasmError(ErrorCode.badArgument, `targets[${i}] must be an array of token ids, received ${describe(targets[i])}`);
      this.checkIds(targets[i], `targets[${i}]`, this.vocabSize);
    }
  }

  // ---------------------------------------------------------------- encoder and bridge

  /**
   * Runs the encoder, sets the attention source, returns the decoder's initial states, one
   * (B, H) per decoder layer: layer l from encoder layer numLayers − decoderLayers + l.
   */
  private encode(sources: readonly (readonly number[])[]): { h0: Tensor[]; c0: Tensor[] | null } {
    const k = this.backend.kernels, B = sources.length;
    const lengths = sources.map((s) => s.length);
    const S = Math.max(...lengths);
    const ids = this.ws.get('srcIds', [B, S], 'int32');
    const v = ids.data as Int32Array;
    for (let b = 0; b < B; b++) for (let t = 0; t < S; t++) v[b * S + t] = t < lengths[b] ? sources[b][t] : 0;
    const emb = this.srcEmbedding.forward(ids);
    const { output, hN, cN } = this.encoder.forward(emb, { lengths });
    this.attention.setSource(output, lengths);
    this.selected = null;
    // The bridge's inputs stay in the encoder's workspace until its next forward.
    this.encoderFinal = { h: hN.ptr, c: cN ? cN.ptr : 0 };
    const h0: Tensor[] = [], c0: Tensor[] | null = cN ? [] : null;
    for (let l = 0; l < this.decoderLayers; l++) {
      const at = this.encoderLayerOffset(l, B);
      if (this.bridgeH) {
        h0.push(this.bridgeH.forward(`h${l}`, hN.ptr + at, B));
        if (this.bridgeC) c0!.push(this.bridgeC.forward(`c${l}`, cN!.ptr + at, B));
      } else {
        const copy = (src: number, name: string) => { const t = this.ws.get(name, [B, this.hiddenSize]); k.copy(t.size, src + at, t.ptr); return t; };
        h0.push(copy(hN.ptr, `h0_${l}`));
        if (cN) c0!.push(copy(cN.ptr, `c0_${l}`));
      }
    }
    return { h0, c0 };
  }

  /** Byte offset in the encoder's (numLayers·D, B, He) final states of the layer decoder layer l starts from. */
  private encoderLayerOffset(l: number, B: number): number {
    return (this.numLayers - this.decoderLayers + l) * this.D * B * this.encoderHiddenSize * 4;
  }

  private encodeBackward(dh0: Tensor[], dc0: Tensor[] | null, B: number): void {
    const k = this.backend.kernels, He = this.encoderHiddenSize, L = this.numLayers, D = this.D;
    const dEnc = this.attention.backwardSource();
    const dhN = this.ws.zeros('dhN', [L * D, B, He]);
    const dcN = this.cell === 'LSTM' ? this.ws.zeros('dcN', [L * D, B, He]) : null;
    const fwd = this.encoderFinal!;
    for (let l = 0; l < this.decoderLayers; l++) {
      const at = this.encoderLayerOffset(l, B);
      if (this.bridgeH) {
        this.bridgeH.backward(`h${l}`, fwd.h + at, dh0[l], dhN.ptr + at, B);
        if (this.bridgeC) this.bridgeC.backward(`c${l}`, fwd.c + at, dc0![l], dcN!.ptr + at, B);
      } else {
        k.copy(dh0[l].size, dh0[l].ptr, dhN.ptr + at);
        if (dcN) k.copy(dc0![l].size, dc0![l].ptr, dcN.ptr + at);
      }
    }
    const r = this.encoder.backward(dEnc, dcN ? { dhN, dcN } : { dhN });
    this.srcEmbedding.backward(r.dInput);
  }
  private encoderFinal: { h: number; c: number } | null = null;
  /** The dropout masks of the latest training loop (null: none). */
  private masks: { out: Tensor | null; layers: Tensor | null } | null = null;

  // ---------------------------------------------------------------- the decoder stack

  /**
   * One step of the stacked cells: x (N, Ein) and per-layer states → new per-layer states (views
   * in the cells' tapes). `masks` (0: none) points at Ld − 1 dropout masks (N, H) for the inputs
   * of layers 1.. (the cells keep their own copy of an input, so one buffer serves every step).
   */
  private stackForward(x: Tensor, h: readonly Tensor[], c: readonly Tensor[] | null, masks = 0): { h: Tensor[]; c: Tensor[] | null } {
    const k = this.backend.kernels;
    const outH: Tensor[] = [], outC: Tensor[] | null = c ? [] : null;
    let input = x;
    this.decoderCells.forEach((cell, l) => {
      if (l > 0 && masks) {
        const dropped = this.ws.get('dropped', outH[l - 1].shape);
        k.mul(dropped.size, outH[l - 1].ptr, masks + (l - 1) * dropped.size * 4, dropped.ptr);
        input = dropped;
      }
      if (c) {
        const r = (cell as LSTMCell).forward(input, { h: h[l], c: c[l] });
        outH.push(r.h); outC!.push(r.c);
      } else {
        outH.push((cell as GRUCell).forward(input, h[l]));
      }
      input = outH[l];
    });
    return { h: outH, c: outC };
  }

  /**
   * Undoes the latest step of the stack. `dh` (`dc`) hold, per layer, ∂loss/∂(the step's output
   * state); on return they hold ∂loss/∂(the previous step's). Returns ∂(layer 0's input).
   */
  private stackBackward(dh: readonly Tensor[], dc: readonly Tensor[] | null, masks = 0): Tensor {
    const k = this.backend.kernels;
    for (let l = this.decoderLayers - 1; ; l--) {
      const cell = this.decoderCells[l];
      let r: { dInput: Tensor; dh: Tensor };
      if (dc) {
        const q = (cell as LSTMCell).backward(dh[l], dc[l]);
        k.copy(dc[l].size, q.dc.ptr, dc[l].ptr);
        r = q;
      } else {
        r = (cell as GRUCell).backward(dh[l]);
      }
      k.copy(dh[l].size, r.dh.ptr, dh[l].ptr);
      if (l === 0) return r.dInput;
      // Layer l's input at this step is layer l − 1's output at this step (through its dropout mask).
      if (masks) k.mul(r.dInput.size, r.dInput.ptr, masks + (l - 1) * r.dInput.size * 4, r.dInput.ptr);
      k.axpy(dh[l - 1].size, 1, r.dInput.ptr, dh[l - 1].ptr);
    }
  }

  // ---------------------------------------------------------------- training

  /**
   * Teacher-forced (with probability `teacherForcing` per step) loss over a batch of pairs;
   * targets are given without <s> and </s> (the model adds them). With `backward`, adds the
   * gradients of the mean loss to every parameter's grad (zero them first).
   */
  loss(sources: number[][], targets: number[][], options: LossOptions = {}): LossResult {
    this.checkSources(sources);
    this.checkTargets(targets, sources.length);
    const smoothing = checkSmoothing(options.labelSmoothing);
    const ratio = options.teacherForcing ?? 1;
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) throw new SeqwasmError(ErrorCode.badArgument, `teacherForcing must be a number in [0, 1], received ${describe(ratio)}`);
    return this.run(sources, targets, options.backward === true, smoothing, ratio, options.returnAttention === true, options.returnLogits === true);
  }

  private run(sources: readonly (readonly number[])[], targets: readonly (readonly number[])[], learn: boolean, smoothing: number, ratio: number, wantAttention: boolean, wantLogits = false): LossResult {
    const be = this.backend, k = be.kernels, work = be.gemmWork;
    const B = sources.length, E = this.embeddingDim, H = this.hiddenSize, V = this.vocabSize;
    for (const cell of this.decoderCells) cell.resetTape();
    this.attentional.resetTape();
    const { h0, c0 } = this.encode(sources);
    const tlen = targets.map((t) => t.length);
    const T = Math.max(...tlen) + 1;
    const decIn = this.ws.get('decIn', [T, B], 'int32'), gold = this.ws.get('gold', [T * B], 'int32');
    const di = decIn.data as Int32Array, gv = gold.data as Int32Array;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        gv[t * B + b] = t < tlen[b] ? targets[b][t] : t === tlen[b] ? this.eos : IGNORE;
        di[t * B + b] = t === 0 ? this.bos : t - 1 < tlen[b] ? targets[b][t - 1] : this.eos;
      }
    }
    const embAll = this.ws.get('embAll', [T, B, E]);
    const Hall = this.ws.get('Hall', [T, B, H]);
    const logits = this.ws.get('logits', [T * B, V]);
    const Ein = E + (this.inputFeeding ? H : 0);
    const x = this.ws.get('x', [B, Ein]);
    const zeroFeed = this.ws.zeros('feed0', [B, H]);
    const W = this.generator.weight.value.ptr, bias = this.generator.biasParam!.value.ptr;
    let packedW: number | undefined; // packed at the first step that needs logits
    let hs = h0, cs = c0, feed = zeroFeed.ptr;
    // Dropout masks for the whole loop, drawn up front: h̃ (T, B, H) and between layers (T, Ld−1, B, H).
    const p = this.options.dropout, Ld = this.decoderLayers;
    const maskOut = this.training && p > 0 ? this.ws.get('maskOut', [T, B, H]) : null;
    const maskLayers = maskOut && Ld > 1 ? this.ws.get('maskLayers', [T, Ld - 1, B, H]) : null;
    for (const m of [maskOut, maskLayers]) if (m) k.dropoutMask(m.ptr, m.size, be.rngState, p);
    this.masks = { out: maskOut, layers: maskLayers };
    const attention: Float32Array[][] | undefined = wantAttention ? [] : undefined;
    // Feeding predictions (teacher forcing < 1) needs each step's logits before the next step.
    const stepLogits = ratio < 1 && learn;
    for (let t = 0; t < T; t++) {
      const embT = embAll.ptr + t * B * E * 4;
      k.embeddingForward(embT, this.tgtEmbedding.weight.value.ptr, decIn.ptr + t * B * 4, B, E);
      if (this.inputFeeding) {
        for (let b = 0; b < B; b++) {
          k.copy(E, embT + b * E * 4, x.ptr + b * Ein * 4);
          k.copy(H, feed + b * H * 4, x.ptr + (b * Ein + E) * 4);
        }
      } else {
        k.copy(B * E, embT, x.ptr);
      }
      ({ h: hs, c: cs } = this.stackForward(x, hs, cs, maskLayers ? maskLayers.ptr + t * (Ld - 1) * B * H * 4 : 0));
      const h = hs[hs.length - 1];
      const { context, weights } = this.attention.forward(h);
      if (attention) {
        const w = weights.data as Float32Array, S = weights.shape[1];
        attention.push(Array.from({ length: B }, (_, b) => w.slice(b * S, b * S + sources[b].length)));
      }
      const ht = this.attentional.forward(context, h);
      feed = Hall.ptr + t * B * H * 4;
      if (maskOut) k.mul(B * H, ht.ptr, maskOut.ptr + t * B * H * 4, feed);
      else k.copy(B * H, ht.ptr, feed);
      if (!stepLogits) continue;
      const lo = logits.ptr + t * B * V * 4;
      k.broadcastRows(lo, bias, B, V);
      k.gemmPacked(0, B, V, H, 1, feed, H, packedW ??= this.packGenerator(), 1, lo, V, work);
      if (t + 1 < T && be.random() >= ratio) k.rowArgmax(decIn.ptr + (t + 1) * B * 4, lo, B, V); // feed the predictions
    }
    const rows = T * B;
    if (!stepLogits) {
      // One GEMM over all T·B rows: the generator's weight is packed once, not once per step.
      k.broadcastRows(logits.ptr, bias, rows, V);
      k.gemm(0, 1, rows, V, H, 1, Hall.ptr, H, W, H, 1, logits.ptr, V, work);
    }
    const logitsOut = wantLogits ? (logits.toArray() as Float32Array) : undefined;
    const probs = this.ws.get('probs', [rows, V]);
    const total = k.softmaxCrossEntropyForward(probs.ptr, logits.ptr, gold.ptr, rows, V, IGNORE, smoothing);
    const { count, correct } = countCorrect(this.ws, probs, gold, rows, V);
    const loss = total / count;
    if (learn && Number.isFinite(loss)) this.backwardSteps(B, T, probs, gold, decIn, Hall, count, smoothing);
    const result: LossResult = { loss, count, correct };
    if (attention) result.attention = attention;
    if (logitsOut) result.logits = logitsOut;
    return result;
  }

  private backwardSteps(B: number, T: number, probs: Tensor, gold: Tensor, decIn: Tensor, Hall: Tensor, count: number, smoothing: number): void {
    const be = this.backend, k = be.kernels, work = be.gemmWork;
    const E = this.embeddingDim, H = this.hiddenSize, V = this.vocabSize, rows = T * B, top = this.decoderLayers - 1;
    const Ein = E + (this.inputFeeding ? H : 0);
    const dLogits = this.ws.zeros('dLogits', [rows, V]);
    k.softmaxCrossEntropyBackward(dLogits.ptr, probs.ptr, gold.ptr, rows, V, IGNORE, smoothing, 1 / count);
    const gen = this.generator;
    if (gen.weight.requiresGrad) k.gemm(1, 0, V, H, rows, 1, dLogits.ptr, V, Hall.ptr, H, 1, gen.weight.grad.ptr, H, work);
    if (gen.biasParam!.requiresGrad) k.sumRows(gen.biasParam!.grad.ptr, dLogits.ptr, rows, V);
    const dHall = this.ws.get('dHall', [T, B, H]);
    k.gemm(0, 0, rows, H, V, 1, dLogits.ptr, V, gen.weight.value.ptr, H, 0, dHall.ptr, H, work);
    const dFeed = this.ws.zeros('dFeed', [B, H]);
    // Per layer, ∂loss/∂(its state) carried back through the steps.
    const dh = this.decoderCells.map((_, l) => this.ws.zeros(`dh${l}`, [B, H]));
    const dc = this.cell === 'LSTM' ? this.decoderCells.map((_, l) => this.ws.zeros(`dc${l}`, [B, H])) : null;
    const dht = this.ws.get('dht', [B, H]);
    const dEmbAll = this.ws.get('dEmbAll', [T, B, E]);
    for (let t = T - 1; t >= 0; t--) {
      k.copy(B * H, dHall.ptr + t * B * H * 4, dht.ptr);
      if (this.inputFeeding) k.axpy(B * H, 1, dFeed.ptr, dht.ptr);
      const masks = this.masks!;
      if (masks.out) k.mul(B * H, dht.ptr, masks.out.ptr + t * B * H * 4, dht.ptr);
      const { dContext, dQuery } = this.attentional.backward(dht);
      k.axpy(B * H, 1, dQuery.ptr, dh[top].ptr);
      const dq = this.attention.backward(dContext);
      k.axpy(B * H, 1, dq.ptr, dh[top].ptr);
      const dInput = this.stackBackward(dh, dc, masks.layers ? masks.layers.ptr + t * (this.decoderLayers - 1) * B * H * 4 : 0);
      const dE = dEmbAll.ptr + t * B * E * 4;
      if (this.inputFeeding) {
        for (let b = 0; b < B; b++) {
          k.copy(E, dInput.ptr + b * Ein * 4, dE + b * E * 4);
          k.copy(H, dInput.ptr + (b * Ein + E) * 4, dFeed.ptr + b * H * 4);
        }
      } else {
        k.copy(B * E, dInput.ptr, dE);
      }
    }
    if (this.tgtEmbedding.weight.requiresGrad) k.embeddingBackward(this.tgtEmbedding.weight.grad.ptr, dEmbAll.ptr, decIn.ptr, rows, E, -1);
    this.encodeBackward(dh, dc, B);
  }

  /**
   * Trains with the shared loop (src/models/trainer.ts): Adam by default, gradient clipping,
   * batches of similar source length, validation loss (and token accuracy) each epoch, BLEU
   * on request.
   */
  fit(sources: number[][], targets: number[][], options: Seq2SeqTrainOptions = {}): History {
    // Keeping the best checkpoint (by validation loss) is the default here: a translation model
    // is usually trained past its best epoch.
    const o = resolveTrainOptions({ restoreBestWeights: true, ...options } as TrainOptions, { batchSize: 32, lr: 1e-3 });
    this.checkSources(sources);
    this.checkTargets(targets, sources.length);
    const val = options.validation;
    if (val !== undefined) {
      this.checkSources(val?.sources, 'validation.sources');
      this.checkTargets(val.targets, val.sources.length);
    }
    const smoothing = checkSmoothing(options.labelSmoothing), tf = options.teacherForcing ?? 1;
    const schedule: TeacherForcingSchedule = typeof tf === 'function' ? tf : () => tf;
    let epoch = -1, step = 0;
    const ratioNow = () => {
      const r = schedule({ epoch: Math.max(epoch, 0), step });
      if (typeof r !== 'number' || !(r >= 0 && r <= 1)) throw new SeqwasmError(ErrorCode.badArgument, `teacherForcing must be (or its schedule return) a number in [0, 1], received ${describe(r)} at epoch ${epoch}, step ${step}`);
      return r;
    };
    ratioNow(); // checks the schedule before training starts
    const bucket = options.bucket ?? true;
    const be = this.backend;
    be.seed(o.seed);
    const srcAll = val ? [...sources, ...val.sources] : sources;
    const tgtAll = val ? [...targets, ...val.targets] : targets;
    const split = splitIndices(sources.length, val ? val.sources.length : 0, o.validationSplit, () => be.random());
    const bs = o.batchSize;
    const cut = (ids: number[]) => { const out: number[][] = []; for (let i = 0; i < ids.length; i += bs) out.push(ids.slice(i, i + bs)); return out; };
    const byLength = (ids: number[]) => ids.sort((a, b) => srcAll[a].length - srcAll[b].length || tgtAll[a].length - tgtAll[b].length);
    const task: TrainTask<number[]> = {
      module: this,
      trainBatches: (random) => {
        epoch++;
        const order = o.shuffle ? shuffleInPlace([...split.train], random) : [...split.train];
        if (!bucket) return cut(order);
        const batches: number[][] = [];
        const pool = bs * 32;
        for (let i = 0; i < order.length; i += pool) batches.push(...cut(byLength(order.slice(i, i + pool))));
        return o.shuffle ? shuffleInPlace(batches, random) : batches;
      },
      validationBatches: () => (split.validation ? cut(byLength([...split.validation])) : null),
      run: (batch, learn): StepResult => {
        const r = this.run(batch.map((i) => srcAll[i]), batch.map((i) => tgtAll[i]), learn, learn ? smoothing : 0, learn ? ratioNow() : 1, false);
        if (learn) step++;
        const tokens = batch.reduce((a, i) => a + srcAll[i].length + tgtAll[i].length + 1, 0);
        return { loss: r.loss, count: r.count, correct: r.correct, tokens };
      },
    };
    const userEnd = options.onEpochEnd;
    const onEpochEnd = (e: EpochSummary) => {
      const s: Seq2SeqEpochSummary = { ...e };
      if (options.bleu && split.validation) {
        const render = typeof options.bleu === 'function' ? options.bleu : (t: number[]) => t.join(' ');
        const words = (t: readonly number[]) => render(t.filter((x) => x !== this.eos));
        // Pairs whose reference renders empty are left out: BLEU has nothing to match there.
        const refs = new Map(split.validation.map((i) => [i, words(tgtAll[i])]));
        const ids = split.validation.filter((i) => refs.get(i)!.trim() !== '');
        if (ids.length > 0) {
          const hyps = this.translate(ids.map((i) => srcAll[i]), { maxLength: Math.max(...ids.map((i) => tgtAll[i].length)) * 2 + 10 });
          s.valBleu = new BLEU().corpusScore(hyps.map((h) => words(h[0].tokens)), [ids.map((i) => refs.get(i)!)]).score;
        }
      }
      userEnd?.(s);
    };
    return fitLoop(task, { ...o, onEpochEnd });
  }

  // ---------------------------------------------------------------- decoding

  /** The generator's weight packed for gemmPacked, in a workspace buffer; returns its pointer. */
  private packGenerator(): number {
    const k = this.backend.kernels, H = this.hiddenSize, V = this.vocabSize;
    const packed = this.ws.get('generatorPacked', [k.packedBytes(H, V) / 4]);
    k.packWeights(packed.ptr, this.generator.weight.value.ptr, H, 1, H, V);
    return packed.ptr;
  }

  /**
   * The decoder state after encoding `sources` (B rows), for `greedy` / `beamSearch`. A decoding
   * session (start, then step calls) uses the weights as they are here, as the encoder's output
   * already does: the generator's weight is packed once for all its steps.
   */
  start(sources: number[][]): DecoderState {
    this.checkSources(sources);
    return inEval(this, () => {
      const { h0, c0 } = this.encode(sources);
      const B = sources.length, H = this.hiddenSize;
      const keep = (t: Tensor) => { const n = this.backend.empty([B, H]); this.backend.kernels.copy(n.size, t.ptr, n.ptr); this.owned.push(n); return n; };
      const feed = this.backend.zeros([B, H]);
      this.owned.push(feed);
      const src = Int32Array.from({ length: B }, (_, b) => b);
      this.selected = src;
      this.generatorPacked = this.packGenerator();
      return { h: h0.map(keep), c: c0 ? c0.map(keep) : null, feed, src };
    });
  }

  /** Releases the state tensors made since the last `start` (translate does it itself). */
  releaseStates(): void {
    for (const t of this.owned) t.release();
    this.owned = [];
  }

  step(tokens: Int32Array, state: DecoderState): StepOutput<DecoderState> {
    const be = this.backend, k = be.kernels;
    const N = tokens.length, E = this.embeddingDim, H = this.hiddenSize, V = this.vocabSize;
    if (this.generatorPacked === 0) throw new SeqwasmError(ErrorCode.badArgument, 'step() needs a decoding session: call start(sources) first');
    if (this.selected === null || this.selected.length !== N || this.selected.some((v, i) => v !== state.src[i])) {
      this.attention.selectSource(state.src);
      this.selected = state.src;
    }
    for (const cell of this.decoderCells) cell.resetTape();
    this.attention.resetTape();
    this.attentional.resetTape();
    this.checkIds(tokens, 'tokens', V);
    const ids = this.ws.get('stepIds', [N], 'int32');
    (ids.data as Int32Array).set(tokens);
    const Ein = E + (this.inputFeeding ? H : 0);
    const emb = this.ws.get('stepEmb', [N, E]);
    k.embeddingForward(emb.ptr, this.tgtEmbedding.weight.value.ptr, ids.ptr, N, E);
    const x = this.ws.get('stepX', [N, Ein]);
    if (this.inputFeeding) {
      for (let b = 0; b < N; b++) {
        k.copy(E, emb.ptr + b * E * 4, x.ptr + b * Ein * 4);
        k.copy(H, state.feed.ptr + b * H * 4, x.ptr + (b * Ein + E) * 4);
      }
    } else {
      k.copy(N * E, emb.ptr, x.ptr);
    }
    const own = (t: Tensor) => { const n = be.empty([N, H]); k.copy(n.size, t.ptr, n.ptr); this.owned.push(n); return n; };
    const next = this.stackForward(x, state.h, state.c);
    const hs = next.h.map(own), cs = next.c ? next.c.map(own) : null;
    const h = hs[hs.length - 1];
    const { context, weights } = this.attention.forward(h);
    const attention = weights.toArray() as Float32Array;
    const feed = own(this.attentional.forward(context, h));
    const logits = this.ws.get('stepLogits', [N, V]);
    k.broadcastRows(logits.ptr, this.generator.biasParam!.value.ptr, N, V);
    k.gemmPacked(0, N, V, H, 1, feed.ptr, H, this.generatorPacked, 1, logits.ptr, V, be.gemmWork);
    k.logSoftmaxForward(logits.ptr, logits.ptr, N, V);
    const bad = k.firstInvalidLogProb(logits.ptr, N * V);
    if (bad >= 0) {
      throw new SeqwasmError(ErrorCode.nonFinite, `the decoder produced log-probability ${logits.data[bad]} at row ${Math.floor(bad / V)}, token ${bad % V} (are the weights finite?)`);
    }
    // A view, not a copy: the decoders are done with it before the next step overwrites it.
    return { logProbs: logits.data as Float32Array, checked: true, state: { h: hs, c: cs, feed, src: state.src }, attention };
  }

  select(state: DecoderState, rows: Int32Array): DecoderState {
    const keep = (t: Tensor) => { const n = selectRows(t, rows); this.owned.push(n); return n; };
    return { h: state.h.map(keep), c: state.c ? state.c.map(keep) : null, feed: keep(state.feed), src: Int32Array.from(rows, (r) => state.src[r]) };
  }

  /**
   * Translates token-id sources: per sentence, up to `nbest` hypotheses, best first (tokens
   * exclude <s>, include </s> when finished). Greedy with beam 1, beam search otherwise.
   */
  translate(sources: number[][], options: TranslateOptions = {}): Hypothesis[][] {
    const beam = options.beam ?? 1, nbest = options.nbest ?? 1;
    if (!Number.isInteger(beam) || beam < 1) throw new SeqwasmError(ErrorCode.badArgument, `beam must be an integer ≥ 1, received ${describe(beam)}`);
    if (!Number.isInteger(nbest) || nbest < 1 || nbest > beam) throw new SeqwasmError(ErrorCode.badArgument, `nbest must be an integer in [1, beam = ${beam}], received ${describe(nbest)}`);
    if (options.sample !== undefined && beam > 1) throw new SeqwasmError(ErrorCode.badArgument, `sample draws one output per sentence: beam must be 1, received ${beam}`);
    this.checkSources(sources);
    return inEval(this, () => {
      try {
        const initialState = this.start(sources);
        // The decoders check the limits, n-gram size and penalties themselves.
        const common = {
          initialState, batchSize: sources.length, bos: this.bos, eos: this.eos, srcLengths: sources.map((s) => s.length),
          maxLength: options.maxLength ?? 100, minLength: options.minLength, noRepeatNgramSize: options.noRepeatNgramSize, bannedTokens: options.bannedTokens,
          returnAttention: options.returnAttention === true,
        };
        if (options.sample !== undefined) return sample(this, { ...common, ...options.sample, backend: this.backend }).map((h) => [h]);
        if (beam === 1) return greedy(this, common).map((h) => [h]);
        return beamSearch(this, { ...common, beamSize: beam, nBest: nbest, lengthPenalty: options.lengthPenalty, coveragePenalty: options.coveragePenalty });
      } finally {
        this.releaseStates();
      }
    });
  }

  override release(): void {
    this.releaseStates();
    this.generatorPacked = 0;
    this.ws.release();
    for (const m of [this.srcEmbedding, this.encoder, this.bridgeH, this.bridgeC, this.tgtEmbedding, ...this.decoderCells, this.attention, this.attentional, this.generator]) m?.release();
    this.parameters.length = 0;
  }
}
