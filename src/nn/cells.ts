// RNNCell, GRUCell and LSTMCell: one time step, for loops the caller writes (decoders).
// A cell keeps a stack of tapes: each `forward` pushes the state backward needs, and each
// `backward` pops the latest, so a loop of T forward steps is differentiated by T backward calls
// in reverse order. Tape buffers are reused across loops, so a training loop stops allocating.
import { SeqwasmError, ErrorCode } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { Tensor } from '../core/tensor.js';
import { getBackend } from '../core/init.js';
import type { NestedArray } from '../core/shape.js';
import { Module } from './module.js';
import { Workspace } from './workspace.js';
import { RecurrentBase, type RecurrentMode, type Tape } from './recurrent.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  bias?: boolean;
}

type State = Tensor | NestedArray;

function withLeadingOne(backend: Backend, x: State, rows: number, cols: number): Tensor | NestedArray {
  if (x instanceof Tensor) return x.shape.length === 2 ? x.view([1, ...x.shape]) : x;
  return Array.isArray(x) && x.length === rows && Array.isArray(x[0]) && (x[0] as NestedArray[]).length === cols ? [x] : x;
}

class CellBase extends Module {
  private readonly core: RecurrentBase;
  private readonly tapes: { ws: Workspace; tape: Tape | null }[] = [];
  private depth = 0;

  constructor(mode: RecurrentMode, options: CellOptions, backend: Backend) {
    super(backend);
    this.core = new RecurrentBase(mode, { inputSize: options?.inputSize, hiddenSize: options?.hiddenSize, bias: options?.bias }, backend, (base) => base);
    this.adopt('', this.core);
  }

  get inputSize(): number { return this.core.inputSize; }
  get hiddenSize(): number { return this.core.hiddenSize; }

  /** Steps pushed and not yet differentiated. */
  get pending(): number { return this.depth; }

  /** Forgets pending steps (e.g. after inference), keeping their buffers for reuse. */
  resetTape(): void { this.depth = 0; }

  protected step(input: Tensor | NestedArray, h?: State, c?: State): { h: Tensor; c?: Tensor } {
    const slot = (this.tapes[this.depth] ??= { ws: new Workspace(this.backend), tape: null });
    const previous = this.core.swapTape(slot.ws, null);
    try {
      const x = input instanceof Tensor ? (input.shape.length === 2 ? input.view([1, ...input.shape]) : input) : [input as NestedArray];
      const B = x instanceof Tensor ? x.shape[1] : ((input as NestedArray[]).length);
      const H = this.hiddenSize;
      const r = this.core.forward(x as Tensor | NestedArray, {
        h0: h === undefined ? undefined : withLeadingOne(this.backend, h, B, H),
        c0: c === undefined ? undefined : withLeadingOne(this.backend, c, B, H),
      });
      const shape = [r.hN.shape[1], H];
      this.depth++;
      return r.cN ? { h: r.hN.view(shape), c: r.cN.view(shape) } : { h: r.hN.view(shape) };
    } finally {
      [slot.ws, slot.tape] = this.core.swapTape(previous[0], previous[1]);
    }
  }

  protected stepBackward(dh: State, dc?: State): { dInput: Tensor; dh: Tensor; dc?: Tensor } {
    if (this.depth === 0) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a pending forward() step (forward steps are undone in reverse order)');
    const slot = this.tapes[this.depth - 1];
    const previous = this.core.swapTape(slot.ws, slot.tape);
    try {
      const H = this.hiddenSize;
      const B = dh instanceof Tensor ? dh.shape[0] : (dh as NestedArray[]).length;
      const r = this.core.backward(null, { dhN: withLeadingOne(this.backend, dh, B, H), dcN: dc === undefined ? undefined : withLeadingOne(this.backend, dc, B, H) });
      const out = { dInput: r.dInput.view(r.dInput.shape.slice(1)), dh: r.dh0.view([B, H]) };
      this.depth--;
      return r.dc0 ? { ...out, dc: r.dc0.view([B, H]) } : out;
    } finally {
      this.core.swapTape(previous[0], previous[1]);
    }
  }

  override release(): void {
    for (const slot of this.tapes) slot.ws.release();
    this.core.release();
  }
}

/** One Elman step: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu), as torch.nn.RNNCell. */
export class RNNCell extends CellBase {
  constructor(options: CellOptions & { nonlinearity?: 'tanh' | 'relu' }, backend: Backend = getBackend()) {
    super(options?.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', options, backend);
  }
  /** input (B, I), h (B, H) (zeros when absent) → h' (B, H). */
  forward(input: Tensor | NestedArray, h?: State): Tensor { return this.step(input, h).h; }
  /** From ∂L/∂h' of the latest pending step: {dInput, dh}. */
  backward(dh: State): { dInput: Tensor; dh: Tensor } { return this.stepBackward(dh); }
}

export class GRUCell extends CellBase {
  constructor(options: CellOptions, backend: Backend = getBackend()) {
    super('GRU', options, backend);
  }
  forward(input: Tensor | NestedArray, h?: State): Tensor { return this.step(input, h).h; }
  backward(dh: State): { dInput: Tensor; dh: Tensor } { return this.stepBackward(dh); }
}

export class LSTMCell extends CellBase {
  constructor(options: CellOptions, backend: Backend = getBackend()) {
    super('LSTM', options, backend);
  }
  /** input (B, I), state {h, c} (B, H) each → {h', c'}. */
  forward(input: Tensor | NestedArray, state: { h?: State; c?: State } = {}): { h: Tensor; c: Tensor } {
    const r = this.step(input, state.h, state.c);
    return { h: r.h, c: r.c! };
  }
  backward(dh: State, dc?: State): { dInput: Tensor; dh: Tensor; dc: Tensor } {
    const r = this.stepBackward(dh, dc);
    return { dInput: r.dInput, dh: r.dh, dc: r.dc! };
  }
}
