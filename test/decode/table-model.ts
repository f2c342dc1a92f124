// A tiny fixed model for decoding tests: the next token's log-probabilities are a random table
// indexed by the two previous tokens (the state holds the one before the token fed), so a wrong
// reordering of states changes the results. It also returns a fake attention row (S source
// positions) per step, fixed per (previous, current) token pair.
import type { StepModel, StepOutput } from '../../src/decode/index.js';
import { rng } from '../helpers.js';

export class TableModel implements StepModel<Int32Array> {
  readonly table: Float64Array;
  readonly att: Float64Array;
  calls: number[] = [];
  constructor(readonly vocabSize: number, seed: number, readonly S = 3, sharpness = 2) {
    const V = vocabSize, r = rng(seed);
    this.table = new Float64Array(V * V * V);
    this.att = new Float64Array(V * V * S);
    for (let i = 0; i < V * V; i++) {
      let m = -Infinity;
      const z = Array.from({ length: V }, () => sharpness * (2 * r() - 1));
      for (const x of z) m = Math.max(m, x);
      const lse = m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
      for (let v = 0; v < V; v++) this.table[i * V + v] = z[v] - lse;
      const e = Array.from({ length: S }, () => Math.exp(2 * r()));
      const tot = e.reduce((a, b) => a + b, 0);
      for (let s = 0; s < S; s++) this.att[i * S + s] = e[s] / tot;
    }
  }
  logp(prev: number, cur: number, v: number): number { return this.table[(prev * this.vocabSize + cur) * this.vocabSize + v]; }
  attention(prev: number, cur: number): Float64Array { const i = prev * this.vocabSize + cur; return this.att.subarray(i * this.S, (i + 1) * this.S); }
  step(tokens: Int32Array, state: Int32Array): StepOutput<Int32Array> {
    const V = this.vocabSize, N = tokens.length;
    if (state.length !== N) throw new Error(`state has ${state.length} rows, tokens ${N}`);
    this.calls.push(N);
    const logProbs = new Float32Array(N * V), attention = new Float32Array(N * this.S);
    for (let r = 0; r < N; r++) {
      for (let v = 0; v < V; v++) logProbs[r * V + v] = this.logp(state[r], tokens[r], v);
      attention.set(this.attention(state[r], tokens[r]), r * this.S);
    }
    return { logProbs, state: Int32Array.from(tokens), attention };
  }
  select(state: Int32Array, rows: Int32Array): Int32Array { return Int32Array.from(rows, (r) => state[r]); }
}

export interface Enumerated { tokens: number[]; logProb: number; score: number; finished: boolean }

/**
 * Every hypothesis a decoder may return (ending in EOS with minLen ≤ L ≤ maxLen, or cut at maxLen
 * without EOS), respecting no-repeat n-grams, with score = logProb / lp(L) + cp; best first.
 * Scores use the float32-rounded table, as the model returns it.
 */
export function enumerate(m: TableModel, o: { init: number; bos: number; eos: number; maxLen: number; minLen: number; ngram?: number;
  lp?: (L: number) => number; beta?: number }): Enumerated[] {
  const out: Enumerated[] = [];
  const V = m.vocabSize, f32 = (x: number) => Math.fround(x);
  const repeats = (t: number[], n: number) => {
    if (!n) return false;
    const seen = new Set<string>();
    for (let i = 0; i + n <= t.length; i++) { const k = t.slice(i, i + n).join(','); if (seen.has(k)) return true; seen.add(k); }
    return false;
  };
  const walk = (tokens: number[], logProb: number, prev: number, cur: number, cov: number[]) => {
    const L = tokens.length;
    if (L > 0) {
      const ended = tokens[L - 1] === o.eos;
      if (ended || L === o.maxLen) {
        if (ended && L < o.minLen) return;
        const cp = o.beta ? o.beta * cov.reduce((a, c) => a + Math.log(Math.min(c, 1)), 0) : 0;
        out.push({ tokens: [...tokens], logProb, score: logProb / (o.lp ? o.lp(L) : 1) + cp, finished: ended });
        return;
      }
    }
    const a = m.attention(prev, cur);
    for (let v = 0; v < V; v++) {
      const next = [...tokens, v];
      if (repeats(next, o.ngram ?? 0)) continue;
      walk(next, logProb + f32(m.logp(prev, cur, v)), cur, v, cov.map((c, i) => c + Math.fround(a[i])));
    }
  };
  walk([], 0, o.init, o.bos, new Array(m.S).fill(0));
  return out.sort((x, y) => y.score - x.score);
}
