// Optimizers against PyTorch 1.13's own float32 runs (test/fixtures/optim/optimizers.json), on
// both builds: the 6-element fixture, the same values tiled over sizes that hit every SIMD tail,
// state dicts that resume mid-run, skipped parameters, typed errors, and no allocation per step.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { type Backend, Slab } from '../../src/core/backend.js';
import { SeqwasmError } from '../../src/errors.js';
import { Parameter } from '../../src/nn/parameter.js';
import { SGD, Adam, AdamW, RMSprop, type Optimizer } from '../../src/train/index.js';
import { bothBuilds, expectClose } from '../helpers.js';

interface Flat { shape: number[]; data: number[] }
interface Config {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  args: Record<string, number | boolean | number[]>;
  params: Flat[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/optimizers.json', import.meta.url), 'utf8')) as {
  param0: Flat; grads: Flat[]; optimizers: Config[];
};

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function make(kind: Config['optimizer'], params: Parameter[], args: Record<string, unknown>): Optimizer {
  const options = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]));
  switch (kind) {
    case 'SGD': return new SGD(params, options as never);
    case 'Adam': return new Adam(params, options);
    case 'AdamW': return new AdamW(params, options);
    case 'RMSprop': return new RMSprop(params, options);
  }
}

/** The fixture's 6 values repeated cyclically to n. */
function tile(values: number[], n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => values[i % values.length]);
}

function param(be: Backend, values: Float32Array, name = 'w'): Parameter {
  return new Parameter(name, be.tensor(values, [values.length]), be.zeros([values.length]));
}

function releaseAll(params: Parameter[], opt?: Optimizer): void {
  opt?.release();
  for (const p of params) { p.value.release(); p.grad.release(); }
}

