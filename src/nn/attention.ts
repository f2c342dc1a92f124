// Attention over a batch of encoder outputs, one decoder step at a time (Luong et al. 2015,
// Bahdanau et al. 2015), and Luong's attentional hidden state tanh(W_c [c; h]).
//
// `setSource` takes the encoder outputs (B, S, Hk) and per-sample source lengths once per
// batch and does every projection that does not depend on the step with one GEMM. Each
// `forward(query)` then pushes a tape, and each `backward` pops the latest (steps are undone in
// reverse order, like the cells in cells.ts). ∂encoderOutputs accumulates over the steps and is
// returned, together with the gradients of the source projections, by `backwardSource()`.
//
// Parameters use OpenNMT-py's GlobalAttention names, so its checkpoints load by name:
//   dot:      none (query and key widths must match)                score = qᵀ hᵢ
//   general:  linear_in.weight (Hk, Hq)                             score = (W q)ᵀ hᵢ
//   concat:   linear_query.weight (A, Hq), linear_context.weight (A, Hk), v.weight (1, A)
//                                                                   score = vᵀ tanh(W q + U hᵢ)
//   additive: as concat plus linear_query.bias (A)                  score = vᵀ tanh(W q + b + U hᵢ)
// Luong's `concat` is vᵀ tanh(W_a [q; hᵢ]), which is W q + U hᵢ with W_a = [W U]; Bahdanau's
// additive attention adds a bias. Initialisation is torch.nn.Linear's, U(±1/√fan_in).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { shapeString, firstNonFinite, type NestedArray } from '../core/shape.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { Workspace } from './workspace.js';

export type AttentionType = 'dot' | 'general' | 'concat' | 'additive';

