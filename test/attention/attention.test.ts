// Attention: forward against a float64 reference written here, every gradient (query, encoder
// outputs, parameters) against central finite differences of that reference, for all score
// types, masked (unequal source lengths) and on awkward sizes, in both builds.
import { describe, it, beforeAll, expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { Attention, AttentionalState, type AttentionType } from '../../src/nn/attention.js';
import { SeqwasmError } from '../../src/errors.js';
import { bothBuilds, expectClose, randomArray } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

interface Cfg { B: number; S: number; Hq: number; Hk: number; A: number; lengths: number[] }
type Params = Record<string, Float64Array>;

/** Float64 reference of T steps: contexts (B, Hk) and weights (B, S) per step. */
function reference(type: AttentionType, c: Cfg, p: Params, enc: Float64Array, queries: Float64Array[]) {
  const { B, S, Hq, Hk, A, lengths } = c;
  return queries.map((q) => {
    const ctx = new Float64Array(B * Hk), w = new Float64Array(B * S);
    for (let b = 0; b < B; b++) {
      const L = lengths[b];
      const h = (i: number, k: number) => enc[(b * S + i) * Hk + k];
      const qv = (j: number) => q[b * Hq + j];
      const s = new Float64Array(L);
      for (let i = 0; i < L; i++) {
        let v = 0;
        if (type === 'dot') for (let k = 0; k < Hk; k++) v += qv(k) * h(i, k);
        else if (type === 'general') {
          const W = p['linear_in.weight'];
          for (let k = 0; k < Hk; k++) { let wq = 0; for (let j = 0; j < Hq; j++) wq += W[k * Hq + j] * qv(j); v += wq * h(i, k); }
        } else {
          const W = p['linear_query.weight'], U = p['linear_context.weight'], vv = p['v.weight'], bq = p['linear_query.bias'];
          for (let a = 0; a < A; a++) {
            let z = bq ? bq[a] : 0;
            for (let j = 0; j < Hq; j++) z += W[a * Hq + j] * qv(j);
            for (let k = 0; k < Hk; k++) z += U[a * Hk + k] * h(i, k);
            v += vv[a] * Math.tanh(z);
          }
        }
        s[i] = v;
      }
      const m = Math.max(...s);
      let tot = 0;
      for (let i = 0; i < L; i++) tot += Math.exp(s[i] - m);
      for (let i = 0; i < L; i++) {
        const a = Math.exp(s[i] - m) / tot;
        w[b * S + i] = a;
        for (let k = 0; k < Hk; k++) ctx[b * Hk + k] += a * h(i, k);
      }
    }
    return { ctx, w };
  });
}

function paramShapes(type: AttentionType, c: Cfg): Record<string, number[]> {
  if (type === 'dot') return {};
  if (type === 'general') return { 'linear_in.weight': [c.Hk, c.Hq] };
  const s: Record<string, number[]> = { 'linear_query.weight': [c.A, c.Hq], 'linear_context.weight': [c.A, c.Hk], 'v.weight': [1, c.A] };
  if (type === 'additive') s['linear_query.bias'] = [c.A];
  return s;
}

const f64 = (a: Float32Array) => Float64Array.from(a);
const configs: [string, Cfg][] = [
  ['masked B=3 S=7', { B: 3, S: 7, Hq: 5, Hk: 6, A: 3, lengths: [7, 1, 4] }],
  ['B=1 S=1 H=1', { B: 1, S: 1, Hq: 1, Hk: 1, A: 1, lengths: [1] }],
  ['SIMD tails B=2 S=9 H=13', { B: 2, S: 9, Hq: 13, Hk: 9, A: 7, lengths: [3, 9] }],
  ['long source B=2 S=1001 H=3', { B: 2, S: 1001, Hq: 3, Hk: 3, A: 2, lengths: [517, 1001] }],
];
const types: AttentionType[] = ['dot', 'general', 'concat', 'additive'];

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  describe.each(types)('%s attention', (type) => {
    it.each(configs)('%s: forward matches the float64 reference, gradients match finite differences', (_n, cfg0) => {
      const c = { ...cfg0, Hk: type === 'dot' ? cfg0.Hq : cfg0.Hk };
      const { B, S, Hq, Hk } = c;
      const att = new Attention({ type, querySize: Hq, keySize: Hk, attentionSize: c.A }, be());
      const shapes = paramShapes(type, c);
      expect(att.parameters.map((p) => p.name).sort()).toEqual(Object.keys(shapes).sort());
      const params: Params = {};
      let seed = 10;
      const sd: Record<string, { shape: number[]; data: Float32Array }> = {};
      for (const [k, shape] of Object.entries(shapes)) {
        const d = randomArray(shape.reduce((a, b) => a * b, 1), seed++);
        sd[k] = { shape, data: d };
        params[k] = f64(d);
      }
      att.loadStateDict(sd);
      const enc32 = randomArray(B * S * Hk, 1);
      const qs32 = [randomArray(B * Hq, 2), randomArray(B * Hq, 3)];
      const Rc = [randomArray(B * Hk, 4), randomArray(B * Hk, 5)], Rw = [randomArray(B * S, 6), randomArray(B * S, 7)];
      att.setSource(be().tensor(enc32, [B, S, Hk]), c.lengths);
      const got = qs32.map((q) => {
        const r = att.forward(be().tensor(q, [B, Hq]));
        return { ctx: r.context.toArray(), w: r.weights.toArray() };
      });
      const enc = f64(enc32), qs = qs32.map(f64);
      const ref = reference(type, c, params, enc, qs);
      for (let t = 0; t < 2; t++) {
        expectClose(got[t].ctx, ref[t].ctx, 1e-5, 1e-6);
        expectClose(got[t].w, ref[t].w, 1e-5, 1e-6);
        for (let b = 0; b < B; b++) for (let i = c.lengths[b]; i < S; i++) expect(got[t].w[b * S + i]).toBe(0);
      }
      // Loss = Σₜ Rcₜ·contextₜ + Rwₜ·weightsₜ; steps undone in reverse order.
      att.zeroGrad();
      const dq: Float32Array[] = [];
      for (let t = 1; t >= 0; t--) dq[t] = att.backward(be().tensor(Rc[t], [B, Hk]), be().tensor(Rw[t], [B, S])).toArray() as Float32Array;
      expect(att.pending).toBe(0);
      const dEnc = att.backwardSource().toArray();
      const loss = (p: Params, e: Float64Array, q: Float64Array[]) => {
        let L = 0;
        reference(type, c, p, e, q).forEach((r, t) => {
          for (let i = 0; i < r.ctx.length; i++) L += r.ctx[i] * Rc[t][i];
          for (let i = 0; i < r.w.length; i++) L += r.w[i] * Rw[t][i];
        });
        return L;
      };
      const eps = 1e-6;
      // On the long source, a strided sample of the encoder entries (the rest is the same code path).
      const fd = (x: Float64Array, stride = 1) => {
        const g = new Float64Array(x.length);
        for (let i = 0; i < x.length; i += stride) {
          const old = x[i];
          x[i] = old + eps; const lp = loss(params, enc, qs);
          x[i] = old - eps; const lm = loss(params, enc, qs);
          x[i] = old;
          g[i] = (lp - lm) / (2 * eps);
        }
        return g;
      };
      const tol = [2e-4, 2e-5] as const;
      expectClose(dq[0], fd(qs[0]), ...tol);
      expectClose(dq[1], fd(qs[1]), ...tol);
      const stride = enc.length > 1000 ? 97 : 1;
      const dEncRef = fd(enc, stride);
      const pick = (a: ArrayLike<number>) => Array.from({ length: Math.ceil(a.length / stride) }, (_, j) => a[j * stride]);
      expectClose(pick(dEnc), pick(dEncRef), ...tol);
      for (let b = 0; b < B; b++) for (let i = c.lengths[b] * Hk; i < S * Hk; i++) expect(dEnc[b * S * Hk + i]).toBe(0);
      for (const p of att.parameters) expectClose(p.grad.data, fd(params[p.name]), ...tol);
      att.release();
    });
  });

  it('weights stay valid across steps and setSource resets pending steps', () => {
    const att = new Attention({ type: 'general', querySize: 4, keySize: 3 }, be());
    att.setSource(be().tensor(randomArray(2 * 5 * 3, 1), [2, 5, 3]), [5, 2]);
    const a = att.forward(be().tensor(randomArray(8, 2), [2, 4])).weights.toArray();
    att.forward(be().tensor(randomArray(8, 3), [2, 4]));
    expect(att.pending).toBe(2);
    let s0 = 0; for (let i = 0; i < 5; i++) s0 += a[i];
    expect(s0).toBeCloseTo(1, 5);
    att.setSource(be().tensor(randomArray(2 * 5 * 3, 1), [2, 5, 3]));
    expect(att.pending).toBe(0);
    att.release();
  });

  it.each(types)('%s: selectSource(rows) equals setSource of the gathered rows, values and gradients', (type) => {
    const B = 2, S = 4, H = 5, rows = [1, 0, 1];
    const mk = () => { be().seed(3); return new Attention({ type, querySize: H, keySize: H, attentionSize: 3 }, be()); };
    const a = mk(), b = mk();
    const enc = randomArray(B * S * H, 1), lens = [4, 2];
    a.setSource(be().tensor(enc, [B, S, H]), lens);
    a.selectSource(rows);
    const gathered = new Float32Array(rows.length * S * H);
    rows.forEach((r, i) => gathered.set(enc.subarray(r * S * H, (r + 1) * S * H), i * S * H));
    b.setSource(be().tensor(gathered, [rows.length, S, H]), rows.map((r) => lens[r]));
    const q = be().tensor(randomArray(rows.length * H, 2), [rows.length, H]);
    const ra = a.forward(q), rb = b.forward(q);
    expectClose(ra.context.data, rb.context.data, 1e-6, 1e-7);
    expectClose(ra.weights.data, rb.weights.data, 1e-6, 1e-7);
    a.zeroGrad(); b.zeroGrad();
    const dc = be().tensor(randomArray(rows.length * H, 3), [rows.length, H]);
    expectClose(a.backward(dc).data, b.backward(dc).data, 1e-6, 1e-7);
    expectClose(a.backwardSource().data, b.backwardSource().data, 1e-6, 1e-7);
    a.parameters.forEach((p, i) => expectClose(p.grad.data, b.parameters[i].grad.data, 1e-6, 1e-7));
    expect(() => a.selectSource([2])).toThrow(SeqwasmError);
    a.release(); b.release();
  });

  it('gatherRows kernel: dst row r = src row rows[r]', () => {
    const k = be().kernels, M = 3, W = 7, rows = [2, 0, 2, 1, 1];
    const src = be().tensor(randomArray(M * W, 9), [M, W]);
    const idx = be().tensor(rows, [rows.length], { dtype: 'int32' });
    const dst = be().zeros([rows.length, W]);
    k.gatherRows(dst.ptr, src.ptr, idx.ptr, rows.length, W);
    const want = new Float32Array(rows.length * W);
    rows.forEach((r, i) => want.set(src.data.subarray(r * W, (r + 1) * W), i * W));
    expect(Array.from(dst.data)).toEqual(Array.from(want));
    for (const t of [src, idx, dst]) t.release();
  });

  it('rejects bad input with SeqwasmError', () => {
    const att = new Attention({ type: 'dot', querySize: 4 }, be());
    expect(() => att.forward(be().zeros([2, 4]))).toThrow(SeqwasmError);
    expect(() => att.setSource(be().zeros([2, 5, 3]))).toThrow(SeqwasmError);
    expect(() => att.setSource(be().zeros([2, 5, 4]), [5, 0])).toThrow(SeqwasmError);
    expect(() => att.setSource(be().zeros([2, 5, 4]), [5, 6])).toThrow(SeqwasmError);
    expect(() => att.setSource(be().zeros([2, 5, 4]), [5])).toThrow(SeqwasmError);
    att.setSource(be().zeros([2, 5, 4]), [5, 3]);
    expect(() => att.forward(be().zeros([3, 4]))).toThrow(SeqwasmError);
    expect(() => att.backward(be().zeros([2, 4]))).toThrow(SeqwasmError);
    expect(() => new Attention({ type: 'dot', querySize: 4, keySize: 5 }, be())).toThrow(SeqwasmError);
    expect(() => new Attention({ type: 'bilinear' as AttentionType, querySize: 4 }, be())).toThrow(SeqwasmError);
    att.release();
  });

  it('AttentionalState: tanh(W_c [c; h] + b) and its gradients by finite differences', () => {
    const B = 3, Hc = 5, Hq = 6, O = 7;
    const layer = new AttentionalState(Hc, Hq, O, { bias: true }, be());
    const W = f64(layer.weight.value.data as Float32Array), bias = f64(layer.biasParam!.value.data as Float32Array);
    const c32 = randomArray(B * Hc, 1), h32 = randomArray(B * Hq, 2), R = randomArray(B * O, 3);
    const c = f64(c32), h = f64(h32);
    const ref = () => {
      const y = new Float64Array(B * O);
      for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) {
        let z = bias[o];
        for (let j = 0; j < Hc; j++) z += W[o * (Hc + Hq) + j] * c[b * Hc + j];
        for (let j = 0; j < Hq; j++) z += W[o * (Hc + Hq) + Hc + j] * h[b * Hq + j];
        y[b * O + o] = Math.tanh(z);
      }
      return y;
    };
    const y = layer.forward(be().tensor(c32, [B, Hc]), be().tensor(h32, [B, Hq]));
    expectClose(y.toArray(), ref(), 1e-5, 1e-6);
    layer.zeroGrad();
    const g = layer.backward(be().tensor(R, [B, O]));
    const loss = () => ref().reduce((s, v, i) => s + v * R[i], 0);
    const fd = (x: Float64Array) => x.map((old, i) => {
      x[i] = old + 1e-6; const lp = loss(); x[i] = old - 1e-6; const lm = loss(); x[i] = old;
      return (lp - lm) / 2e-6;
    });
    expectClose(g.dContext.toArray(), fd(c), 2e-4, 2e-5);
    expectClose(g.dQuery.toArray(), fd(h), 2e-4, 2e-5);
    expectClose(layer.weight.grad.data, fd(W), 2e-4, 2e-5);
    expectClose(layer.biasParam!.grad.data, fd(bias), 2e-4, 2e-5);
    expect(() => layer.backward(be().tensor(R, [B, O]))).toThrow(SeqwasmError);
    layer.release();
  });
});
