// Accuracy of the four-lane transcendental functions inside the fused recurrent kernels
// (assembly/math.ts: tanh4 and sigmoid4), measured through the kernels against float64 math:
// rnnStepForward applies tanh to its input, lstmStepForward applies σ to the i, f, o gates.
// Both builds (the relaxed one fuses the polynomial's multiply-adds).
import { describe, it, beforeAll, expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { bothBuilds } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

/** n points spread over [lo, hi], plus the special values; a multiple of 4 plus 3 (scalar tail). */
function grid(lo: number, hi: number, n: number): number[] {
  const xs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  xs.push(0, -0, 1e-30, -1e-30, 1e-6, -1e-6, 1e-3, -1e-3, 88, -88, 100, -100, 1e30, -1e30, 3.4e38, -3.4e38);
  while (xs.length % 4 !== 3) xs.push(0.5);
  return xs;
}

/** Runs `f` over xs as one row of H = xs.length units; returns the results as f32. */
function tanhOf(be: Backend, xs: number[]): Float32Array {
  const H = xs.length;
  const g = be.tensor(xs, [1, H]), h = be.zeros([1, H]), out = be.zeros([1, H]), h0 = be.zeros([1, H]);
  const zero = be.zeros([1, H]); // recurrent product and biases, added to g
  be.kernels.rnnStepForward(g.ptr, zero.ptr, zero.ptr, zero.ptr, h.ptr, out.ptr, H, h0.ptr, 1, H, 0, 0, 0);
  const r = Float32Array.from(g.data);
  [g, h, out, h0, zero].forEach((t) => t.release());
  return r;
}

function sigmoidOf(be: Backend, xs: number[]): Float32Array {
  const H = xs.length;
  // Gates (1, 4H): x in the i block; the other blocks are 0.
  const gates = be.tensor([...xs, ...new Array(3 * H).fill(0)], [1, 4 * H]);
  const rec = be.zeros([1, 4 * H]); // the recurrent product and the biases, added to gates
  const s = () => be.zeros([1, H]);
  const [cN, hN, tc, out, c0, h0] = [s(), s(), s(), s(), s(), s()];
  be.kernels.lstmStepForward(gates.ptr, rec.ptr, rec.ptr, rec.ptr, cN.ptr, hN.ptr, tc.ptr, out.ptr, H, c0.ptr, h0.ptr, 1, H, 0, 0);
  const r = Float32Array.from(gates.data.subarray(0, H));
  [gates, rec, cN, hN, tc, out, c0, h0].forEach((t) => t.release());
  return r;
}

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it('tanh4: abs error < 4e-7, relative < 5e-7 where |x| ≥ 1e-3, exact sign and saturation', () => {
    const xs = grid(-10, 10, 40003);
    const ys = tanhOf(be(), xs);
    let worstAbs = 0, worstRel = 0, bad = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = Math.fround(xs[i]), want = Math.tanh(x), got = ys[i];
      const err = Math.abs(got - want);
      worstAbs = Math.max(worstAbs, err);
      if (Math.abs(x) >= 1e-3) worstRel = Math.max(worstRel, err / Math.abs(want));
      if (!Number.isFinite(got) || (x !== 0 && Math.sign(got) !== Math.sign(x)) || Math.abs(got) > 1) bad++;
    }
    expect(bad).toBe(0);
    expect(worstAbs).toBeLessThan(4e-7);
    expect(worstRel).toBeLessThan(5e-7);
  });

  it('sigmoid4: abs error < 2e-7, relative < 5e-7 where σ ≥ 1e-30, finite everywhere', () => {
    const xs = grid(-90, 90, 40003);
    const ys = sigmoidOf(be(), xs);
    let worstAbs = 0, worstRel = 0, bad = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = Math.fround(xs[i]), want = 1 / (1 + Math.exp(-x)), got = ys[i];
      if (!(got >= 0 && got <= 1)) bad++;
      const err = Math.abs(got - want);
      worstAbs = Math.max(worstAbs, err);
      if (want >= 1e-30 && x > -87) worstRel = Math.max(worstRel, err / want);
    }
    expect(bad).toBe(0);
    expect(worstAbs).toBeLessThan(2e-7);
    expect(worstRel).toBeLessThan(5e-7);
  });
});
