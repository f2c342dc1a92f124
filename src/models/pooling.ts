// Pooling of a recurrent output (T, B, D·H) over time into one vector per sample (B, D·H),
// respecting each sample's length, with its backward:
//   last: the forward direction at step length−1 and, when bidirectional, the reverse direction
//         at step 0 (both are where that direction finished reading the sequence);
//   mean: the mean over steps 0…length−1;
//   max:  the elementwise maximum over steps 0…length−1 (the gradient goes to the first arg max).
// The loops are kernels (assembly/pooling.ts). Buffers live in a workspace (nothing allocated
// after the first call).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import { shapeString } from '../core/shape.js';
import { Workspace } from '../nn/workspace.js';

export type PoolingMode = 'last' | 'mean' | 'max';

export class SequencePooling {
  private readonly ws: Workspace;
  private saved: { T: number; B: number; C: number } | null = null;

  constructor(readonly mode: PoolingMode, readonly directions: number, readonly backend: Backend) {
    if (mode !== 'last' && mode !== 'mean' && mode !== 'max') {
      throw new SeqwasmError(ErrorCode.badArgument, `pooling must be 'last', 'mean' or 'max', received ${describe(mode)}`);
    }
    if (directions !== 1 && directions !== 2) throw new SeqwasmError(ErrorCode.badArgument, `directions must be 1 or 2, received ${describe(directions)}`);
    this.ws = new Workspace(backend);
  }

  /** output: (T, B, C) time-major; lengths: B values in [1, T]. Returns a (B, C) view. */
  forward(output: Tensor, lengths: ArrayLike<number>): Tensor {
    if (output.shape.length !== 3) throw new SeqwasmError(ErrorCode.badShape, `output must be (time, batch, features), received ${shapeString(output.shape)}`);
    const [T, B, C] = output.shape;
    if (C % this.directions !== 0) throw new SeqwasmError(ErrorCode.badShape, `output's ${C} features must split evenly into ${this.directions} directions`);
    if (lengths.length !== B) throw new SeqwasmError(ErrorCode.badShape, `lengths must have one entry per sample (${B}), received ${describe(lengths)}`);
    for (let b = 0; b < B; b++) {
      if (!Number.isInteger(lengths[b]) || lengths[b] < 1 || lengths[b] > T) {
        throw new SeqwasmError(ErrorCode.outOfRange, `lengths[${b}] must be an integer in [1, ${T}], received ${describe(lengths[b])}`);
      }
    }
    const pooled = this.ws.get('pooled', [B, C]);
    const lens = this.ws.get('lengths', [B], 'int32');
    (lens.data as Int32Array).set(lengths);
    const k = this.backend.kernels;
    if (this.mode === 'last') k.poolLastForward(pooled.ptr, output.ptr, lens.ptr, B, C, C / this.directions);
    else if (this.mode === 'mean') k.poolMeanForward(pooled.ptr, output.ptr, lens.ptr, B, C);
    else k.poolMaxForward(pooled.ptr, this.ws.get('argmax', [B, C], 'int32').ptr, output.ptr, lens.ptr, B, C);
    this.saved = { T, B, C };
    return pooled;
  }

  /** dPooled: (B, C). Returns ∂L/∂output as a (T, B, C) view (zero at padded steps). */
  backward(dPooled: Tensor): Tensor {
    const s = this.saved;
    if (s === null) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a forward() first');
    const { T, B, C } = s;
    if (dPooled.size !== B * C) throw new SeqwasmError(ErrorCode.badShape, `dPooled must have shape ${shapeString([B, C])}, received ${shapeString(dPooled.shape)}`);
    const dOut = this.ws.get('dOutput', [T, B, C]);
    const lens = this.ws.get('lengths', [B], 'int32');
    const k = this.backend.kernels;
    if (this.mode === 'last') k.poolLastBackward(dOut.ptr, dPooled.ptr, lens.ptr, T, B, C, C / this.directions);
    else if (this.mode === 'mean') k.poolMeanBackward(dOut.ptr, dPooled.ptr, lens.ptr, T, B, C);
    else k.poolMaxBackward(dOut.ptr, dPooled.ptr, this.ws.get('argmax', [B, C], 'int32').ptr, T, B, C);
    return dOut;
  }

  release(): void {
    this.ws.release();
  }
}
