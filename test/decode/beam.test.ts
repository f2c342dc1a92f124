// Beam search, greedy and sampling on a tiny fixed model (V = 5, next-token table indexed by the
// two previous tokens), against brute-force enumeration of every hypothesis.
import { describe, it, expect, beforeAll } from 'vitest';
import { beamSearch, greedy, sample, lengthPenalty, coveragePenalty, type Hypothesis, type LengthPenalty } from '../../src/decode/index.js';
import { SeqwasmError } from '../../src/errors.js';
import type { Backend } from '../../src/core/backend.js';
import { bothBuilds } from '../helpers.js';
import { TableModel, enumerate } from './table-model.js';

const V = 5, EOS = 0, BOS = 1;
const init = (B: number) => Int32Array.from({ length: B }, (_, b) => (b + 2) % V);
const base = (B: number) => ({ initialState: init(B), batchSize: B, bos: BOS, eos: EOS });
const penalties: [string, LengthPenalty, (L: number) => number][] = [
  ['no length penalty', { type: 'none' }, () => 1],
  ['average L^α', { type: 'average', alpha: 1 }, (L) => L],
  ['average L^0.7', { type: 'average', alpha: 0.7 }, (L) => Math.pow(L, 0.7)],
  ['GNMT ((5+L)/6)^α', { type: 'gnmt', alpha: 0.6 }, (L) => Math.pow((5 + L) / 6, 0.6)],
];
const same = (h: Hypothesis, e: { tokens: number[]; score: number }) => {
  expect(h.tokens).toEqual(e.tokens);
  expect(h.score).toBeCloseTo(e.score, 9);
};