export interface AttentionOptions {
  type: AttentionType;
  /** Width of the decoder state that queries the source (Hq). */
  querySize: number;
  /** Width of the encoder outputs (Hk); defaults to querySize. */
  keySize?: number;
  /** Width A of the hidden layer of concat/additive scores; defaults to querySize. */
  attentionSize?: number;
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} must be a positive integer, received ${describe(v)}`);
  }
  return v as number;
}

/** A float32 tensor of exactly `shape` (nested arrays are copied into a new tensor). */
function floatArg(backend: Backend, x: Tensor | NestedArray, shape: readonly number[], what: string): Tensor {
  let t: Tensor;
  if (x instanceof Tensor) {
    if (x.released) throw new SeqwasmError(ErrorCode.released, `${what} was used after release()`);
    if (x.backend !== backend) throw new SeqwasmError(ErrorCode.badArgument, `${what} belongs to another backend`);
    if (x.dtype !== 'float32') throw new SeqwasmError(ErrorCode.badDtype, `${what} must be float32, received ${x.dtype}`);
    t = x;
  } else {
    t = backend.tensor(x);
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    if (t !== x) t.release();
    throw new SeqwasmError(ErrorCode.badShape, `${what} must have shape ${shapeString(shape)}, received ${shapeString(t.shape)}`);
  }
  const bad = firstNonFinite(t.data);
  if (bad >= 0) {
    const v = t.data[bad];
    if (t !== x) t.release();
    throw new SeqwasmError(ErrorCode.nonFinite, `${what} holds ${v} at flat index ${bad}`);
  }
  return t;
}

/** Per-step tapes: slot d holds what step d's backward needs; buffers are reused across loops. */
class TapeStack {
  private readonly slots: Workspace[] = [];
  depth = 0;
  constructor(private readonly backend: Backend) {}
  push(): Workspace {
    const ws = (this.slots[this.depth] ??= new Workspace(this.backend));
    this.depth++;
    return ws;
  }
  pop(): Workspace {
    if (this.depth === 0) {
      throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a pending forward() step (forward steps are undone in reverse order)');
    }
    return this.slots[--this.depth];
  }
  release(): void {
    for (const ws of this.slots) ws.release();
    this.slots.length = 0;
    this.depth = 0;
  }
}

interface Source {
  B: number;
  S: number;
  enc: Tensor;      // (B, S, Hk)
  lengths: Tensor;  // (B) int32
  keys: Tensor;     // (B, S, Hq): enc for dot, enc·W for general
  uh: Tensor | null; // (B, S, A) for concat/additive
  dEnc: Tensor;     // (B, S, Hk)
  dKeys: Tensor | null; // (B, S, Hq) for general
  dUh: Tensor | null;   // (B, S, A)
  finished: boolean;
}

export class Attention extends Module {
  readonly type: AttentionType;
  readonly querySize: number;
  readonly keySize: number;
  readonly attentionSize: number;
  private readonly linearIn: Parameter | null = null;
  private readonly wq: Parameter | null = null;
  private readonly bq: Parameter | null = null;
  private readonly uc: Parameter | null = null;
  private readonly v: Parameter | null = null;
  private readonly ws: Workspace;
  private readonly tapes: TapeStack;
  private source: Source | null = null;
  private original: Source | null = null;

  constructor(options: AttentionOptions, backend: Backend = getBackend()) {
    super(backend);
    const type = options?.type;
    if (type !== 'dot' && type !== 'general' && type !== 'concat' && type !== 'additive') {
      throw new SeqwasmError(ErrorCode.badArgument, `type must be 'dot', 'general', 'concat' or 'additive', received ${describe(type)}`);
    }
    this.type = type;
    this.querySize = positiveInt(options.querySize, 'querySize');
    this.keySize = positiveInt(options.keySize ?? options.querySize, 'keySize');
    this.attentionSize = positiveInt(options.attentionSize ?? options.querySize, 'attentionSize');
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize;
    if (type === 'dot' && Hq !== Hk) {
      throw new SeqwasmError(ErrorCode.badArgument, `dot attention needs querySize = keySize, received ${Hq} and ${Hk}`);
    }
    const k = backend.kernels;
    const init = (p: Parameter, fanIn: number) => { const r = 1 / Math.sqrt(fanIn); k.randUniform(p.value.ptr, p.value.size, backend.rngState, -r, r); };
    if (type === 'general') {
      [this.linearIn] = this.createParameters([{ name: 'linear_in.weight', shape: [Hk, Hq] }]);
      init(this.linearIn, Hq);
    } else if (type === 'concat' || type === 'additive') {
      const specs = [{ name: 'linear_query.weight', shape: [A, Hq] }];
      if (type === 'additive') specs.push({ name: 'linear_query.bias', shape: [A] });
      specs.push({ name: 'linear_context.weight', shape: [A, Hk] }, { name: 'v.weight', shape: [1, A] });
      const ps = this.createParameters(specs);
      this.wq = ps[0];
      if (type === 'additive') { this.bq = ps[1]; this.uc = ps[2]; this.v = ps[3]; } else { this.uc = ps[1]; this.v = ps[2]; }
      init(this.wq, Hq);
      if (this.bq) init(this.bq, Hq);
      init(this.uc, Hk);
      init(this.v, A);
    }
    this.ws = new Workspace(backend);
    this.tapes = new TapeStack(backend);
  }

  /** Steps pushed and not yet differentiated. */
  get pending(): number { return this.tapes.depth; }

  /** Forgets pending steps (e.g. after inference), keeping their buffers. */
  resetTape(): void { this.tapes.depth = 0; }

  /**
   * Sets the encoder outputs (B, S, Hk) and per-sample source lengths (each in [1, S]; all S
   * when absent) for the following steps. Copies them, does the source projections, zeroes the
   * source gradient and forgets pending steps.
   */
  setSource(encoderOutputs: Tensor | NestedArray, lengths?: ArrayLike<number> | Tensor): void {
    const be = this.backend, k = be.kernels;
    const shape = encoderOutputs instanceof Tensor ? encoderOutputs.shape : null;
    if (shape !== null && (shape.length !== 3 || shape[2] !== this.keySize)) {
      throw new SeqwasmError(ErrorCode.badShape, `encoderOutputs must have shape (B, S, ${this.keySize}), received ${shapeString(shape)}`);
    }
    let x: Tensor;
    if (shape === null) {
      x = be.tensor(encoderOutputs as NestedArray);
      if (x.shape.length !== 3 || x.shape[2] !== this.keySize || x.shape[0] < 1 || x.shape[1] < 1) {
        const s = x.shape; x.release();
        throw new SeqwasmError(ErrorCode.badShape, `encoderOutputs must have shape (B, S, ${this.keySize}), received ${shapeString(s)}`);
      }
    } else {
      x = floatArg(be, encoderOutputs, shape, 'encoderOutputs');
    }
    const [B, S] = x.shape;
    if (B < 1 || S < 1) throw new SeqwasmError(ErrorCode.badShape, `encoderOutputs must have B ≥ 1 and S ≥ 1, received ${shapeString(x.shape)}`);
    const lens = new Int32Array(B).fill(S);
    if (lengths !== undefined) {
      const arr = lengths instanceof Tensor ? lengths.data : lengths;
      if (arr === null || typeof arr !== 'object' || arr.length !== B) {
        if (x !== encoderOutputs) x.release();
        throw new SeqwasmError(ErrorCode.badSize, `lengths must have ${B} entries (one per sample), received ${describe(arr)}`);
      }
      for (let b = 0; b < B; b++) {
        const l = arr[b];
        if (!Number.isInteger(l) || l < 1 || l > S) {
          if (x !== encoderOutputs) x.release();
          throw new SeqwasmError(ErrorCode.outOfRange, `lengths[${b}] must be an integer in [1, ${S}], received ${describe(l)}`);
        }
        lens[b] = l;
      }
    }
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize, work = be.gemmWork;
    const enc = this.ws.get('enc', [B, S, Hk]);
    k.copy(enc.size, x.ptr, enc.ptr);
    if (x !== encoderOutputs) x.release();
    const lt = this.ws.get('lengths', [B], 'int32');
    lt.data.set(lens);
    let keys = enc, uh: Tensor | null = null, dKeys: Tensor | null = null, dUh: Tensor | null = null;
    if (this.type === 'general') {
      keys = this.ws.get('keys', [B, S, Hq]);
      k.gemm(0, 0, B * S, Hq, Hk, 1, enc.ptr, Hk, this.linearIn!.value.ptr, Hq, 0, keys.ptr, Hq, work);
      dKeys = this.ws.zeros('dKeys', [B, S, Hq]);
    } else if (this.type === 'concat' || this.type === 'additive') {
      uh = this.ws.get('uh', [B, S, A]);
      k.gemm(0, 1, B * S, A, Hk, 1, enc.ptr, Hk, this.uc!.value.ptr, Hk, 0, uh.ptr, A, work);
      dUh = this.ws.zeros('dUh', [B, S, A]);
    }
    const dEnc = this.ws.zeros('dEnc', [B, S, Hk]);
    this.source = { B, S, enc, lengths: lt, keys, uh, dEnc, dKeys, dUh, finished: false };
    this.original = this.source;
    this.tapes.depth = 0;
  }

  /**
   * Makes row r of the source row `rows[r]` of the one given to `setSource` (rows may repeat and
   * their count is the new batch size): beam search's B·K rows, or a reordered batch. The
   * projections are gathered, not recomputed. Gradients that follow are with respect to the
   * selected rows (backwardSource returns (rows.length, S, Hk)). Forgets pending steps.
   */
  selectSource(rows: ArrayLike<number>): void {
    const o = this.original;
    if (o === null) throw new SeqwasmError(ErrorCode.badArgument, 'setSource() must be called before selectSource()');
    if (rows === null || typeof rows !== 'object' || rows.length < 1) {
      throw new SeqwasmError(ErrorCode.badSize, `rows must be a non-empty array of row indices, received ${describe(rows)}`);
    }
    for (let r = 0; r < rows.length; r++) {
      if (!Number.isInteger(rows[r]) || rows[r] < 0 || rows[r] >= o.B) {
        throw new SeqwasmError(ErrorCode.outOfRange, `rows[${r}] must be an integer in [0, ${o.B}), received ${describe(rows[r])}`);
      }
    }
    const k = this.backend.kernels, N = rows.length, S = o.S;
    const idx = this.ws.get('selRows', [N], 'int32');
    idx.data.set(Array.from(rows));
    const gather = (name: string, src: Tensor, width: number): Tensor => {
      const dst = this.ws.get(name, [N, S, width]);
      k.gatherRows(dst.ptr, src.ptr, idx.ptr, N, S * width);
      return dst;
    };
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize;
    const enc = gather('selEnc', o.enc, Hk);
    const lt = this.ws.get('selLengths', [N], 'int32');
    const ol = o.lengths.data, nl = lt.data;
    for (let r = 0; r < N; r++) nl[r] = ol[rows[r]];
    const keys = this.type === 'general' ? gather('selKeys', o.keys, Hq) : enc;
    const uh = o.uh ? gather('selUh', o.uh, A) : null;
    this.source = {
      B: N, S, enc, lengths: lt, keys, uh,
      dEnc: this.ws.zeros('selDEnc', [N, S, Hk]),
      dKeys: o.dKeys ? this.ws.zeros('selDKeys', [N, S, Hq]) : null,
      dUh: o.dUh ? this.ws.zeros('selDUh', [N, S, A]) : null,
      finished: false,
    };
    this.tapes.depth = 0;
  }

  private requireSource(): Source {
    if (this.source === null) throw new SeqwasmError(ErrorCode.badArgument, 'setSource() must be called before forward()');
    return this.source;
  }

  /**
   * One step: query (B, Hq) → context (B, Hk) and weights (B, S) (zero at padded positions).
   * The returned tensors are views valid until this step's tape slot is reused.
   */
  forward(query: Tensor | NestedArray): { context: Tensor; weights: Tensor } {
    const src = this.requireSource();
    const { B, S } = src;
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize;
    const be = this.backend, k = be.kernels;
    const q0 = floatArg(be, query, [B, Hq], 'query');
    const tape = this.tapes.push();
    const q = tape.get('q', [B, Hq]);
    k.copy(q.size, q0.ptr, q.ptr);
    if (q0 !== query) q0.release();
    const scores = tape.get('scores', [B, S]);
    const L = src.lengths.ptr;
    if (this.type === 'dot' || this.type === 'general') {
      k.attnDotScoresForward(scores.ptr, q.ptr, src.keys.ptr, B, S, Hq, L);
    } else {
      const wq = tape.get('wq', [B, A]);
      if (this.bq) k.broadcastRows(wq.ptr, this.bq.value.ptr, B, A);
      k.gemm(0, 1, B, A, Hq, 1, q.ptr, Hq, this.wq!.value.ptr, Hq, this.bq ? 1 : 0, wq.ptr, A, be.gemmWork);
      const hidden = tape.get('hidden', [B, S, A]);
      k.attnAdditiveScoresForward(scores.ptr, hidden.ptr, wq.ptr, src.uh!.ptr, this.v!.value.ptr, B, S, A, L);
    }
    const weights = tape.get('weights', [B, S]);
    const context = tape.get('context', [B, Hk]);
    k.attnSoftmaxContextForward(weights.ptr, context.ptr, scores.ptr, src.enc.ptr, B, S, Hk, L);
    return { context, weights };
  }

  /**
   * Undoes the latest pending step: from ∂L/∂context (B, Hk) and optionally ∂L/∂weights (B, S),
   * returns ∂L/∂query (B, Hq); adds into ∂encoderOutputs and the parameter gradients.
   */
  backward(dContext: Tensor | NestedArray, dWeights?: Tensor | NestedArray): Tensor {
    const src = this.requireSource();
    const { B, S } = src;
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize;
    const be = this.backend, k = be.kernels;
    if (this.tapes.depth === 0) this.tapes.pop(); // throws the standard message
    const dc = floatArg(be, dContext, [B, Hk], 'dContext');
    const dw = dWeights === undefined ? null : floatArg(be, dWeights, [B, S], 'dWeights');
    const tape = this.tapes.pop();
    const L = src.lengths.ptr;
    const q = tape.get('q', [B, Hq]), weights = tape.get('weights', [B, S]);
    const dScores = this.ws.get('dScores', [B, S]);
    k.attnSoftmaxContextBackward(dScores.ptr, src.dEnc.ptr, dc.ptr, dw === null ? 0 : dw.ptr, weights.ptr, src.enc.ptr, B, S, Hk, L);
    if (dc !== dContext) dc.release();
    if (dw !== null && dw !== dWeights) dw.release();
    const dq = this.ws.zeros('dq', [B, Hq]);
    if (this.type === 'dot') {
      k.attnDotScoresBackward(dq.ptr, src.dEnc.ptr, dScores.ptr, q.ptr, src.enc.ptr, B, S, Hq, L);
    } else if (this.type === 'general') {
      k.attnDotScoresBackward(dq.ptr, src.dKeys!.ptr, dScores.ptr, q.ptr, src.keys.ptr, B, S, Hq, L);
    } else {
      const hidden = tape.get('hidden', [B, S, A]);
      const dWq = this.ws.zeros('dWq', [B, A]);
      k.attnAdditiveScoresBackward(dWq.ptr, src.dUh!.ptr, this.v!.requiresGrad ? this.v!.grad.ptr : 0, dScores.ptr, hidden.ptr, this.v!.value.ptr, B, S, A, L);
      k.gemm(0, 0, B, Hq, A, 1, dWq.ptr, A, this.wq!.value.ptr, Hq, 0, dq.ptr, Hq, be.gemmWork);
      if (this.wq!.requiresGrad) k.gemm(1, 0, A, Hq, B, 1, dWq.ptr, A, q.ptr, Hq, 1, this.wq!.grad.ptr, Hq, be.gemmWork);
      if (this.bq?.requiresGrad) k.sumRows(this.bq.grad.ptr, dWq.ptr, B, A);
    }
    src.finished = false;
    return dq;
  }

  /**
   * ∂L/∂encoderOutputs (B, S, Hk) accumulated over the steps undone so far (zero at padded
   * positions), after adding the gradients of the source projections (general: linear_in;
   * concat/additive: linear_context). Call once, after the last backward step.
   */
  backwardSource(): Tensor {
    const src = this.requireSource();
    if (src.finished) return src.dEnc;
    const { B, S } = src;
    const Hq = this.querySize, Hk = this.keySize, A = this.attentionSize;
    const k = this.backend.kernels, work = this.backend.gemmWork;
    if (this.type === 'general') {
      const W = this.linearIn!;
      k.gemm(0, 1, B * S, Hk, Hq, 1, src.dKeys!.ptr, Hq, W.value.ptr, Hq, 1, src.dEnc.ptr, Hk, work);
      if (W.requiresGrad) k.gemm(1, 0, Hk, Hq, B * S, 1, src.enc.ptr, Hk, src.dKeys!.ptr, Hq, 1, W.grad.ptr, Hq, work);
      k.fill(src.dKeys!.size, 0, src.dKeys!.ptr);
    } else if (this.type === 'concat' || this.type === 'additive') {
      const U = this.uc!;
      k.gemm(0, 0, B * S, Hk, A, 1, src.dUh!.ptr, A, U.value.ptr, Hk, 1, src.dEnc.ptr, Hk, work);
      if (U.requiresGrad) k.gemm(1, 0, A, Hk, B * S, 1, src.dUh!.ptr, A, src.enc.ptr, Hk, 1, U.grad.ptr, Hk, work);
      k.fill(src.dUh!.size, 0, src.dUh!.ptr);
    }
    src.finished = true;
    return src.dEnc;
  }

  override release(): void {
    this.ws.release();
    this.tapes.release();
    this.source = null;
    super.release();
  }
}

/**
 * Luong's attentional hidden state h̃ = tanh(W_c [c; h]) (+ b with `bias`), as OpenNMT-py's
 * `linear_out` (weight (outSize, contextSize + querySize), context first). A tape stack like
 * the cells: forward pushes, backward pops.
 */
export class AttentionalState extends Module {
  readonly weight: Parameter;
  readonly biasParam: Parameter | null;
  private readonly tapes: TapeStack;
  private readonly ws: Workspace;
  private readonly rows: number[] = [];

  constructor(readonly contextSize: number, readonly querySize: number, readonly outSize: number = querySize,
              { bias = false } = {}, backend: Backend = getBackend()) {
    super(backend);
    positiveInt(contextSize, 'contextSize');
    positiveInt(querySize, 'querySize');
    positiveInt(outSize, 'outSize');
    const specs = [{ name: 'weight', shape: [outSize, contextSize + querySize] }];
    if (bias) specs.push({ name: 'bias', shape: [outSize] });
    const ps = this.createParameters(specs);
    this.weight = ps[0];
    this.biasParam = ps[1] ?? null;
    const r = 1 / Math.sqrt(contextSize + querySize);
    for (const p of ps) backend.kernels.randUniform(p.value.ptr, p.value.size, backend.rngState, -r, r);
    this.tapes = new TapeStack(backend);
    this.ws = new Workspace(backend);
  }

  get pending(): number { return this.tapes.depth; }
  resetTape(): void { this.tapes.depth = 0; }

  /** context (B, Hc), query (B, Hq) → h̃ (B, outSize). */
  forward(context: Tensor | NestedArray, query: Tensor | NestedArray): Tensor {
    const be = this.backend, k = be.kernels, Hc = this.contextSize, Hq = this.querySize, O = this.outSize;
    const B = context instanceof Tensor ? context.shape[0] : (context as NestedArray[]).length;
    const c0 = floatArg(be, context, [B, Hc], 'context');
    const h0 = floatArg(be, query, [B, Hq], 'query');
    this.rows[this.tapes.depth] = B;
    const tape = this.tapes.push();
    const c = tape.get('c', [B, Hc]), h = tape.get('h', [B, Hq]), y = tape.get('y', [B, O]);
    k.copy(c.size, c0.ptr, c.ptr);
    k.copy(h.size, h0.ptr, h.ptr);
    if (c0 !== context) c0.release();
    if (h0 !== query) h0.release();
    const ld = Hc + Hq, W = this.weight.value.ptr, work = be.gemmWork;
    if (this.biasParam) k.broadcastRows(y.ptr, this.biasParam.value.ptr, B, O);
    k.gemm(0, 1, B, O, Hc, 1, c.ptr, Hc, W, ld, this.biasParam ? 1 : 0, y.ptr, O, work);
    k.gemm(0, 1, B, O, Hq, 1, h.ptr, Hq, W + Hc * 4, ld, 1, y.ptr, O, work);
    k.tanhForward(y.ptr, y.ptr, y.size);
    return y;
  }

  /** Undoes the latest pending step: ∂L/∂h̃ (B, outSize) → {dContext, dQuery}; adds weight grads. */
  backward(dOutput: Tensor | NestedArray): { dContext: Tensor; dQuery: Tensor } {
    const be = this.backend, k = be.kernels, Hc = this.contextSize, Hq = this.querySize, O = this.outSize;
    if (this.tapes.depth === 0) this.tapes.pop();
    const rows = this.rows[this.tapes.depth - 1];
    const dy0 = floatArg(be, dOutput, [rows, O], 'dOutput');
    const tape = this.tapes.pop();
    const c = tape.get('c', [rows, Hc]), h = tape.get('h', [rows, Hq]), out = tape.get('y', [rows, O]);
    const dz = this.ws.zeros('dz', [rows, O]);
    k.tanhBackward(dz.ptr, out.ptr, dy0.ptr, dz.size);
    if (dy0 !== dOutput) dy0.release();
    const ld = Hc + Hq, W = this.weight.value.ptr, work = be.gemmWork;
    const dC = this.ws.get('dC', [rows, Hc]), dH = this.ws.get('dH', [rows, Hq]);
    k.gemm(0, 0, rows, Hc, O, 1, dz.ptr, O, W, ld, 0, dC.ptr, Hc, work);
    k.gemm(0, 0, rows, Hq, O, 1, dz.ptr, O, W + Hc * 4, ld, 0, dH.ptr, Hq, work);
    if (this.weight.requiresGrad) {
      const G = this.weight.grad.ptr;
      k.gemm(1, 0, O, Hc, rows, 1, dz.ptr, O, c.ptr, Hc, 1, G, ld, work);
      k.gemm(1, 0, O, Hq, rows, 1, dz.ptr, O, h.ptr, Hq, 1, G + Hc * 4, ld, work);
    }
    if (this.biasParam?.requiresGrad) k.sumRows(this.biasParam.grad.ptr, dz.ptr, rows, O);
    return { dContext: dC, dQuery: dH };
  }

  override release(): void {
    this.ws.release();
    this.tapes.release();
    super.release();
  }
}
