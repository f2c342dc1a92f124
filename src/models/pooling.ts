// Pooling of a recurrent output (T, B, D·H) over time into one vector per sample (B, D·H),
// respecting each sample's length, with its backward:
//   last: the forward direction at step length−1 and, when bidirectional, the reverse direction
//         at step 0 (both are where that direction finished reading the sequence);
//   mean: the mean over steps 0…length−1;
//   max:  the elementwise maximum over steps 0…length−1 (the gradient goes to the first arg max).
// The loops run in JavaScript over views of wasm memory: B·T·C element operations per call, small
// beside the recurrent GEMMs. Buffers live in a workspace (nothing allocated after the first call).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';
import { shapeString } from '../core/shape.js';
import { Workspace } from '../nn/workspace.js';

export type PoolingMode = 'last' | 'mean' | 'max';

export class SequencePooling {
  private readonly ws: Workspace;
  private saved: { T: number; B: number; C: number; lengths: ArrayLike<number> } | null = null;

  constructor(readonly mode: PoolingMode, readonly directions: number, readonly backend: Backend) {
    if (mode !== 'last' && mode !== 'mean' && mode !== 'max') {
      throw new SeqwasmError(ErrorCode.badArgument, `pooling must be 'last', 'mean' or 'max', received ${describe(mode)}`);
    }
    this.ws = new Workspace(backend);
  }

  /** output: (T, B, C) time-major; lengths: B values in [1, T]. Returns a (B, C) view. */
  forward(output: Tensor, lengths: ArrayLike<number>): Tensor {
    if (output.shape.length !== 3) throw new SeqwasmError(ErrorCode.badShape, `output must be (time, batch, features), received ${shapeString(output.shape)}`);
    const [T, B, C] = output.shape;
    if (lengths.length !== B) throw new SeqwasmError(ErrorCode.badShape, `lengths must have one entry per sample (${B}), received ${describe(lengths)}`);
    for (let b = 0; b < B; b++) {
      if (!Number.isInteger(lengths[b]) || lengths[b] < 1 || lengths[b] > T) {
        throw new SeqwasmError(ErrorCode.outOfRange, `lengths[${b}] must be an integer in [1, ${T}], received ${describe(lengths[b])}`);
      }
    }
    const pooled = this.ws.get('pooled', [B, C]);
    const x = output.data as Float32Array, y = pooled.data as Float32Array;
    const half = C / this.directions;
    if (this.mode === 'last') {
      for (let b = 0; b < B; b++) {
        const tf = lengths[b] - 1;
        for (let c = 0; c < C; c++) y[b * C + c] = x[((c < half ? tf : 0) * B + b) * C + c];
      }
    } else if (this.mode === 'mean') {
      y.fill(0, 0, B * C);
      for (let b = 0; b < B; b++) {
        const n = lengths[b];
        for (let t = 0; t < n; t++) {
          const o = (t * B + b) * C;
          for (let c = 0; c < C; c++) y[b * C + c] += x[o + c];
        }
        for (let c = 0; c < C; c++) y[b * C + c] /= n;
      }
    } else {
      const arg = this.ws.get('argmax', [B, C], 'int32');
      const a = arg.data as Int32Array;
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) { y[b * C + c] = x[b * C + c]; a[b * C + c] = 0; }
        for (let t = 1; t < lengths[b]; t++) {
          const o = (t * B + b) * C;
          for (let c = 0; c < C; c++) {
            if (x[o + c] > y[b * C + c]) { y[b * C + c] = x[o + c]; a[b * C + c] = t; }
          }
        }
      }
    }
    this.saved = { T, B, C, lengths };
    return pooled;
  }

  /** dPooled: (B, C). Returns ∂L/∂output as a (T, B, C) view (zero at padded steps). */
  backward(dPooled: Tensor): Tensor {
    const s = this.saved;
    if (s === null) throw new SeqwasmError(ErrorCode.badArgument, 'backward() needs a forward() first');
    const { T, B, C, lengths } = s;
    if (dPooled.size !== B * C) throw new SeqwasmError(ErrorCode.badShape, `dPooled must have shape ${shapeString([B, C])}, received ${shapeString(dPooled.shape)}`);
    const dOut = this.ws.zeros('dOutput', [T, B, C]);
    const dx = dOut.data as Float32Array, dy = dPooled.data as Float32Array;
    const half = C / this.directions;
    if (this.mode === 'last') {
      for (let b = 0; b < B; b++) {
        const tf = lengths[b] - 1;
        for (let c = 0; c < C; c++) dx[((c < half ? tf : 0) * B + b) * C + c] = dy[b * C + c];
      }
    } else if (this.mode === 'mean') {
      for (let b = 0; b < B; b++) {
        const n = lengths[b];
        for (let t = 0; t < n; t++) {
          const o = (t * B + b) * C;
          for (let c = 0; c < C; c++) dx[o + c] = dy[b * C + c] / n;
        }
      }
    } else {
      const a = this.ws.get('argmax', [B, C], 'int32').data as Int32Array;
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) dx[(a[b * C + c] * B + b) * C + c] = dy[b * C + c];
      }
    }
    return dOut;
  }

  release(): void {
    this.ws.release();
  }
}
