// Cells: one step against PyTorch's RNNCell/GRUCell/LSTMCell (test/fixtures/rnn/*cell*.json),
// and an unrolled loop of steps differentiated step by step against the whole-sequence layer
// over the same weights (itself checked against PyTorch in recurrent-parity.test.ts).
import { describe, it, beforeAll, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { RNNCell, GRUCell, LSTMCell } from '../../src/nn/cells.js';
import { LSTM, GRU } from '../../src/nn/recurrent.js';
import { bothBuilds, expectClose, randomArray } from '../helpers.js';

interface T { shape: number[]; data: number[] }
let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/rnn/${name}`, import.meta.url), 'utf8'));

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];
  const t = (x: T) => be().tensor(x.data, x.shape);

  it.each(['rnncell_tanh.json', 'rnncell_relu.json', 'grucell.json', 'lstmcell.json'])('%s matches PyTorch', (file) => {
    const c = fixture(file);
    const opts = { inputSize: c.inputSize, hiddenSize: c.hiddenSize, bias: c.bias };
    if (c.mode === 'LSTM') {
      const cell = new LSTMCell(opts, be());
      cell.loadStateDict(c.weights);
      const { h, c: cNext } = cell.forward(t(c.input), { h: t(c.h0), c: t(c.c0) });
      expectClose(h.data, c.output.data, 1e-4, 1e-5);
      expectClose(cNext.data, c.cN.data, 1e-4, 1e-5);
      const g = cell.backward(t(c.Rh), t(c.Rc));
      expectClose(g.dInput.data, c.gradInput.data, 1e-4, 1e-5);
      expectClose(g.dh.data, c.gradH0.data, 1e-4, 1e-5);
      expectClose(g.dc.data, c.gradC0.data, 1e-4, 1e-5);
      for (const p of cell.parameters) expectClose(p.grad.data, c.grads[p.name].data, 1e-4, 1e-5);
    } else {
      const cell = c.mode === 'GRU' ? new GRUCell(opts, be()) : new RNNCell({ ...opts, nonlinearity: c.mode === 'RNN_RELU' ? 'relu' : 'tanh' }, be());
      cell.loadStateDict(c.weights);
      const h = cell.forward(t(c.input), t(c.h0));
      expectClose(h.data, c.output.data, 1e-4, 1e-5);
      const g = cell.backward(t(c.Rh));
      expectClose(g.dInput.data, c.gradInput.data, 1e-4, 1e-5);
      expectClose(g.dh.data, c.gradH0.data, 1e-4, 1e-5);
      for (const p of cell.parameters) expectClose(p.grad.data, c.grads[p.name].data, 1e-4, 1e-5);
    }
  });

  it('an LSTMCell unrolled over T steps equals the LSTM layer, values and gradients', () => {
    const T = 5, B = 3, I = 4, H = 6;
    const layer = new LSTM({ inputSize: I, hiddenSize: H }, be());
    const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, be());
    const sd = layer.stateDict();
    cell.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace('_l0', ''), v])));
    const xs = randomArray(T * B * I, 1), dys = randomArray(T * B * H, 2);
    const x = be().tensor(xs, [T, B, I]);
    const { output } = layer.forward(x);
    layer.zeroGrad();
    const lg = layer.backward(be().tensor(dys, [T, B, H]));
    const outs: number[] = [];
    let state: { h?: Float32Array; c?: Float32Array } = {};
    for (let s = 0; s < T; s++) {
      const xt = be().tensor(xs.subarray(s * B * I, (s + 1) * B * I), [B, I]);
      const r = cell.forward(xt, { h: state.h ? be().tensor(state.h, [B, H]) : undefined, c: state.c ? be().tensor(state.c, [B, H]) : undefined });
      outs.push(...r.h.data);
      state = { h: r.h.toArray() as Float32Array, c: r.c.toArray() as Float32Array };
    }
    expectClose(outs, output.data, 1e-5, 1e-6);
    expect(cell.pending).toBe(T);
    cell.zeroGrad();
    let dh: Float32Array = new Float32Array(B * H), dc: Float32Array = new Float32Array(B * H);
    const dx: number[][] = [];
    for (let s = T - 1; s >= 0; s--) {
      const upstream = dys.subarray(s * B * H, (s + 1) * B * H).map((v, i) => v + dh[i]);
      const g = cell.backward(be().tensor(upstream, [B, H]), be().tensor(dc, [B, H]));
      dx.unshift(Array.from(g.dInput.data));
      dh = g.dh.toArray() as Float32Array;
      dc = g.dc.toArray() as Float32Array;
    }
    expectClose(dx.flat(), lg.dInput.data, 1e-4, 1e-6);
    for (const p of cell.parameters) expectClose(p.grad.data, layer.parameters.find((q) => q.name.replace('_l0', '') === p.name)!.grad.data, 1e-4, 1e-6);
    expect(() => cell.backward(be().tensor(dc, [B, H]))).toThrow(/pending forward/);
  });

  it('GRU layer gradients match central finite differences (float64 loss of a float32 net)', () => {
    const T = 4, B = 2, I = 3, H = 3;
    const gru = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true }, be());
    const xv = randomArray(T * B * I, 3), wv = randomArray(T * B * 2 * H, 4);
    const loss = () => {
      const { output } = gru.forward(be().tensor(xv, [T, B, I]), { lengths: [4, 2] });
      let s = 0;
      for (let i = 0; i < output.size; i++) s += output.data[i] * wv[i];
      return s;
    };
    loss();
    gru.zeroGrad();
    gru.backward(be().tensor(wv, [T, B, 2 * H]), {});
    const h = 1e-2;
    for (const p of gru.parameters) {
      const analytic = p.grad.toArray();
      const numeric = new Float64Array(p.value.size);
      for (let i = 0; i < p.value.size; i++) {
        const v = p.value.data[i];
        p.value.data[i] = v + h; const lp = loss();
        p.value.data[i] = v - h; const lm = loss();
        p.value.data[i] = v;
        numeric[i] = (lp - lm) / (2 * h);
      }
      expectClose(analytic, numeric, 2e-2, 2e-3);
    }
  });
});
