// Gradient clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13,
// test/fixtures/optim/clip.json) on both builds; the reduction kernels against float64 loops on
// sizes that hit every SIMD tail; non-finite norms.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { SeqwasmError } from '../../src/errors.js';
import { Parameter } from '../../src/nn/parameter.js';
import { clipGradNorm, clipGradValue } from '../../src/train/index.js';
import { bothBuilds, randomArray, expectClose } from '../helpers.js';

interface Flat { shape: number[]; data: number[] }
interface Case {
  name: string;
  fn: 'clip_grad_norm_' | 'clip_grad_value_';
  grads: string;
  maxNorm?: number;
  normType?: number;
  clipValue?: number;
  totalNorm?: number;
  clipped: Flat[];
}

// JSON has no non-finite numbers; the fixture writes them as strings.
const nonFinite: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/clip.json', import.meta.url), 'utf8'),
  (_, v) => (typeof v === 'string' && v in nonFinite ? nonFinite[v] : v)) as { gradSets: Record<string, Flat[]>; cases: Case[] };

function params(be: Backend, grads: Flat[]): Parameter[] {
  return grads.map((g, i) => {
    const p = new Parameter(`p${i}`, be.zeros(g.shape), be.zeros(g.shape));
    p.grad.data.set(g.data);
    return p;
  });
}

function releaseAll(ps: Parameter[]): void {
  for (const p of ps) { p.value.release(); p.grad.release(); }
}

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (build) => {
  const be = () => builds[build === 'simd' ? 0 : 1];

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s matches PyTorch', (_, c) => {
    const ps = params(be(), fixture.gradSets[c.grads]);
    if (c.fn === 'clip_grad_norm_') {
      const total = clipGradNorm(ps, c.maxNorm!, c.normType);
      expect(Math.abs(total - c.totalNorm!)).toBeLessThanOrEqual(1e-6 * c.totalNorm!);
    } else {
      clipGradValue(ps, c.clipValue!);
    }
    ps.forEach((p, i) => expectClose(p.grad.data, c.clipped[i].data, 1e-6, 1e-7));
    releaseAll(ps);
  });

  it('reduces and clamps exactly on sizes that hit every SIMD tail', () => {
    const k = be().kernels;
    for (const n of [0, 1, 3, 7, 1001]) {
      const values = randomArray(n, n + 5, -3, 3);
      const t = be().tensor(values, [n]);
      let ss = 0, ma = 0;
      for (const v of values) { ss += v * v; ma = Math.max(ma, Math.abs(v)); }
      expect(k.sumSquares(n, t.ptr)).toBeCloseTo(ss, 10);
      expect(k.maxAbs(n, t.ptr)).toBe(ma);
      k.clampSymmetric(t.ptr, n, 1.5);
      expect(Array.from(t.data)).toEqual(Array.from(values, (v) => Math.min(Math.max(v, -1.5), 1.5)));
      t.release();
    }
  });

  it('propagates NaN and Infinity, and errorIfNonfinite throws leaving the gradients as they were', () => {
    for (const [bad, normType, expected] of [[NaN, 2, NaN], [NaN, Infinity, NaN], [Infinity, 2, Infinity], [-Infinity, Infinity, Infinity]]) {
      const ps = params(be(), fixture.gradSets.large);
      // The bad value sits in the SIMD body of one gradient and the tail of another.
      ps[0].grad.data[5] = bad;
      ps[1].grad.data[4] = bad;
      const before = ps.map((p) => p.grad.toArray());
      expect(() => clipGradNorm(ps, 1, normType, { errorIfNonfinite: true })).toThrow(SeqwasmError);
      ps.forEach((p, i) => expect(Array.from(p.grad.data)).toEqual(Array.from(before[i])));
      expect(clipGradNorm(ps, 1, normType)).toBe(expected);
      // As PyTorch: a NaN factor (NaN norm) or a zero factor (infinite norm) times the gradients.
      const g = ps[2].grad.data;
      if (Number.isNaN(expected)) expect(Array.from(g).every(Number.isNaN)).toBe(true);
      else expect(Array.from(g).every((v) => v === 0)).toBe(true);
      releaseAll(ps);
    }
  });

  it('skips parameters without requiresGrad, and returns 0 for none', () => {
    const ps = params(be(), fixture.gradSets.large);
    ps[1].requiresGrad = false;
    const frozen = ps[1].grad.toArray();
    let ss = 0;
    for (const i of [0, 2]) for (const v of fixture.gradSets.large[i].data) ss += v * v;
    expect(clipGradNorm(ps, 0.5)).toBeCloseTo(Math.sqrt(ss), 6);
    expect(Array.from(ps[1].grad.data)).toEqual(Array.from(frozen));
    expect(clipGradNorm([], 1)).toBe(0);
    releaseAll(ps);
  });

  it('rejects bad arguments with a typed error', () => {
    const ps = params(be(), fixture.gradSets.small);
    const cases: (() => unknown)[] = [
      () => clipGradNorm(ps, -1),
      () => clipGradNorm(ps, NaN),
      () => clipGradNorm(ps, 1, 1),
      () => clipGradNorm(ps, 1, 3),
      () => clipGradNorm('x' as never, 1),
      () => clipGradNorm([ps[0].grad] as never, 1),
      () => clipGradValue(ps, -0.1),
      () => clipGradValue(ps, NaN),
    ];
    for (const fn of cases) expect(fn, fn.toString()).toThrow(SeqwasmError);
    releaseAll(ps);
  });
});