describe('beam search against brute force', () => {
  // K = 625 > every candidate count at maxLength 4 (≤ 4³·5), so nothing is ever pruned.
  it.each(penalties)('exhaustive beam, %s: n-best = the enumeration, for every sentence', (_n, lp, f) => {
    for (const seed of [1, 2, 3]) {
      const m = new TableModel(V, seed);
      const B = 3;
      const res = beamSearch(m, { ...base(B), beamSize: 625, nBest: 10, maxLength: 4, lengthPenalty: lp });
      for (let b = 0; b < B; b++) {
        const all = enumerate(m, { init: init(B)[b], bos: BOS, eos: EOS, maxLen: 4, minLen: 0, lp: f });
        expect(res[b].length).toBe(10);
        res[b].forEach((h, i) => same(h, all[i]));
      }
    }
  });

  it.each(penalties)('beam = V (5), %s: early stopping never changes the n-best, and the result is at most the brute-force best', (_n, lp, f) => {
    let saved = 0;
    for (const seed of [4, 5, 6, 7, 8, 9]) {
      const m = new TableModel(V, seed, 3, 1);
      const o = { ...base(2), beamSize: V, nBest: V, maxLength: 6, lengthPenalty: lp };
      const early = beamSearch(m, o);
      const stepsEarly = m.calls.length;
      m.calls = [];
      const full = beamSearch(m, { ...o, earlyStopping: false });
      expect(m.calls.length).toBeGreaterThanOrEqual(stepsEarly);
      saved += m.calls.length - stepsEarly;
      for (let b = 0; b < 2; b++) {
        expect(early[b].map((h) => h.tokens)).toEqual(full[b].map((h) => h.tokens));
        const best = enumerate(m, { init: init(2)[b], bos: BOS, eos: EOS, maxLen: 6, minLen: 0, lp: f })[0];
        expect(early[b][0].score).toBeLessThanOrEqual(best.score + 1e-12);
      }
    }
    // Without a length penalty the rule does stop early here; with one, its bound s / lp(maxLength)
    // is loose (the price of exactness) and these short searches run to the end.
    if (lp.type === 'none') expect(saved).toBeGreaterThan(0);
  });

  it('beam ≥ V is not enough for exactness in general: a search error on a fixed table (pruning, not stopping)', () => {
    // Seed 8, sentence 1, α = 0.7: [4, 1, EOS] is best, but its prefix [4, 1] ranks below the 5
    // live beams at step 2 by raw score and is pruned. 8 beams find it.
    const m = new TableModel(V, 8, 3, 1);
    const lp: LengthPenalty = { type: 'average', alpha: 0.7 };
    const best = enumerate(m, { init: init(2)[1], bos: BOS, eos: EOS, maxLen: 6, minLen: 0, lp: (L) => Math.pow(L, 0.7) })[0];
    expect(best.tokens).toEqual([4, 1, EOS]);
    for (const earlyStopping of [true, false]) {
      expect(beamSearch(m, { ...base(2), beamSize: 5, maxLength: 6, lengthPenalty: lp, earlyStopping })[1][0].tokens).toEqual([1, EOS]);
    }
    same(beamSearch(m, { ...base(2), beamSize: 8, maxLength: 6, lengthPenalty: lp })[1][0], best);
  });

  it('beam = V finds the brute-force best on these tables without a length penalty', () => {
    for (const seed of [4, 5, 6, 7, 8, 9]) {
      const m = new TableModel(V, seed, 3, 1);
      const res = beamSearch(m, { ...base(2), beamSize: V, maxLength: 6 });
      for (let b = 0; b < 2; b++) same(res[b][0], enumerate(m, { init: init(2)[b], bos: BOS, eos: EOS, maxLen: 6, minLen: 0 })[0]);
    }
  });

  it('min length, no-repeat n-grams and coverage penalty, exhaustively', () => {
    const m = new TableModel(V, 11);
    for (const [minLen, ngram, beta] of [[3, 0, 0], [0, 2, 0], [2, 1, 0], [0, 0, 0.3], [2, 2, 0.2]]) {
      const res = beamSearch(m, { ...base(2), beamSize: 625, nBest: 5, maxLength: 4, minLength: minLen, noRepeatNgramSize: ngram,
        coveragePenalty: beta, srcLengths: [3, 3], lengthPenalty: { type: 'gnmt', alpha: 0.5 } });
      for (let b = 0; b < 2; b++) {
        const all = enumerate(m, { init: init(2)[b], bos: BOS, eos: EOS, maxLen: 4, minLen, ngram, beta, lp: (L) => Math.pow((5 + L) / 6, 0.5) });
        res[b].forEach((h, i) => same(h, all[i]));
        for (const h of res[b]) {
          expect(h.tokens.length).toBeGreaterThanOrEqual(Math.min(minLen, 4));
          if (ngram) {
            const grams = new Set<string>();
            for (let i = 0; i + ngram <= h.tokens.length; i++) {
              const g = h.tokens.slice(i, i + ngram).join(',');
              expect(grams.has(g)).toBe(false);
              grams.add(g);
            }
          }
        }
      }
    }
  });
});

describe('banned tokens', () => {
  let backend: Backend;
  beforeAll(async () => { [backend] = await bothBuilds(); });

  it('beam search = brute force over the sequences without them; greedy and sampling never produce them', () => {
    const m = new TableModel(V, 12);
    const res = beamSearch(m, { ...base(2), beamSize: 625, nBest: 5, maxLength: 4, bannedTokens: [3, BOS] });
    for (let b = 0; b < 2; b++) {
      const all = enumerate(m, { init: init(2)[b], bos: BOS, eos: EOS, maxLen: 4, minLen: 0, ngram: 0, beta: 0, lp: () => 1 })
        .filter((e) => !e.tokens.includes(3) && !e.tokens.includes(BOS));
      res[b].forEach((h, i) => same(h, all[i]));
    }
    for (const seed of [31, 32, 33]) {
      const t = new TableModel(V, seed, 3, 1);
      for (const hyp of [...greedy(t, { ...base(4), maxLength: 8, bannedTokens: [3] }), ...sample(t, { ...base(4), maxLength: 8, bannedTokens: [3], seed, backend })]) {
        expect(hyp.tokens).not.toContain(3);
      }
    }
    expect(() => greedy(m, { ...base(1), bannedTokens: [EOS] })).toThrow(/end-of-sequence/);
    expect(() => greedy(m, { ...base(1), bannedTokens: [V] })).toThrow(SeqwasmError);
    expect(() => beamSearch(m, { ...base(1), beamSize: 2, bannedTokens: 3 as never })).toThrow(/bannedTokens must be an array/);
  });
});

