// Pooling over time (last / mean / max) against a hand computation, and its backward against
// finite differences (float64 sums of a float32 forward).
import { describe, it, beforeAll, expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { SequencePooling } from '../../src/models/pooling.js';
import { bothBuilds, randomArray, expectClose, rng } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it('matches a hand computation on a tiny bidirectional output', () => {
    // T=3, B=2, C=2 (directions 2: channel 0 forward, channel 1 reverse); lengths [3, 2].
    // x[t][b] = [f, r]
    const x = [
      [[1, 10], [4, 40]],
      [[2, 20], [-5, 50]],
      [[3, 30], [0, 0]],
    ];
    const t = be().tensor(x);
    const pool = (mode: 'last' | 'mean' | 'max') => Array.from(new SequencePooling(mode, 2, be()).forward(t, [3, 2]).data);
    expect(pool('last')).toEqual([3, 10, -5, 40]);
    expect(pool('mean')).toEqual([2, 20, -0.5, 45]);
    expect(pool('max')).toEqual([3, 30, 4, 50]);
    // One direction: 'last' takes step length−1 in every channel.
    expect(Array.from(new SequencePooling('last', 1, be()).forward(t, [3, 2]).data)).toEqual([3, 30, -5, 50]);
  });

  it.each(['last', 'mean', 'max'] as const)('%s: the kernels equal a plain float32 loop bit for bit (odd widths, ties)', (mode) => {
    // Oracle: the loops over a Float32Array that the kernels replaced. Values on a coarse grid
    // make ties common, so max must send the gradient to the first step reaching the maximum.
    const r = rng(31);
    for (const [T, B, C, D] of [[5, 3, 13, 1], [7, 4, 14, 2], [1, 2, 6, 2], [6, 5, 32, 2]]) {
      const x = Float32Array.from({ length: T * B * C }, () => Math.round((r() - 0.5) * 8) / 4);
      const dy = Float32Array.from({ length: B * C }, () => r() - 0.5);
      const lengths = Array.from({ length: B }, () => 1 + Math.floor(r() * T));
      const half = C / D;
      const y = new Float32Array(B * C), dx = new Float32Array(T * B * C), arg = new Int32Array(B * C);
      for (let b = 0; b < B; b++) {
        const n = lengths[b];
        for (let c = 0; c < C; c++) {
          const at = (t: number) => (t * B + b) * C + c;
          if (mode === 'last') {
            const t = c < half ? n - 1 : 0;
            y[b * C + c] = x[at(t)];
            dx[at(t)] = dy[b * C + c];
          } else if (mode === 'mean') {
            let s = 0;
            for (let t = 0; t < n; t++) s = Math.fround(s + x[at(t)]);
            y[b * C + c] = s / n;
            for (let t = 0; t < n; t++) dx[at(t)] = dy[b * C + c] / n;
          } else {
            for (let t = 1; t < n; t++) if (x[at(t)] > x[at(arg[b * C + c])]) arg[b * C + c] = t;
            y[b * C + c] = x[at(arg[b * C + c])];
            dx[at(arg[b * C + c])] = dy[b * C + c];
          }
        }
      }
      const pool = new SequencePooling(mode, D, be());
      expect(Array.from(pool.forward(be().tensor(x, [T, B, C]), lengths).data)).toEqual(Array.from(y));
      expect(Array.from(pool.backward(be().tensor(dy, [B, C])).data)).toEqual(Array.from(dx));
      pool.release();
    }
  });

  it('rejects directions other than 1 or 2, and features that do not split into the directions', () => {
    const bad = (f: () => unknown, re: RegExp, code: string) => {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect((err as { code?: string }).code).toBe(code);
      expect((err as Error).message).toMatch(re);
    };
    bad(() => new SequencePooling('last', 3, be()), /directions must be 1 or 2, received 3/, 'bad_argument');
    bad(() => new SequencePooling('last', 2, be()).forward(be().tensor(new Float32Array(2 * 1 * 5), [2, 1, 5]), [2]), /5 features must split evenly into 2 directions/, 'bad_shape');
  });

  it.each(['last', 'mean', 'max'] as const)('%s backward matches finite differences', (mode) => {
    const T = 4, B = 3, C = 6, lengths = [4, 1, 3];
    const xs = randomArray(T * B * C, 21);
    const w = randomArray(B * C, 22);
    const pool = new SequencePooling(mode, 2, be());
    const loss = (v: Float32Array) => {
      const y = pool.forward(be().tensor(v, [T, B, C]), lengths).data;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += w[i] * y[i];
      return s;
    };
    loss(xs);
    const dx = Array.from(pool.backward(be().tensor(w, [B, C])).data);
    const eps = 1e-3, fd: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const p = Float32Array.from(xs), m = Float32Array.from(xs);
      p[i] += eps; m[i] -= eps;
      fd.push((loss(p) - loss(m)) / (2 * eps));
    }
    expectClose(dx, fd, 1e-2, 1e-3);
    // Padded steps get no gradient.
    for (let t = 1; t < T; t++) for (let c = 0; c < C; c++) expect(dx[(t * B + 1) * C + c]).toBe(0);
  });
});
