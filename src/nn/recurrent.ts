// RNN, GRU and LSTM over whole sequences, with PyTorch's options, shapes, parameter names and
// packed-sequence semantics for variable lengths; forward and backward (BPTT).
//
// How a direction of a layer runs (DESIGN.md, "Recurrent networks: how they run"):
//   forward:  gates = X·W_ihᵀ for all steps in one GEMM; per step one recurrent product (a GEMM
//             on W_hh packed once per call, a GEMV for a batch of one) and one fused step kernel
//             that adds the biases and stores what backward needs;
//   backward: per step one fused kernel and one product for ∂h; then the weight gradients and
//             ∂X as whole-sequence GEMMs.
// Buffers live in a Workspace and are reused across calls, so a training loop allocates nothing
// after its first step. Tensors returned by forward/backward are views of those buffers: valid
// until the next call of the same layer (copy them with toArray() to keep them).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import { shapeString, firstNonFinite, type NestedArray } from '../core/shape.js';
import { Module } from './module.js';
import { Workspace } from './workspace.js';
import type { Parameter } from './parameter.js';

export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'GRU' | 'LSTM';

export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode only. */
  dropout?: number;
  bidirectional?: boolean;
}

export interface ForwardOptions {
  /** Per-sample lengths (1 ≤ length ≤ T): PyTorch's packed-sequence semantics. */
  lengths?: ArrayLike<number>;
  /** Initial hidden state (numLayers·D, B, H); zeros when absent. */
  h0?: Tensor | NestedArray;
  /** Initial cell state of an LSTM (numLayers·D, B, H). */
  c0?: Tensor | NestedArray;
}

export interface ForwardResult {
  /** (T, B, D·H), or (B, T, D·H) with batchFirst; zero at padded steps. */
  output: Tensor;
  /** (numLayers·D, B, H): each sample's state at its own last step. */
  hN: Tensor;
  /** LSTM only: the cell state, like hN. */
  cN?: Tensor;
}

export interface BackwardResult {
  /** ∂L/∂input, shaped like the input. */
  dInput: Tensor;
  dh0: Tensor;
  dc0?: Tensor;
}

const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, GRU: 3, LSTM: 4 };

