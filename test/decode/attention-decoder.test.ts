// The decoding interface over a real (random, untrained) attention decoder built from the
// layers: Embedding → GRUCell → Attention → AttentionalState → Linear → log-softmax. Beam
// search's B·K rows come from `select` (state rows) and Attention.selectSource (source rows).
import { describe, it, beforeAll, expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { Attention, AttentionalState, type AttentionType } from '../../src/nn/attention.js';
import { GRUCell } from '../../src/nn/cells.js';
import { Embedding, Linear } from '../../src/nn/layers.js';
import { beamSearch, greedy, type StepModel, type StepOutput } from '../../src/decode/index.js';
import { bothBuilds, randomArray } from '../helpers.js';

interface State { h: Float32Array; src: Int32Array }

class TinyDecoder implements StepModel<State> {
  readonly emb; readonly cell; readonly att; readonly out; readonly proj;
  private selected: Int32Array | null = null;
  constructor(private readonly be: Backend, readonly vocabSize: number, readonly H: number, type: AttentionType) {
    be.seed(7);
    this.emb = new Embedding(vocabSize, 4, {}, be);
    this.cell = new GRUCell({ inputSize: 4, hiddenSize: H }, be);
    this.att = new Attention({ type, querySize: H, keySize: 6, attentionSize: 5 }, be);
    this.out = new AttentionalState(6, H, H, {}, be);
    this.proj = new Linear(H, vocabSize, {}, be);
    // Sharpen the output layer so hypotheses differ clearly.
    const w = this.proj.weight.value.data; for (let i = 0; i < w.length; i++) w[i] *= 6;
  }
  start(enc: Float32Array, B: number, S: number, lengths: number[]): State {
    const e = this.be.tensor(enc, [B, S, 6]);
    this.att.setSource(e, lengths);
    e.release();
    this.selected = null;
    return { h: new Float32Array(B * this.H), src: Int32Array.from({ length: B }, (_, b) => b) };
  }
  step(tokens: Int32Array, state: State): StepOutput<State> {
    const N = tokens.length, be = this.be, k = be.kernels;
    if (this.selected === null || this.selected.length !== N || this.selected.some((v, i) => v !== state.src[i])) {
      this.att.selectSource(state.src);
      this.selected = state.src;
    }
    for (const m of [this.cell, this.att, this.out]) m.resetTape();
    const ids = be.tensor(tokens, [N], { dtype: 'int32' }), h0 = be.tensor(state.h, [N, this.H]);
    const x = this.emb.forward(ids);
    const h = this.cell.forward(x, h0);
    ids.release();
    h0.release();
    const hCopy = h.toArray() as Float32Array;
    const { context, weights } = this.att.forward(h);
    const attention = weights.toArray() as Float32Array;
    const ht = this.out.forward(context, h);
    const logits = this.proj.forward(ht);
    k.logSoftmaxForward(logits.ptr, logits.ptr, N, this.vocabSize);
    return { logProbs: logits.toArray() as Float32Array, state: { h: hCopy, src: state.src }, attention };
  }
  select(state: State, rows: Int32Array): State {
    const H = this.H, h = new Float32Array(rows.length * H);
    rows.forEach((r, i) => h.set(state.h.subarray(r * H, (r + 1) * H), i * H));
    return { h, src: Int32Array.from(rows, (r) => state.src[r]) };
  }
}

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it.each(['general', 'additive', 'dot'] as AttentionType[])('%s: a padded batch decodes as each sentence alone; beam 1 = greedy', (type) => {
    const V = 7, H = type === 'dot' ? 6 : 8, S = 5, lengths = [5, 2, 3], B = 3;
    const model = new TinyDecoder(be(), V, H, type);
    const enc = randomArray(B * S * 6, 3);
    for (let b = 0; b < B; b++) for (let i = lengths[b] * 6; i < S * 6; i++) enc[b * S * 6 + i] = 1e3; // padding must not matter
    const opts = { bos: 1, eos: 0, maxLength: 8, beamSize: 3, nBest: 3, returnAttention: true, srcLengths: lengths };
    const all = beamSearch(model, { ...opts, batchSize: B, initialState: model.start(enc, B, S, lengths) });
    for (let b = 0; b < B; b++) {
      const L = lengths[b];
      const one = beamSearch(model, { ...opts, srcLengths: [L], batchSize: 1, initialState: model.start(enc.slice(b * S * 6, (b * S + L) * 6), 1, L, [L]) });
      expect(all[b].map((h) => h.tokens)).toEqual(one[0].map((h) => h.tokens));
      all[b].forEach((h, i) => expect(h.score).toBeCloseTo(one[0][i].score, 4));
      for (const h of all[b]) for (const row of h.attention!) {
        expect(row.length).toBe(L);
        expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
      }
    }
    const g = greedy(model, { ...opts, batchSize: B, initialState: model.start(enc, B, S, lengths) });
    const b1 = beamSearch(model, { ...opts, nBest: 1, beamSize: 1, batchSize: B, initialState: model.start(enc, B, S, lengths) });
    for (let b = 0; b < B; b++) expect(b1[b][0].tokens).toEqual(g[b].tokens);
  });

  it('attention memory reaches a plateau over repeated decoding', () => {
    const model = new TinyDecoder(be(), 7, 8, 'additive');
    const enc = randomArray(2 * 4 * 6, 5);
    const run = () => beamSearch(model, { bos: 1, eos: 0, maxLength: 6, beamSize: 3, batchSize: 2, initialState: model.start(enc, 2, 4, [4, 2]) });
    for (let i = 0; i < 3; i++) run();
    const before = be().liveBytes;
    for (let i = 0; i < 20; i++) run();
    expect(be().liveBytes).toBe(before);
  });
});
