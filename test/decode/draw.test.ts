// drawToken against the distribution it claims: frequencies of many draws against the softmax
// of the scores at the temperature, restricted to the top k and to the nucleus.
import { describe, it, expect } from 'vitest';
import { drawToken } from '../../src/decode/draw.js';
import { rng } from '../helpers.js';

const scores = [1, 2, 0.5, -1, 3, 2]; // ids 1 and 5 tie
const frequencies = (ids: number[], temperature: number, topK: number, topP: number, n = 40000) => {
  const r = rng(17), f = new Array(scores.length).fill(0);
  for (let i = 0; i < n; i++) f[drawToken((v) => scores[v], ids, temperature, topK, topP, r)] += 1 / n;
  return f;
};
/** softmax(score / T) over `support`, zero elsewhere. */
const softmax = (support: number[], temperature: number) => {
  const w = scores.map((s, v) => (support.includes(v) ? Math.exp(s / temperature) : 0));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / z);
};
const all = [0, 1, 2, 3, 4, 5];

describe('drawToken', () => {
  it('draws from softmax(score / temperature) without truncation', () => {
    const f = frequencies(all, 0.7, 0, 1);
    softmax(all, 0.7).forEach((p, v) => expect(Math.abs(f[v] - p), `id ${v}`).toBeLessThan(0.01));
  });

  it('top-k keeps the k highest scores (ties by lower id) and renormalises', () => {
    // Sorted: 4 (3), 1 (2), 5 (2), 0 (1), …: top 2 = {4, 1}.
    const f = frequencies(all, 1, 2, 1);
    softmax([4, 1], 1).forEach((p, v) => expect(Math.abs(f[v] - p), `id ${v}`).toBeLessThan(0.01));
  });

  it('top-p keeps the smallest prefix reaching p, then renormalises', () => {
    const p = softmax(all, 1);
    // p(4) ≈ 0.45, p(1) = p(5) ≈ 0.17: a nucleus of 0.6 needs ids 4 and 1.
    expect(p[4]).toBeLessThan(0.6);
    expect(p[4] + p[1]).toBeGreaterThan(0.6);
    const f = frequencies(all, 1, 0, 0.6);
    softmax([4, 1], 1).forEach((q, v) => expect(Math.abs(f[v] - q), `id ${v}`).toBeLessThan(0.01));
  });

  it('draws only among the ids it is given', () => {
    const f = frequencies([0, 2, 3], 1, 0, 1, 5000);
    expect(f[1] + f[4] + f[5]).toBe(0);
    expect(f[0]).toBeGreaterThan(f[2]);
  });
});