function checkSize(v: unknown, what: string, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} must be an integer ≥ ${min}, received ${describe(v)}`);
  }
  return v as number;
}

export interface Tape {
  T: number;
  B: number;
  lengths: number; // pointer or 0
  /** Input of each layer (time-major). */
  inputs: Tensor[];
  /** Dropout masks between layers, when used. */
  masks: (Tensor | null)[];
}

export class RecurrentBase extends Module {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  private ws: Workspace;
  /**
   * Buffers used only inside one direction's pass (packed weights, the per-step recurrent
   * product): shared by every tape, not swapped with them, so a decoder's per-step tapes
   * (cells.ts) do not each hold a copy.
   */
  private readonly scratch: Workspace;
  private tape: Tape | null = null;
  /** Parameters by [layer][direction]: weight_ih, weight_hh, bias_ih, bias_hh. */
  private readonly cells: Parameter[][][] = [];

  constructor(mode: RecurrentMode, options: RecurrentOptions, backend: Backend = getBackend(),
              nameOf = (base: string, l: number, d: number) => `${base}_l${l}${d === 1 ? '_reverse' : ''}`) {
    super(backend);
    if (options === null || typeof options !== 'object') {
      throw new SeqwasmError(ErrorCode.badArgument, `options must be an object with inputSize and hiddenSize, received ${describe(options)}`);
    }
    this.mode = mode;
    this.inputSize = checkSize(options.inputSize, 'inputSize', 1);
    this.hiddenSize = checkSize(options.hiddenSize, 'hiddenSize', 1);
    this.numLayers = checkSize(options.numLayers ?? 1, 'numLayers', 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout < 1)) {
      throw new SeqwasmError(ErrorCode.badArgument, `dropout must be a number in [0, 1), received ${describe(options.dropout)}`);
    }
    this.ws = new Workspace(backend);
    this.scratch = new Workspace(backend);
    const H = this.hiddenSize, GH = GATES[mode] * H, D = this.directions;
    const specs: { name: string; shape: number[] }[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const I = l === 0 ? this.inputSize : D * H;
        specs.push({ name: nameOf('weight_ih', l, d), shape: [GH, I] }, { name: nameOf('weight_hh', l, d), shape: [GH, H] });
        if (this.bias) specs.push({ name: nameOf('bias_ih', l, d), shape: [GH] }, { name: nameOf('bias_hh', l, d), shape: [GH] });
      }
    }
    const params = this.createParameters(specs);
    const per = this.bias ? 4 : 2;
    for (let l = 0, i = 0; l < this.numLayers; l++) {
      this.cells.push([]);
      for (let d = 0; d < D; d++, i += per) this.cells[l].push(params.slice(i, i + per));
    }
    this.resetParameters();
  }

  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** PyTorch's initialisation: every parameter U(−1/√H, 1/√H), from the backend's generator. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters) this.backend.kernels.randUniform(p.value.ptr, p.value.size, this.backend.rngState, -k, k);
  }

  private asTensor(value: Tensor | NestedArray, what: string): Tensor {
    if (value instanceof Tensor) {
      if (value.released) throw new SeqwasmError(ErrorCode.released, `${what} was used after release()`);
      if (value.dtype !== 'float32') throw new SeqwasmError(ErrorCode.badDtype, `${what} must be float32, received ${value.dtype}`);
      const bad = firstNonFinite(value.data);
      if (bad >= 0) throw new SeqwasmError(ErrorCode.nonFinite, `${what} holds ${value.data[bad]} at flat index ${bad}`);
      return value;
    }
    try {
      return this.ws.backend.tensor(value);
    } catch (e) {
      if (e instanceof SeqwasmError) throw new SeqwasmError(e.code, `${what}: ${e.message}`);
      throw e;
    }
  }

  /** Copies a user tensor of (L·D, B, H) into a workspace buffer, or zeroes it. */
  private initialState(name: string, value: Tensor | NestedArray | undefined, B: number, what: string): Tensor {
    const shape = [this.numLayers * this.directions, B, this.hiddenSize];
    const dst = this.ws.get(name, shape);
    if (value === undefined) {
      this.backend.kernels.fill(dst.size, 0, dst.ptr);
      return dst;
    }
    const src = this.asTensor(value, what);
    if (src.shape.length !== 3 || src.shape.some((d, i) => d !== shape[i])) {
      throw new SeqwasmError(ErrorCode.badShape, `${what} must have shape ${shapeString(shape)} (numLayers·directions, batch, hiddenSize), received ${shapeString(src.shape)}`);
    }
    this.backend.kernels.copy(dst.size, src.ptr, dst.ptr);
    if (src !== value) src.release();
    return dst;
  }

  private lengthsPointer(lengths: ArrayLike<number> | undefined, T: number, B: number): number {
    if (lengths === undefined) return 0;
    if (lengths === null || typeof lengths !== 'object' || lengths.length !== B) {
      throw new SeqwasmError(ErrorCode.badShape, `lengths must have one entry per sample (${B}), received ${describe(lengths)}`);
    }
    const t = this.ws.get('lengths', [B], 'int32');
    const view = t.data;
    for (let b = 0; b < B; b++) {
      const len = lengths[b];
      if (!Number.isInteger(len) || len < 1 || len > T) {
        throw new SeqwasmError(ErrorCode.outOfRange, `lengths[${b}] must be an integer in [1, ${T}] (the sequence length), received ${describe(len)}`);
      }
      view[b] = len;
    }
    return t.ptr;
  }

  forward(input: Tensor | NestedArray, options: ForwardOptions = {}): ForwardResult {
    const k = this.backend.kernels;
    const x = this.asTensor(input, 'input');
    const s = x.shape;
    if (s.length !== 3) {
      throw new SeqwasmError(ErrorCode.badShape, `input must have 3 dimensions (${this.batchFirst ? 'batch, time' : 'time, batch'}, features), received ${shapeString(s)}`);
    }
    if (s[2] !== this.inputSize) {
      throw new SeqwasmError(ErrorCode.badShape, `input must have ${this.inputSize} features (inputSize) in its last dimension, received shape ${shapeString(s)}`);
    }
    const [T, B] = this.batchFirst ? [s[1], s[0]] : [s[0], s[1]];
    if (T < 1 || B < 1) throw new SeqwasmError(ErrorCode.badShape, `input must have at least one step and one sample, received shape ${shapeString(s)}`);
    const lengths = this.lengthsPointer(options.lengths, T, B);
    if (this.mode !== 'LSTM' && options.c0 !== undefined) {
      throw new SeqwasmError(ErrorCode.badArgument, `c0 is only for LSTM, this is ${this.mode}`);
    }
    const h0 = this.initialState('h0', options.h0, B, 'h0');
    const c0 = this.mode === 'LSTM' ? this.initialState('c0', options.c0, B, 'c0') : null;
    const I = this.inputSize, H = this.hiddenSize, D = this.directions, L = this.numLayers;

    const x0 = this.ws.get('x', [T, B, I]);
    if (this.batchFirst) k.swapLeadingAxes(x0.ptr, x.ptr, B, T, I);
    else k.copy(x0.size, x.ptr, x0.ptr);
    if (x !== input) x.release();

    const hN = this.ws.get('hN', [L * D, B, H]);
    const cN = c0 ? this.ws.get('cN', [L * D, B, H]) : null;
    const tape: Tape = { T, B, lengths, inputs: [x0], masks: [] };
    let layerIn = x0;
    for (let l = 0; l < L; l++) {
      const out = this.ws.get(`out${l}`, [T, B, D * H]);
      for (let d = 0; d < D; d++) this.forwardDirection(l, d, layerIn, out, tape, h0, c0, hN, cN);
      if (l < L - 1) {
        let next = out;
        let mask: Tensor | null = null;
        if (this.training && this.dropout > 0) {
          mask = this.ws.get(`mask${l}`, out.shape);
          k.dropoutMask(mask.ptr, mask.size, this.backend.rngState, this.dropout);
          next = this.ws.get(`dropped${l}`, out.shape);
          k.mul(out.size, out.ptr, mask.ptr, next.ptr);
        }
        tape.masks.push(mask);
        tape.inputs.push(next);
      }
      layerIn = out;
    }
    this.tape = tape;
    let output = layerIn;
    if (this.batchFirst) {
      output = this.ws.get('outputBatchFirst', [B, T, D * H]);
      k.swapLeadingAxes(output.ptr, layerIn.ptr, T, B, D * H);
    }
    return cN ? { output, hN, cN } : { output, hN };
  }

  /** What forward and backward of direction d of layer l both start from. */
  private direction(l: number, d: number, X: Tensor, tape: Tape) {
    const be = this.backend;
    const { T, B, lengths } = tape;
    const H = this.hiddenSize, GH = GATES[this.mode] * H;
    const [wih, whh, bih, bhh] = this.cells[l][d];
    const tag = `${l}_${d}`;
    return {
      be, k: be.kernels, T, B, lengths, H, D: this.directions, GH, I: X.shape[2], wih, whh, bih, bhh, tag,
      gates: this.ws.get(`gates${tag}`, [T, B, GH]),
    };
  }

  private forwardDirection(l: number, d: number, X: Tensor, out: Tensor, tape: Tape,
                           h0: Tensor, c0: Tensor | null, hN: Tensor, cN: Tensor | null): void {
    const { be, k, T, B, lengths, H, D, GH, I, wih, whh, bih, bhh, tag, gates } = this.direction(l, d, X, tape);
    // The input projection of every step in one GEMM; the step kernels add the biases.
    k.gemm(0, 1, T * B, GH, I, 1, X.ptr, I, wih.value.ptr, I, 0, gates.ptr, GH, be.gemmWork);
    const [bi, bh] = this.biasPointers(bih, bhh, GH);
    // The recurrent product h·W_hhᵀ of each step goes to a (B, GH) buffer that stays in cache.
    // For a batch above one it is a GEMM on W_hhᵀ packed once here for all T steps.
    const whhP = B > 1 ? this.packed(whh.value.ptr, H, 1, H, GH) : 0;
    const rec = this.scratch.get('rec', [B, GH]);
    const recurrent = (hp: number) => {
      if (whhP) k.gemmPacked(0, B, GH, H, 1, hp, H, whhP, 0, rec.ptr, GH, be.gemmWork);
      else k.gemv(0, GH, H, 1, whh.value.ptr, H, hp, 0, rec.ptr);
    };
    const hprev = this.ws.get(`hprev${tag}`, [T, B, H]);
    const cprev = this.mode === 'LSTM' ? this.ws.get(`cprev${tag}`, [T, B, H]) : null;
    const tanhC = this.mode === 'LSTM' ? this.ws.get(`tanhC${tag}`, [T, B, H]) : null;
    const hn = this.mode === 'GRU' ? this.ws.get(`hn${tag}`, [T, B, H]) : null;
    const state = 4 * B * H; // bytes of one (B, H) state
    const idx = l * D + d;
    const ldo = D * H;
    for (let s = 0; s < T; s++) {
      const t = d === 0 ? s : T - 1 - s;
      const next = d === 0 ? t + 1 : t - 1;
      const hp = hprev.ptr + t * state;
      const hNext = s === T - 1 ? hN.ptr + idx * state : hprev.ptr + next * state;
      if (s === 0) k.copy(B * H, h0.ptr + idx * state, hp);
      const g = gates.ptr + t * B * GH * 4;
      const o = out.ptr + (t * B * ldo + d * H) * 4;
      if (this.mode === 'LSTM') {
        const cp = cprev!.ptr + t * state;
        if (s === 0) k.copy(B * H, c0!.ptr + idx * state, cp);
        const cNext = s === T - 1 ? cN!.ptr + idx * state : cprev!.ptr + next * state;
        recurrent(hp);
        k.lstmStepForward(g, rec.ptr, bi, bh, cNext, hNext, tanhC!.ptr + t * state, o, ldo, cp, hp, B, H, lengths, t);
      } else if (this.mode === 'GRU') {
        recurrent(hp);
        k.gruStepForward(g, rec.ptr, bi, bh, hn!.ptr + t * state, hNext, o, ldo, hp, B, H, lengths, t);
      } else {
        recurrent(hp);
        k.rnnStepForward(g, rec.ptr, bi, bh, hNext, o, ldo, hp, B, H, lengths, t, this.mode === 'RNN_RELU' ? 1 : 0);
      }
    }
  }

  /**
   * Backpropagation through time from the gradient of the last forward's output (and of its
   * final states). Adds the parameter gradients into each parameter's `grad`; returns the
   * gradients of the input and initial states.
   */
  backward(dOutput: Tensor | NestedArray | null, grads: { dhN?: Tensor | NestedArray; dcN?: Tensor | NestedArray } = {}): BackwardResult {
    const tape = this.tape;
    if (tape === null) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a forward() first');
    const k = this.backend.kernels;
    const { T, B } = tape;
    const H = this.hiddenSize, D = this.directions, L = this.numLayers;
    const outShape = this.batchFirst ? [B, T, D * H] : [T, B, D * H];
    const dTop = this.ws.get('dTop', [T, B, D * H]);
    if (dOutput === null) {
      k.fill(dTop.size, 0, dTop.ptr);
    } else {
      const g = this.asTensor(dOutput, 'dOutput');
      if (g.shape.length !== 3 || g.shape.some((v, i) => v !== outShape[i])) {
        throw new SeqwasmError(ErrorCode.badShape, `dOutput must have the output's shape ${shapeString(outShape)}, received ${shapeString(g.shape)}`);
      }
      if (this.batchFirst) k.swapLeadingAxes(dTop.ptr, g.ptr, B, T, D * H);
      else k.copy(dTop.size, g.ptr, dTop.ptr);
      if (g !== dOutput) g.release();
    }
    const dhN = this.initialState('dhN', grads.dhN, B, 'dhN');
    const dcN = this.mode === 'LSTM' ? this.initialState('dcN', grads.dcN, B, 'dcN') : null;
    if (this.mode !== 'LSTM' && grads.dcN !== undefined) throw new SeqwasmError(ErrorCode.badArgument, `dcN is only for LSTM, this is ${this.mode}`);
    const dh0 = this.ws.get('dh0', [L * D, B, H]);
    const dc0 = dcN ? this.ws.get('dc0', [L * D, B, H]) : null;
    let dOut = dTop;
    let dIn = dTop;
    for (let l = L - 1; l >= 0; l--) {
      const X = tape.inputs[l];
      dIn = this.ws.get(`dIn${l}`, X.shape);
      for (let d = 0; d < D; d++) this.backwardDirection(l, d, X, dOut, dIn, tape, dhN, dcN, dh0, dc0);
      if (l > 0) {
        const mask = tape.masks[l - 1];
        if (mask) k.mul(dIn.size, dIn.ptr, mask.ptr, dIn.ptr);
      }
      dOut = dIn;
    }
    let dInput = dIn;
    if (this.batchFirst) {
      dInput = this.ws.get('dInputBatchFirst', [B, T, this.inputSize]);
      k.swapLeadingAxes(dInput.ptr, dIn.ptr, T, B, this.inputSize);
    }
    return dc0 ? { dInput, dh0, dc0 } : { dInput, dh0 };
  }

  private backwardDirection(l: number, d: number, X: Tensor, dOut: Tensor, dIn: Tensor, tape: Tape,
                            dhN: Tensor, dcN: Tensor | null, dh0: Tensor, dc0: Tensor | null): void {
    const { be, k, T, B, lengths, H, D, GH, I, wih, whh, bih, bhh, tag, gates } = this.direction(l, d, X, tape);
    const hprev = this.ws.get(`hprev${tag}`, [T, B, H]);
    const dGx = this.ws.get('dGx', [T, B, GH]);
    // Only the GRU's recurrent-side gradient differs from the input side's.
    const dGh = this.mode === 'GRU' ? this.ws.get('dGh', [T, B, GH]) : dGx;
    const state = 4 * B * H;
    const idx = l * D + d;
    const dh = this.ws.get('dh', [B, H]);
    k.copy(B * H, dhN.ptr + idx * state, dh.ptr);
    const dc = dcN ? this.ws.get('dc', [B, H]) : null;
    if (dc) k.copy(B * H, dcN!.ptr + idx * state, dc.ptr);
    const ldo = D * H;
    // W_hh packed once for the ∂h GEMM of every step (see forwardDirection).
    const whhP = B > 1 ? this.packed(whh.value.ptr, H, 0, GH, H) : 0;
    for (let s = T - 1; s >= 0; s--) {
      const t = d === 0 ? s : T - 1 - s;
      const g = gates.ptr + t * B * GH * 4;
      const o = dOut.ptr + (t * B * ldo + d * H) * 4;
      const dgx = dGx.ptr + t * B * GH * 4, dgh = dGh.ptr + t * B * GH * 4;
      if (this.mode === 'LSTM') {
        const cprev = this.ws.get(`cprev${tag}`, [T, B, H]), tanhC = this.ws.get(`tanhC${tag}`, [T, B, H]);
        k.lstmStepBackward(dgx, dh.ptr, dc!.ptr, g, cprev.ptr + t * state, tanhC.ptr + t * state, o, ldo, B, H, lengths, t);
      } else if (this.mode === 'GRU') {
        const hn = this.ws.get(`hn${tag}`, [T, B, H]);
        k.gruStepBackward(dgx, dgh, dh.ptr, g, hn.ptr + t * state, hprev.ptr + t * state, o, ldo, B, H, lengths, t);
      } else {
        k.rnnStepBackward(dgx, dh.ptr, g, o, ldo, B, H, lengths, t, this.mode === 'RNN_RELU' ? 1 : 0);
      }
      // ∂h_{t−1} += dGates·W_hh
      if (B === 1) k.gemv(1, GH, H, 1, whh.value.ptr, H, dgh, 1, dh.ptr);
      else k.gemmPacked(0, B, H, GH, 1, dgh, GH, whhP, 1, dh.ptr, H, be.gemmWork);
    }
    k.copy(B * H, dh.ptr, dh0.ptr + idx * state);
    if (dc) k.copy(B * H, dc.ptr, dc0!.ptr + idx * state);
    const TB = T * B;
    if (wih.requiresGrad) k.gemm(1, 0, GH, I, TB, 1, dGx.ptr, GH, X.ptr, I, 1, wih.grad.ptr, I, be.gemmWork);
    if (whh.requiresGrad) k.gemm(1, 0, GH, H, TB, 1, dGh.ptr, GH, hprev.ptr, H, 1, whh.grad.ptr, H, be.gemmWork);
    if (this.bias) {
      if (dGh === dGx && bih.requiresGrad && bhh.requiresGrad) {
        // Both biases get the same column sums (LSTM, RNN): sum once, add twice.
        const sum = this.ws.get('biasGradSum', [GH]);
        k.fill(GH, 0, sum.ptr);
        k.sumRows(sum.ptr, dGx.ptr, TB, GH);
        k.axpy(GH, 1, sum.ptr, bih.grad.ptr);
        k.axpy(GH, 1, sum.ptr, bhh.grad.ptr);
      } else {
        if (bih.requiresGrad) k.sumRows(bih.grad.ptr, dGx.ptr, TB, GH);
        if (bhh.requiresGrad) k.sumRows(bhh.grad.ptr, dGh.ptr, TB, GH);
      }
    }
    k.gemm(0, 0, TB, I, GH, 1, dGx.ptr, GH, wih.value.ptr, I, d === 0 ? 0 : 1, dIn.ptr, I, be.gemmWork);
  }

  /** op(W) (K, N) packed for gemmPacked into a workspace buffer; returns its pointer. */
  private packed(w: number, ldw: number, trans: number, K: number, N: number): number {
    const k = this.backend.kernels;
    const buf = this.scratch.get('packedWeight', [k.packedBytes(K, N) / 4]);
    k.packWeights(buf.ptr, w, ldw, trans, K, N);
    return buf.ptr;
  }

  /** The bias vectors the step kernels add, or a zero vector for a layer without biases. */
  private biasPointers(bih: Parameter | undefined, bhh: Parameter | undefined, GH: number): [number, number] {
    if (bih && bhh) return [bih.value.ptr, bhh.value.ptr];
    const zero = this.scratch.zeros('noBias', [GH]);
    return [zero.ptr, zero.ptr];
  }

  /**
   * Swaps in another workspace and tape (the saved state of one forward call) and returns the
   * current ones. Cells use it to keep one tape per step of a decoding loop.
   */
  swapTape(ws: Workspace, tape: Tape | null): [Workspace, Tape | null] {
    const previous: [Workspace, Tape | null] = [this.ws, this.tape];
    this.ws = ws;
    this.tape = tape;
    return previous;
  }

  override release(): void {
    this.ws.release();
    this.scratch.release();
    super.release();
  }
}

/** Elman RNN with tanh (default) or relu, as torch.nn.RNN. */
export class RNN extends RecurrentBase {
  constructor(options: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' }, backend?: Backend) {
    const nl = options?.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') {
      throw new SeqwasmError(ErrorCode.badArgument, `nonlinearity must be 'tanh' or 'relu', received ${describe(nl)}`);
    }
    super(nl === 'relu' ? 'RNN_RELU' : 'RNN_TANH', options, backend);
  }
}

export class GRU extends RecurrentBase {
  constructor(options: RecurrentOptions, backend?: Backend) {
    super('GRU', options, backend);
  }
}

export class LSTM extends RecurrentBase {
  constructor(options: RecurrentOptions, backend?: Backend) {
    super('LSTM', options, backend);
  }
}
