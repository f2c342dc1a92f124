// fit steps a learning-rate schedule once per epoch, after the epoch, as PyTorch code does.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { createBackend } from '../../src/node.js';
import { SequenceClassifier } from '../../src/models/index.js';
import { CosineAnnealingLR, type LRScheduler } from '../../src/train/index.js';

let be: Backend;
beforeAll(async () => { be = await createBackend({ build: 'simd' }); });

describe('fit with a schedule', () => {
  it('steps the schedule after every epoch and trains at the scheduled rates', () => {
    const m = new SequenceClassifier({ vocabSize: 5, numClasses: 2, hiddenSize: 4, embeddingDim: 3, seed: 1 }, be);
    const xs = [[1, 2], [3, 4, 1], [2], [4, 4]], ys = [0, 1, 0, 1];
    const seen: number[] = [];
    let sched: LRScheduler | undefined;
    m.fit(xs, ys, {
      epochs: 4, batchSize: 2, lr: 0.1, seed: 2,
      schedule: (opt) => (sched = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 })),
      onEpochEnd: () => seen.push(sched!.getLastLr()[0]),
    });
    // Cosine annealing: eta_min + (base − eta_min)·(1 + cos(π·e/T))/2 at epoch e (PyTorch's formula).
    const cosine = (e: number) => 0.01 + (0.1 - 0.01) * (1 + Math.cos((Math.PI * e) / 4)) / 2;
    expect(seen.map((v) => v.toFixed(12))).toEqual([0, 1, 2, 3].map((e) => cosine(e).toFixed(12)));
    expect(sched!.getLastLr()[0]).toBeCloseTo(cosine(4), 12);
    expect(() => m.fit(xs, ys, { epochs: 1, schedule: 5 as never })).toThrow(/schedule must be a function/);
  });
});
