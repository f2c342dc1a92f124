// Transfer learning: an Embedding built from word2vec vectors saved by gensim
// (test/fixtures/w2v/small.bin) holds exactly those vectors, reports coverage, and stays fixed
// under training when frozen.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { createBackend } from '../../src/node.js';
import { KeyedVectors } from '../../src/w2v/index.js';
import { Embedding } from '../../src/nn/layers.js';
import { SGD } from '../../src/train/index.js';

let be: Backend;
let kv: KeyedVectors;
beforeAll(async () => {
  be = await createBackend({ build: 'simd' });
  kv = KeyedVectors.fromBytes(readFileSync(new URL('../fixtures/w2v/small.bin', import.meta.url)), { binary: true, backend: be });
});

describe('Embedding.fromPretrained', () => {
  it('copies the vectors of known words and reports the others', () => {
    const vocab = ['<pad>', 'the', 'King', 'zzzunknownzzz', 'of'];
    const { embedding, coverage } = Embedding.fromPretrained(kv, vocab, { paddingIdx: 0, lowercaseFallback: true }, be);
    expect(coverage).toEqual({ total: 4, found: 3, ratio: 0.75, missing: ['zzzunknownzzz'] });
    const w = embedding.weight.value.data, d = kv.dim;
    expect(Array.from(w.subarray(0, d))).toEqual(new Array(d).fill(0));
    expect(Array.from(w.subarray(d, 2 * d))).toEqual(Array.from(kv.get('the')));
    expect(Array.from(w.subarray(2 * d, 3 * d))).toEqual(Array.from(kv.get('king')));
    expect(Array.from(embedding.forward([[4]]).data)).toEqual(Array.from(kv.get('of')));
  });

  it('frozen vectors do not move under an optimizer step; trainable ones do', () => {
    for (const freeze of [true, false]) {
      const { embedding } = Embedding.fromPretrained(kv, ['the', 'of'], { freeze }, be);
      const before = embedding.weight.value.toArray();
      const out = embedding.forward([0, 1]);
      embedding.zeroGrad();
      embedding.backward(be.full(out.shape, 1));
      new SGD(embedding.parameters, { lr: 0.5 }).step();
      const moved = embedding.weight.value.toArray().some((v, i) => v !== before[i]);
      expect(moved).toBe(!freeze);
    }
  });

  it('rejects an empty vocabulary and vectors of the wrong size', () => {
    expect(() => Embedding.fromPretrained(kv, [], {}, be)).toThrow(/non-empty array of strings/);
    const bad = { dim: 3, has: () => true, get: () => new Float32Array(2) };
    expect(() => Embedding.fromPretrained(bad, ['a'], {}, be)).toThrow(/has 2 values, expected 3/);
  });
});