describe('beam search behaviour', () => {
  it('beam 1 equals greedy (tokens and log-probabilities), with min length and n-gram blocking too', () => {
    for (const seed of [21, 22, 23, 24]) {
      const m = new TableModel(V, seed, 3, 1);
      for (const extra of [{}, { minLength: 3 }, { noRepeatNgramSize: 2 }, { maxLength: 3 }]) {
        const o = { ...base(4), maxLength: 12, ...extra };
        const g = greedy(m, o);
        const bs = beamSearch(m, { ...o, beamSize: 1 });
        for (let b = 0; b < 4; b++) {
          expect(bs[b][0].tokens).toEqual(g[b].tokens);
          expect(bs[b][0].logProb).toBeCloseTo(g[b].logProb, 9);
          expect(bs[b][0].finished).toBe(g[b].finished);
        }
      }
    }
  });

  it('scores follow the length-penalty formulas; n-best lists are sorted and distinct', () => {
    const m = new TableModel(V, 31, 3, 1);
    for (const [, lp, f] of penalties) {
      const res = beamSearch(m, { ...base(3), beamSize: 6, nBest: 6, maxLength: 8, lengthPenalty: lp });
      for (const list of res) {
        expect(list.length).toBeGreaterThan(1);
        const keys = new Set(list.map((h) => h.tokens.join(',')));
        expect(keys.size).toBe(list.length);
        for (let i = 0; i < list.length; i++) {
          const h = list[i];
          expect(h.score).toBeCloseTo(h.logProb / f(h.tokens.length), 12);
          expect(h.finished).toBe(h.tokens[h.tokens.length - 1] === EOS);
          if (i > 0) expect(list[i - 1].score).toBeGreaterThanOrEqual(h.score);
        }
      }
    }
    expect(lengthPenalty({ type: 'gnmt', alpha: 0.6 }, 7)).toBeCloseTo(Math.pow(2, 0.6), 14);
    expect(lengthPenalty({ type: 'average', alpha: 1 }, 7)).toBe(7);
    expect(lengthPenalty({ type: 'none' }, 7)).toBe(1);
    expect(coveragePenalty(0.2, [0.5, 1.5, 1])).toBeCloseTo(0.2 * Math.log(0.5), 14);
  });

  it('advances all beams of all sentences with one step call per time step', () => {
    const m = new TableModel(V, 41, 3, 1);
    beamSearch(m, { ...base(3), beamSize: 4, maxLength: 7 });
    expect(m.calls.length).toBeGreaterThan(0);
    expect(m.calls.length).toBeLessThanOrEqual(7);
    for (const n of m.calls) expect(n).toBe(12);
  });

  it('relative length limits ⌊a·srcLen + b⌋ and attention carried per hypothesis', () => {
    const m = new TableModel(V, 51, 3, 0.3);
    const res = beamSearch(m, { ...base(2), beamSize: 3, nBest: 3, srcLengths: [2, 3], maxLength: { a: 1.5, b: 0 }, minLength: { a: 1, b: 0 },
      returnAttention: true });
    for (let b = 0; b < 2; b++) {
      for (const h of res[b]) {
        expect(h.tokens.length).toBeLessThanOrEqual(Math.floor(1.5 * [2, 3][b]));
        expect(h.tokens.length).toBeGreaterThanOrEqual([2, 3][b]);
        expect(h.attention!.length).toBe(h.tokens.length);
        let prev = init(2)[b], cur = BOS;
        h.tokens.forEach((tok, i) => {
          const want = Float32Array.from(m.attention(prev, cur)).subarray(0, [2, 3][b]);
          expect(Array.from(h.attention![i])).toEqual(Array.from(want));
          [prev, cur] = [cur, tok];
        });
      }
    }
  });

  it('rejects bad input with SeqwasmError', () => {
    const m = new TableModel(V, 61);
    const bad = (o: object) => expect(() => beamSearch(m, { ...base(2), beamSize: 2, ...o })).toThrow(SeqwasmError);
    bad({ beamSize: 0 });
    bad({ beamSize: 1.5 });
    bad({ maxLength: 3, minLength: 4 });
    bad({ maxLength: 0 });
    bad({ nBest: 3 });
    bad({ eos: V });
    bad({ batchSize: 0 });
    bad({ maxLength: { a: 1, b: 0 } }); // relative limit without srcLengths
    bad({ srcLengths: [1, 2, 3] });
    bad({ maxLength: { a: 1, b: 0 }, minLength: { a: 1, b: 1 }, srcLengths: [3, 3] });
    bad({ coveragePenalty: 0.5 }); // needs srcLengths
    bad({ lengthPenalty: { type: 'gnmt' } });
    bad({ lengthPenalty: { type: 'average', alpha: -1 } });
    expect(() => greedy(m, { ...base(2), maxLength: 2, minLength: 3 })).toThrow(SeqwasmError);
    const broken = { vocabSize: V, step: () => ({ logProbs: new Float32Array(3), state: 0 }), select: () => 0 };
    expect(() => beamSearch(broken, { initialState: 0, batchSize: 1, bos: 1, eos: 0, beamSize: 2 })).toThrow(SeqwasmError);
    const nan = { vocabSize: 2, step: (t: Int32Array) => ({ logProbs: new Float32Array(t.length * 2).fill(NaN), state: 0 }), select: () => 0 };
    expect(() => greedy(nan, { initialState: 0, batchSize: 1, bos: 1, eos: 0 })).toThrow(SeqwasmError);
  });
});

