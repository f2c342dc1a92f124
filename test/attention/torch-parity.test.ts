// Parity with PyTorch (OpenNMT-py's GlobalAttention semantics): values and gradients of T steps
// of attention plus Luong's attentional state, from test/fixtures/attention/*.json written by
// tools/torch_attention_golden.py.
import { describe, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { Attention, AttentionalState } from '../../src/nn/attention.js';
import { bothBuilds, expectClose } from '../helpers.js';

interface T { shape: number[]; data: number[] }
let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/attention/${name}.json`, import.meta.url), 'utf8'));

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];
  const t = (x: T) => be().tensor(x.data, x.shape);

  it.each(['dot', 'general', 'concat', 'additive'])('%s attention and the attentional state match PyTorch', (type) => {
    const f = fixture(type);
    const att = new Attention({ type: f.type, querySize: f.querySize, keySize: f.keySize, attentionSize: f.attentionSize }, be());
    att.loadStateDict(f.weights);
    const out = new AttentionalState(f.keySize, f.querySize, f.querySize, { bias: true }, be());
    out.loadStateDict(f.linearOut);
    att.setSource(t(f.encoderOutputs), f.lengths);
    const T = f.queries.length;
    let last = null;
    for (let s = 0; s < T; s++) {
      const r = att.forward(t(f.queries[s]));
      expectClose(r.context.data, f.contexts[s].data, 1e-5, 1e-6);
      expectClose(r.weights.data, f.attn[s].data, 1e-5, 1e-6);
      last = r.context;
    }
    const h = out.forward(last!, t(f.queries[T - 1]));
    expectClose(h.data, f.attentionalState.data, 1e-5, 1e-6);
    att.zeroGrad();
    out.zeroGrad();
    const g = out.backward(t(f.Rh));
    for (let s = T - 1; s >= 0; s--) {
      const dc = t(f.Rc[s]);
      if (s === T - 1) { const d = dc.data; const add = g.dContext.data; for (let i = 0; i < d.length; i++) d[i] += add[i]; }
      const dq = att.backward(dc, t(f.Rw[s])).toArray();
      if (s === T - 1) { const add = g.dQuery.data; for (let i = 0; i < dq.length; i++) dq[i] += add[i]; }
      expectClose(dq, f.gradQueries[s].data, 1e-4, 1e-5);
    }
    expectClose(att.backwardSource().data, f.gradEncoderOutputs.data, 1e-4, 1e-5);
    for (const p of att.parameters) expectClose(p.grad.data, f.grads[p.name].data, 1e-4, 1e-5);
    for (const p of out.parameters) expectClose(p.grad.data, f.gradLinearOut[p.name].data, 1e-4, 1e-5);
    att.release();
    out.release();
  });
});
