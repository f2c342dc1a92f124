// Learning-rate schedules against torch.optim.lr_scheduler (PyTorch 1.13,
// test/fixtures/optim/optimizers.json `schedulers`), a warm-up chained into cosine decay, and
// typed errors.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { SeqwasmError } from '../../src/errors.js';
import { Parameter } from '../../src/nn/parameter.js';
import {
  SGD, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR, SequentialLR, type LRScheduler,
} from '../../src/train/index.js';
import { bothBuilds } from '../helpers.js';

interface ScheduleCase { scheduler: string; baseLr: number; args: Record<string, number>; lrs: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/optimizers.json', import.meta.url), 'utf8')) as {
  schedulers: ScheduleCase[];
};

function build(opt: SGD, c: ScheduleCase): LRScheduler {
  const a = c.args;
  switch (c.scheduler) {
    case 'StepLR': return new StepLR(opt, { stepSize: a.step_size, gamma: a.gamma });
    case 'ExponentialLR': return new ExponentialLR(opt, { gamma: a.gamma });
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, { tMax: a.T_max, etaMin: a.eta_min });
    case 'LinearLR': return new LinearLR(opt, { startFactor: a.start_factor, endFactor: a.end_factor, totalIters: a.total_iters });
  }
  throw new Error(`no schedule ${c.scheduler}`);
}

/** Python and V8 may differ in the last bit of cos; everything else is the same arithmetic. */
function expectLrs(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `epoch ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(1e-15 * expected[i]));
}

let be: Backend;
let param: Parameter;
beforeAll(async () => {
  be = (await bothBuilds())[0];
  param = new Parameter('w', be.zeros([3]), be.zeros([3]));
});

describe('schedules', () => {
  it.each(fixture.schedulers.map((c) => [c.scheduler, c] as const))('%s matches PyTorch over 10 epochs', (_, c) => {
    const opt = new SGD([param], { lr: c.baseLr });
    const schedule = build(opt, c);
    const lrs = [schedule.getLastLr()[0]];
    for (let e = 1; e < c.lrs.length; e++) {
      opt.step();
      schedule.step();
      expect(opt.lr).toBe(schedule.lr);
      lrs.push(schedule.getLastLr()[0]);
    }
    expectLrs(lrs, c.lrs);
    opt.release();
  });

  it('SequentialLR chains a linear warm-up into cosine decay as PyTorch does', () => {
    // Printed by PyTorch 1.13 (python3-torch 1.13.1): SGD lr 0.1; SequentialLR([LinearLR(start_factor=0.1,
    // total_iters=3), CosineAnnealingLR(T_max=5, eta_min=0.001)], milestones=[3]), get_last_lr()[0]
    // after construction and after each of 11 steps.
    const expected = [0.010000000000000002, 0.04, 0.07, 0.1, 0.0905463412215599, 0.06579634122155989,
      0.035203658778440096, 0.010453658778440105, 0.001, 0.010453658778440102, 0.03520365877844012, 0.06579634122155993];
    const opt = new SGD([param], { lr: 0.1 });
    const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 3 });
    const decay = new CosineAnnealingLR(opt, { tMax: 5, etaMin: 0.001 });
    const schedule = new SequentialLR(opt, [warmup, decay], [3]);
    const lrs = [schedule.lr];
    for (let e = 1; e < expected.length; e++) {
      opt.step();
      schedule.step();
      lrs.push(schedule.getLastLr()[0]);
      expect(opt.lr).toBe(schedule.lr);
    }
    expectLrs(lrs, expected);
    opt.release();
  });

  it('rejects bad options with a typed error', () => {
    const opt = new SGD([param], { lr: 0.1 });
    const warm = new LinearLR(opt);
    const other = new SGD([param], { lr: 0.1 });
    const cases: (() => unknown)[] = [
      () => new StepLR(opt, { stepSize: 0 }),
      () => new StepLR(opt, { stepSize: 1.5 }),
      () => new StepLR(opt, {} as never),
      () => new ExponentialLR(opt, { gamma: NaN }),
      () => new CosineAnnealingLR(opt, { tMax: 0 }),
      () => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 }),
      () => new LinearLR(opt, { startFactor: 0 }),
      () => new LinearLR(opt, { startFactor: 0.5, endFactor: 1.5 }),
      () => new LinearLR(opt, { totalIters: -1 }),
      () => new StepLR({} as never, { stepSize: 1 }),
      () => new SequentialLR(opt, [warm], [2]),
      () => new SequentialLR(opt, [warm, new ExponentialLR(opt, { gamma: 0.9 })], [0]),
      () => new SequentialLR(other, [warm], []),
      () => warm.stepTo(-1),
    ];
    for (const fn of cases) expect(fn, fn.toString()).toThrow(SeqwasmError);
    opt.release();
    other.release();
  });
});