describe('sampling', () => {
  let backend: Backend;
  beforeAll(async () => { backend = (await bothBuilds())[0]; });

  it('is reproducible with a seed, greedy at temperature 0 and with topK 1', () => {
    const m = new TableModel(V, 71, 3, 1);
    const o = { ...base(5), maxLength: 10, backend };
    const a = sample(m, { ...o, seed: 3 }), b = sample(m, { ...o, seed: 3 });
    expect(a.map((h) => h.tokens)).toEqual(b.map((h) => h.tokens));
    const g = greedy(m, o).map((h) => h.tokens);
    expect(sample(m, { ...o, temperature: 0 }).map((h) => h.tokens)).toEqual(g);
    expect(sample(m, { ...o, topK: 1, seed: 5 }).map((h) => h.tokens)).toEqual(g);
    expect(sample(m, { ...o, topP: 1e-9, seed: 5 }).map((h) => h.tokens)).toEqual(g);
  });

  it('draws first tokens with the model\'s probabilities, and only from the top k / nucleus', () => {
    const m = new TableModel(V, 81, 3, 1);
    const B = 20000, o = { initialState: new Int32Array(B).fill(2), batchSize: B, bos: BOS, eos: EOS, maxLength: 1, backend, seed: 9 };
    const probs = Array.from({ length: V }, (_, v) => Math.exp(Math.fround(m.logp(2, BOS, v))));
    const counts = new Array(V).fill(0);
    for (const h of sample(m, o)) counts[h.tokens[0]]++;
    for (let v = 0; v < V; v++) expect(Math.abs(counts[v] / B - probs[v])).toBeLessThan(4 * Math.sqrt(probs[v] * (1 - probs[v]) / B) + 1e-3);
    const order = [...probs.keys()].sort((x, y) => probs[y] - probs[x]);
    const top2 = new Set(order.slice(0, 2));
    for (const h of sample(m, { ...o, topK: 2 })) expect(top2.has(h.tokens[0])).toBe(true);
    const p0 = probs[order[0]];
    for (const h of sample(m, { ...o, topP: p0 + 1e-6 })) expect(top2.has(h.tokens[0])).toBe(true);
    // Temperature → sharper: the top token becomes more frequent.
    const cold = sample(m, { ...o, temperature: 0.5 }).filter((h) => h.tokens[0] === order[0]).length / B;
    expect(cold).toBeGreaterThan(p0);
  });

  it('rejects bad sampling options', () => {
    const m = new TableModel(V, 91);
    for (const bad of [{ temperature: -1 }, { topK: -1 }, { topP: 0 }, { topP: 1.5 }]) {
      expect(() => sample(m, { ...base(1), backend, ...bad })).toThrow(SeqwasmError);
    }
  });
});
