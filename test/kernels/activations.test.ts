// Activations against Math in float64, and their backward passes against central finite
// differences of the float64 reference (so a wrong derivative formula cannot pass).
import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { sigmoid, tanh, relu, sigmoidBackward, tanhBackward, reluBackward } from '../../src/ops/activations.js';
import { bothBuilds, randomArray, expectClose } from '../helpers.js';

const fns = {
  sigmoid: { fwd: sigmoid, bwd: sigmoidBackward, ref: (x: number) => 1 / (1 + Math.exp(-x)) },
  tanh: { fwd: tanh, bwd: tanhBackward, ref: Math.tanh },
  relu: { fwd: relu, bwd: reluBackward, ref: (x: number) => Math.max(0, x) },
};

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];
  for (const [fname, f] of Object.entries(fns)) {
    it(`${fname}: forward matches Math, backward matches finite differences`, () => {
      for (const n of [0, 1, 3, 7, 33, 1001]) {
        const xv = randomArray(n, n + 5, -6, 6);
        // Keep relu's inputs away from its kink, where a finite difference is meaningless.
        if (fname === 'relu') xv.forEach((v, i) => { if (Math.abs(v) < 1e-2) xv[i] = 0.5; });
        const x = be().tensor(xv, [n]);
        const y = f.fwd(x);
        expectClose(y.data, Array.from(xv, f.ref), 2e-6, 1e-7);
        const dyv = randomArray(n, n + 9);
        const dy = be().tensor(dyv, [n]);
        const dx = be().tensor(new Float32Array(n).fill(0.125), [n]); // backward adds into dx
        f.bwd(y, dy, dx);
        const h = 1e-4;
        const fd = Array.from(xv, (v, i) => 0.125 + dyv[i] * (f.ref(v + h) - f.ref(v - h)) / (2 * h));
        expectClose(dx.data, fd, 1e-4, 1e-5);
        [x, y, dy, dx].forEach((t) => t.release());
      }
    });
  }

  it('sigmoid saturates without overflow at ±100', () => {
    const y = sigmoid(be().tensor([-100, 100, -88.8, 88.8]));
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    expect(y.data[0]).toBeCloseTo(0, 30);
    expect(y.data[1]).toBe(1);
    y.release();
  });

  it('forward kernels may run in place', () => {
    const x = be().tensor([-1, 0, 2]);
    tanh(x, x);
    expectClose(x.data, [Math.tanh(-1), 0, Math.tanh(2)], 2e-6, 0);
    x.release();
  });
});
