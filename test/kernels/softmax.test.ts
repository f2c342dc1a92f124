// Softmax, log-softmax and softmax cross-entropy: forward against float64 references, backward
// against finite differences, and cross-entropy against PyTorch's values (test/fixtures/optim,
// made by tools/torch_optim_golden.py).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { softmax, logSoftmax, softmaxBackward, logSoftmaxBackward, softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../../src/ops/softmax.js';
import { bothBuilds, randomArray, expectClose } from '../helpers.js';

function refLogSoftmax(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
    for (let j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + j] - m - Math.log(s);
  }
  return out;
}

/** Central differences of a scalar function of x, in float64. */
function numericGrad(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-5): Float64Array {
  const xs = Float64Array.from(x);
  const g = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    xs[i] = v + h; const fp = f(xs);
    xs[i] = v - h; const fm = f(xs);
    xs[i] = v;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

interface T { shape: number[]; data: (number | string)[] }
const golden = JSON.parse(readFileSync(new URL('../fixtures/optim/cross_entropy.json', import.meta.url), 'utf8'));

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it('softmax and log-softmax match float64, rows of awkward widths, large logits', () => {
    for (const [rows, cols] of [[1, 1], [3, 7], [2, 33], [4, 1001]]) {
      const xv = randomArray(rows * cols, cols, -50, 50);
      const x = be().tensor(xv, [rows, cols]);
      const ref = refLogSoftmax(xv, rows, cols);
      expectClose(logSoftmax(x).data, ref, 1e-5, 1e-5);
      expectClose(softmax(x).data, ref.map(Math.exp), 1e-5, 1e-7);
    }
  });

  it('kernels: a −∞ logit gets probability exactly 0 and log-probability −∞; a NaN spreads to its row', () => {
    const k = be().kernels, cols = 9;
    const xv = Float32Array.from([1, -Infinity, 2, 0.5, -Infinity, 3, -1, 0, -Infinity]);
    // Straight into wasm memory: tensor() refuses non-finite data, the kernels must still cope.
    const x = be().empty([1, cols]), y = be().empty([1, cols]);
    x.data.set(xv);
    const finite = Array.from(xv).filter(Number.isFinite);
    const lse = Math.max(...finite) + Math.log(finite.reduce((a, v) => a + Math.exp(v - Math.max(...finite)), 0));
    k.softmaxForward(y.ptr, x.ptr, 1, cols);
    Array.from(y.data).forEach((p, j) => (xv[j] === -Infinity ? expect(p).toBe(0) : expect(p).toBeCloseTo(Math.exp(xv[j] - lse), 6)));
    k.logSoftmaxForward(y.ptr, x.ptr, 1, cols);
    Array.from(y.data).forEach((p, j) => (xv[j] === -Infinity ? expect(p).toBe(-Infinity) : expect(p).toBeCloseTo(xv[j] - lse, 5)));
    const nan = be().empty([2, 5]), out = be().empty([2, 5]);
    nan.data.set([1, 2, NaN, 4, 5, 1, 2, 3, 4, 5]);
    k.softmaxForward(out.ptr, nan.ptr, 2, 5);
    expect(Array.from(out.data).slice(0, 5).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.data).slice(5).every(Number.isFinite)).toBe(true);
    for (const t of [x, y, nan, out]) t.release();
  });

  it('rowArgmax: the first largest entry of each row, awkward widths and ties', () => {
    const k = be().kernels;
    for (const cols of [1, 3, 7, 33, 1001]) {
      const rows = 5;
      // Values on a coarse grid, so ties are common.
      const xv = randomArray(rows * cols, cols + 7, -3, 3).map((v) => Math.round(v));
      const x = be().tensor(xv, [rows, cols]), out = be().empty([rows], 'int32');
      k.rowArgmax(out.ptr, x.ptr, rows, cols);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(xv.subarray(r * cols, (r + 1) * cols));
        expect(out.data[r]).toBe(row.indexOf(Math.max(...row)));
      }
      x.release(); out.release();
    }
  });

  it('firstInvalidLogProb: the first NaN or +∞ at any position (SIMD body or tail); −∞ and finite pass', () => {
    const k = be().kernels;
    for (const n of [1, 3, 4, 7, 33]) {
      const base = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -Infinity : -i / 7));
      const x = be().tensor(base, [n], { allowNonFinite: true });
      expect(k.firstInvalidLogProb(x.ptr, n)).toBe(-1);
      for (const bad of [NaN, Infinity]) {
        for (const at of [0, Math.floor(n / 2), n - 1]) {
          const d = x.data as Float32Array;
          d.set(base);
          d[at] = bad;
          if (at + 1 < n) d[n - 1] = NaN; // a later bad entry must not be reported first
          expect(k.firstInvalidLogProb(x.ptr, n), `n ${n}, ${bad} at ${at}`).toBe(at);
        }
      }
      x.release();
    }
  });

  it('rowTopK: the k largest of each row, ties by lower index, −∞ and NaN never taken, −1 past the rest', () => {
    const k = be().kernels;
    for (const cols of [1, 3, 7, 33, 1001]) {
      for (const K of [1, 5, 40]) {
        const rows = 4;
        // A coarse grid, so ties are common; some −∞ and NaN entries.
        const xv = randomArray(rows * cols, cols * 3 + K, -3, 3).map((v, i) => (i % 11 === 3 ? -Infinity : i % 13 === 5 ? NaN : Math.round(v)));
        const x = be().empty([rows, cols]);
        x.data.set(xv);
        const idx = be().empty([rows * K], 'int32'), val = be().empty([rows * K]);
        k.rowTopK(idx.ptr, val.ptr, x.ptr, rows, cols, K);
        for (let r = 0; r < rows; r++) {
          const order = Array.from({ length: cols }, (_, j) => j).filter((j) => xv[r * cols + j] > -Infinity)
            .sort((a, b) => xv[r * cols + b] - xv[r * cols + a] || a - b).slice(0, K);
          const want = [...order, ...new Array(K - order.length).fill(-1)];
          expect(Array.from(idx.data.subarray(r * K, (r + 1) * K)), `cols ${cols}, k ${K}, row ${r}`).toEqual(want);
          order.forEach((j, i) => expect(val.data[r * K + i]).toBe(xv[r * cols + j]));
        }
        [x, idx, val].forEach((t) => t.release());
      }
    }
  });

  it('softmax and log-softmax backward match finite differences', () => {
    const rows = 3, cols = 7;
    const xv = randomArray(rows * cols, 1, -2, 2), wv = randomArray(rows * cols, 2);
    const x = be().tensor(xv, [rows, cols]), w = be().tensor(wv, [rows, cols]);
    const lossSm = (z: Float64Array) => refLogSoftmax(z, rows, cols).reduce((s, v, i) => s + Math.exp(v) * wv[i], 0);
    const lossLs = (z: Float64Array) => refLogSoftmax(z, rows, cols).reduce((s, v, i) => s + v * wv[i], 0);
    expectClose(softmaxBackward(softmax(x), w).data, numericGrad(lossSm, xv), 1e-3, 1e-5);
    expectClose(logSoftmaxBackward(logSoftmax(x), w).data, numericGrad(lossLs, xv), 1e-3, 1e-5);
  });

  it('cross-entropy matches PyTorch: ignore_index, label smoothing, mean and sum', () => {
    const logits = be().tensor(golden.logits.data, golden.logits.shape);
    for (const c of golden.cases) {
      const targets = be().tensor((golden.targets[c.targets] as T).data as number[], undefined, { dtype: 'int32' });
      const opts = { ignoreIndex: c.ignoreIndex, labelSmoothing: c.labelSmoothing, reduction: c.reduction };
      const { loss, probs, count } = softmaxCrossEntropy(logits, targets, opts);
      // PyTorch's mean over zero rows is NaN; seqwasm documents 0 with count 0 instead.
      if (c.loss === 'NaN') {
        expect(count).toBe(0);
        expect(loss).toBe(0);
      } else {
        expect(loss).toBeCloseTo(c.loss, 5);
      }
      const grad = softmaxCrossEntropyBackward(probs, targets, opts);
      expectClose(grad.data, c.gradLogits.data, 1e-5, 1e-6);
    }
  });

  it('cross-entropy backward matches finite differences with smoothing', () => {
    const rows = 4, cols = 5, eps = 0.2;
    const xv = randomArray(rows * cols, 3, -3, 3), tv = [1, -100, 4, 0];
    const x = be().tensor(xv, [rows, cols]);
    const t = be().tensor(tv, undefined, { dtype: 'int32' });
    const f = (z: Float64Array) => {
      const lp = refLogSoftmax(z, rows, cols);
      let s = 0, n = 0;
      for (let r = 0; r < rows; r++) {
        if (tv[r] === -100) continue;
        n++;
        let mean = 0;
        for (let j = 0; j < cols; j++) mean += lp[r * cols + j] / cols;
        s += -(1 - eps) * lp[r * cols + tv[r]] - eps * mean;
      }
      return s / n;
    };
    const { loss, probs } = softmaxCrossEntropy(x, t, { labelSmoothing: eps });
    expect(loss).toBeCloseTo(f(Float64Array.from(xv)), 5);
    expectClose(softmaxCrossEntropyBackward(probs, t, { labelSmoothing: eps }).data, numericGrad(f, xv), 1e-3, 1e-6);
  });
});