// float32 runs: a few ulps of the parameter, plus a floor for entries that pass near zero.
const RTOL = 1e-6, ATOL = 1e-7;

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (build) => {
  const be = () => builds[build === 'simd' ? 0 : 1];

  describe.each(fixture.optimizers.map((c) => [c.name, c] as const))('%s', (_, config) => {
    it('matches PyTorch after each of 4 steps, on 6 elements and tiled over awkward sizes', () => {
      for (const n of [6, 0, 1, 3, 7, 1001]) {
        const p = param(be(), tile(fixture.param0.data, n));
        const opt = make(config.optimizer, [p], config.args);
        for (let k = 0; k < 4; k++) {
          p.grad.data.set(tile(fixture.grads[k].data, n));
          opt.step();
          expectClose(p.value.data, tile(config.params[k].data, n), RTOL, ATOL);
        }
        releaseAll([p], opt);
      }
    });

    it('resumes from a state dict taken after 2 steps', () => {
      const p = param(be(), tile(fixture.param0.data, 6));
      const opt = make(config.optimizer, [p], config.args);
      for (let k = 0; k < 2; k++) {
        p.grad.data.set(fixture.grads[k].data);
        opt.step();
      }
      const saved = JSON.parse(JSON.stringify(opt.stateDict(), (_, v) => (v instanceof Float32Array ? Array.from(v) : v)));
      expect(saved.state[0].step).toBe(2);
      const q = param(be(), Float32Array.from(p.value.data));
      const resumed = make(config.optimizer, [q], config.args);
      resumed.loadStateDict(saved);
      for (let k = 2; k < 4; k++) {
        q.grad.data.set(fixture.grads[k].data);
        resumed.step();
        expectClose(q.value.data, config.params[k].data, RTOL, ATOL);
      }
      releaseAll([p, q], opt);
      resumed.release();
    });
  });

  it('SGD with maximize, Nesterov and weight decay matches PyTorch 1.13', () => {
    // Printed by PyTorch 1.13 (python3-torch 1.13.1): SGD([p], lr=0.05, momentum=0.8, nesterov=True,
    // weight_decay=0.1, maximize=True), p = [0.5, -1.25, 2, 0.1, -0.3], two steps with these grads.
    const p = param(be(), Float32Array.from([0.5, -1.25, 2.0, 0.1, -0.3]));
    const opt = new SGD([p], { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1, maximize: true });
    for (const g of [[0.1, -0.2, 0.3, -0.4, 0.5], [0.05, 0.02, -0.3, 0.1, 0.0]]) {
      p.grad.data.set(g);
      opt.step();
    }
    expectClose(p.value.data, [0.506059467792511, -1.2460392713546753, 1.9671190977096558, 0.0584121011197567, -0.2330692857503891], RTOL, ATOL);
    releaseAll([p], opt);
  });

  it('skips parameters without requiresGrad and zeroes every gradient', () => {
    const a = param(be(), tile(fixture.param0.data, 6), 'a');
    const b = param(be(), Float32Array.from([1, 2, 3]), 'b');
    b.requiresGrad = false;
    const opt = new Adam([a, b], { lr: 0.01 });
    a.grad.data.set(fixture.grads[0].data);
    b.grad.data.set([5, 5, 5]);
    opt.step();
    expectClose(a.value.data, fixture.optimizers.find((c) => c.name === 'adam')!.params[0].data, RTOL, ATOL);
    expect(Array.from(b.value.data)).toEqual([1, 2, 3]);
    expect([opt.stepCount(0), opt.stepCount(1)]).toEqual([1, 0]);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
    opt.zeroGrad();
    expect([...a.grad.data, ...b.grad.data].every((v) => v === 0)).toBe(true);
    releaseAll([a, b], opt);
  });

  it('takes lr changes between steps', () => {
    const p = param(be(), Float32Array.from([1, 1]));
    const opt = new SGD([p], { lr: 0.5 });
    p.grad.data.set([1, 2]);
    opt.step();
    opt.lr = 0.25;
    opt.step();
    expect(Array.from(p.value.data)).toEqual([1 - 0.5 - 0.25, 1 - 1 - 0.5]);
    releaseAll([p], opt);
  });

  it('keeps all state in one slab and allocates nothing over 100 steps', () => {
    const params = [param(be(), tile(fixture.param0.data, 1001), 'a'), param(be(), tile(fixture.grads[0].data, 7), 'b')];
    for (const config of fixture.optimizers) {
      const before = be().liveBytes;
      const opt = make(config.optimizer, params, config.args);
      const stateBytes = be().liveBytes - before;
      for (let s = 0; s < 100; s++) {
        params.forEach((p, i) => p.grad.data.set(tile(fixture.grads[(s + i) % 4].data, p.grad.size)));
        opt.step();
        opt.zeroGrad();
      }
      expect(be().liveBytes - before).toBe(stateBytes);
      const buffers = Object.keys(opt.stateDict().state[0]).filter((k) => k !== 'step').length;
      expect(stateBytes).toBe(buffers * Slab.bytesFor([[1001], [7]]));
      opt.release();
      expect(be().liveBytes).toBe(before);
    }
    releaseAll(params);
  });

  it('rejects a mismatched state dict and leaves the optimizer as it was', () => {
    const p = param(be(), tile(fixture.param0.data, 6));
    const opt = new Adam([p], { lr: 0.01, amsgrad: true });
    p.grad.data.set(fixture.grads[0].data);
    opt.step();
    const good = opt.stateDict();
    const bad: unknown[] = [
      { ...good, param_groups: [{ ...good.param_groups[0], amsgrad: false }] },
      { ...good, param_groups: [{ ...good.param_groups[0], betas: [0.8, 0.999] }] },
      { ...good, param_groups: [{ ...good.param_groups[0], params: [0, 1] }] },
      { ...good, param_groups: [{ ...good.param_groups[0], lr: -1 }] },
      { ...good, state: { 0: { ...good.state[0], exp_avg: { shape: [3], data: new Float32Array(3) } } } },
      { ...good, state: { 0: { ...good.state[0], max_exp_avg_sq: undefined } } },
      { ...good, state: { 0: { ...good.state[0], momentum_buffer: good.state[0].exp_avg } } },
      { ...good, state: { 0: { ...good.state[0], step: -1 } } },
      { ...good, state: { 3: good.state[0] } },
      { state: good.state },
      null,
    ];
    const expAvg = Float32Array.from((good.state[0].exp_avg as { data: Float32Array }).data);
    for (const dict of bad) {
      expect(() => opt.loadStateDict(dict as never)).toThrow(SeqwasmError);
    }
    const after = opt.stateDict();
    expect(after.param_groups[0].lr).toBe(0.01);
    expect(after.state[0].step).toBe(1);
    expect(Array.from((after.state[0].exp_avg as { data: Float32Array }).data)).toEqual(Array.from(expAvg));
    releaseAll([p], opt);
  });

  it('rejects bad options and parameters with a typed error, as PyTorch does', () => {
    const p = param(be(), Float32Array.from([1, 2, 3]));
    const q = new Parameter('q', be().tensor([1, 2]), be().zeros([3]));
    const cases: (() => unknown)[] = [
      () => new SGD([p], { lr: -0.1 }),
      () => new SGD([p], {} as never),
      () => new SGD([p], { lr: 0.1, momentum: -0.9 }),
      () => new SGD([p], { lr: 0.1, nesterov: true }),
      () => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      () => new SGD([p], { lr: 0.1, weightDecay: -1 }),
      () => new SGD([p], { lr: 0.1, weight_decay: 0.1 } as never),
      () => new SGD([p], { lr: NaN }),
      () => new Adam([p], { lr: -1 }),
      () => new Adam([p], { betas: [1, 0.999] }),
      () => new Adam([p], { betas: [0.9, -0.1] }),
      () => new Adam([p], { betas: [0.9] as never }),
      () => new AdamW([p], { eps: -1e-8 }),
      () => new AdamW([p], { weightDecay: -0.01 }),
      () => new Adam([p], { amsgrad: 1 as never }),
      () => new RMSprop([p], { alpha: -0.5 }),
      () => new RMSprop([p], { momentum: -0.1 }),
      () => new RMSprop([p], { eps: -1 }),
      () => new Adam([]),
      () => new Adam([p, p]),
      () => new Adam([p.value] as never),
      () => new Adam([q]),
      () => { new SGD([p], { lr: 0.1 }).lr = -1; },
    ];
    for (const fn of cases) {
      let error: unknown;
      try { fn(); } catch (e) { error = e; }
      expect(error, fn.toString()).toBeInstanceOf(SeqwasmError);
    }
    const opt = new Adam([p]);
    opt.release();
    expect(() => opt.step()).toThrow(SeqwasmError);
    releaseAll([p]);
    q.value.release();
    q.grad.release();
  });

  it('uses PyTorch defaults', () => {
    const p = param(be(), Float32Array.from([1]));
    const adam = new Adam([p]), adamw = new AdamW([p]), rms = new RMSprop([p]), sgd = new SGD([p], { lr: 0.1 });
    expect([adam.lr, adam.betas, adam.eps, adam.weightDecay, adam.amsgrad]).toEqual([1e-3, [0.9, 0.999], 1e-8, 0, false]);
    expect([adamw.lr, adamw.weightDecay]).toEqual([1e-3, 1e-2]);
    expect([rms.lr, rms.alpha, rms.eps, rms.weightDecay, rms.momentum, rms.centered]).toEqual([1e-2, 0.99, 1e-8, 0, 0, false]);
    expect([sgd.momentum, sgd.dampening, sgd.weightDecay, sgd.nesterov, sgd.maximize]).toEqual([0, 0, 0, false, false]);
    [adam, adamw, rms, sgd].forEach((o) => o.release());
    releaseAll([p]);
  });
});
