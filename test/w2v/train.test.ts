// Training kernels: each objective's step against finite differences of its loss, the noise
// sampler against count^0.75, subsampling against word2vec.c's formula, seeded reproducibility.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { Word2Vec, Vocabulary, aliasTable } from '../../src/w2v/index.js';
import { bothBuilds, rng } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const counts: Array<[string, number]> = words.map((w, i) => [w, 50 - 6 * i]);

async function tiny(backend: Backend, opts: { model: 'cbow' | 'skipgram'; hs: boolean; negative: number; cbowMean?: boolean }): Promise<Word2Vec> {
  const m = new Word2Vec({
    backend, vectorSize: 7, window: 2, sample: 0, minCount: 1, vocabulary: counts, exactSigmoid: true,
    shrinkWindows: false, seed: 3, ...opts,
  });
  await m.buildVocab();
  // Random output vectors too, so every gradient is non-zero.
  const mem = m.memory!;
  const V = m.vocab!.size, d = 7, r = rng(11);
  const f32 = new Float32Array(backend.kernels.memory.buffer);
  for (const [p, rows] of [[mem.syn0, V], [mem.syn1neg, V], [mem.syn1, V - 1]]) {
    if (!p) continue;
    for (let i = 0; i < rows * d; i++) f32[(p >> 2) + i] = (r() - 0.5) * 0.8;
  }
  return m;
}

function sentence(backend: Backend, ids: number[]): number {
  const p = backend.allocator.alloc(ids.length * 4);
  new Int32Array(backend.kernels.memory.buffer, p, ids.length).set(ids);
  return p;
}

const cases = [
  { name: 'skip-gram, negative sampling', model: 'skipgram', hs: false, negative: 3 },
  { name: 'skip-gram, hierarchical softmax', model: 'skipgram', hs: true, negative: 0 },
  { name: 'skip-gram, both', model: 'skipgram', hs: true, negative: 2 },
  { name: 'CBOW mean, negative sampling', model: 'cbow', hs: false, negative: 3, cbowMean: true },
  { name: 'CBOW sum, negative sampling', model: 'cbow', hs: false, negative: 3, cbowMean: false },
  { name: 'CBOW mean, hierarchical softmax', model: 'cbow', hs: true, negative: 0, cbowMean: true },
] as const;

describe('w2v training step = −alpha · gradient of the loss (finite differences)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      for (const b of builds) {
        const m = await tiny(b, c);
        const mem = m.memory!;
        const k = b.kernels;
        // CBOW with the mean: three words and window 2 give every position cw = 2 context words.
        const meanCbow = c.model === 'cbow' && 'cbowMean' in c && c.cbowMean;
        const ids = meanCbow ? [0, 3, 1] : [0, 3, 1, 5, 2];
        const sp = sentence(b, ids);
        const rngPtr = mem.rngOf(mem.ctx);
        const saved = new Uint8Array(k.memory.buffer, rngPtr, 16).slice();
        const restore = () => new Uint8Array(k.memory.buffer, rngPtr, 16).set(saved);
        const loss = (): number => {
          restore();
          mem.lossOf(mem.ctx, true);
          k.w2vTrainSentence(mem.ctx, sp, ids.length, 0, 0);
          return mem.lossOf(mem.ctx, true)[0];
        };
        const V = m.vocab!.size, d = 7;
        const params: Array<[string, number, number]> = [['syn0', mem.syn0, V * d]];
        if (mem.syn1neg) params.push(['syn1neg', mem.syn1neg, V * d]);
        if (mem.syn1) params.push(['syn1', mem.syn1, (V - 1) * d]);
        const f32 = () => new Float32Array(k.memory.buffer);
        // Finite-difference gradient of the loss at the current weights.
        const grads = params.map(([, p, n]) => {
          const g = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const x = f32()[(p >> 2) + i];
            const h = 1e-2;
            f32()[(p >> 2) + i] = x + h; const lp = loss();
            f32()[(p >> 2) + i] = x - h; const lm = loss();
            f32()[(p >> 2) + i] = x;
            g[i] = (lp - lm) / (2 * h);
          }
          return g;
        });
        const before = params.map(([, p, n]) => f32().slice(p >> 2, (p >> 2) + n));
        const alpha = 1e-3;
        restore();
        k.w2vTrainSentence(mem.ctx, sp, ids.length, alpha, 1);
        params.forEach(([name, p, n], j) => {
          const after = f32().slice(p >> 2, (p >> 2) + n);
          let maxAbs = 0;
          for (const v of grads[j]) maxAbs = Math.max(maxAbs, Math.abs(v));
          expect(maxAbs, name).toBeGreaterThan(0);
          for (let i = 0; i < n; i++) {
            // word2vec.c's CBOW with the mean adds the hidden-layer error to each context vector
            // unscaled, i.e. cw (here 2) times the gradient of the mean.
            const expected = -alpha * grads[j][i] * (meanCbow && name === 'syn0' ? 2 : 1);
            const step = after[i] - before[j][i];
            expect(Math.abs(step - expected), `${name}[${i}] step ${step} vs ${expected}`).toBeLessThan(2e-6 + 0.05 * Math.abs(expected));
          }
        });
        m.dispose();
      }
    });
  }
});

describe('w2v sigmoid table', () => {
  it('a score just below MAX_EXP (5.9999995 in f32) stays inside the table', async () => {
    // word2vec.c's index (f + 6)·(1000/12) rounds to 1000 there, one past the last entry.
    for (const b of builds) {
      const m = new Word2Vec({
        backend: b, model: 'skipgram', vectorSize: 4, window: 1, sample: 0, minCount: 1, negative: 1, shrinkWindows: false,
        vocabulary: [['a', 10], ['b', 10]], seed: 1,
      });
      await m.buildVocab();
      const mem = m.memory!;
      const f32 = new Float32Array(b.kernels.memory.buffer);
      f32.fill(0, mem.syn0 >> 2, (mem.syn0 >> 2) + 8);
      f32.fill(0, mem.syn1neg >> 2, (mem.syn1neg >> 2) + 8);
      f32[mem.syn0 >> 2] = Math.fround(5.9999995); // a's input vector
      f32[(mem.syn1neg >> 2) + 4] = 1; // b's output vector: score a·b = 5.9999995
      const sp = sentence(b, [0, 1]);
      mem.lossOf(mem.ctx, true);
      b.kernels.w2vTrainSentence(mem.ctx, sp, 2, 0.1, 1);
      const [loss, n] = mem.lossOf(mem.ctx, true);
      // b's output vector moves by alpha·(1 − σ(6))·6 ≈ 0.0015 towards a; every other score is 0.
      const step = new Float32Array(b.kernels.memory.buffer)[(mem.syn1neg >> 2) + 4] - 1;
      expect(step).toBeGreaterThan(0.001);
      expect(step).toBeLessThan(0.002);
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBeLessThanOrEqual(n * Math.log(2) + 0.01);
      b.allocator.free(sp);
    }
  });
});

describe('w2v hot output rows (threads)', () => {
  const setups = [
    { model: 'skipgram', hs: false, negative: 3 },
    { model: 'cbow', hs: false, negative: 3 },
    { model: 'skipgram', hs: true, negative: 2 },
  ] as const;
  it('training the most-written rows in a private copy, attached and synced around each batch, gives the in-place result', async () => {
    // Two contexts take turns on three batches: A, B, A. A trains with private rows (when asked),
    // B in place, so A's second batch must start from B's changes (the attach) and hand its own
    // back (the syncs). Nobody writes at the same time, so the result must equal in-place
    // training of the same turns, up to the rounding of the deltas. 1,800 words a batch cross the
    // periodic sync; dimension 7 covers the scalar tail; with hierarchical softmax the private
    // rows are the inner nodes 3..5 of 6 (5 is the root).
    for (const b of builds) {
      for (const setup of setups) {
        const run = async (hot: number) => {
          const m = await tiny(b, setup);
          const mem = m.memory!;
          const [ctxA, ctxB] = mem.threadContexts(2);
          b.kernels.rngSeed(mem.rngOf(ctxB), 77);
          mem.setHotRows(ctxA, hot);
          const r = rng(5);
          for (const ctx of [ctxA, ctxB, ctxA]) {
            const ids = Array.from({ length: 1800 }, () => Math.floor(r() * 7));
            const wp = sentence(b, ids), ep = sentence(b, [600, 1200, 1800]);
            b.kernels.w2vTrainBatch(ctx, wp, ep, 3, 0.025, 0.02);
            b.allocator.free(wp); b.allocator.free(ep);
          }
          const f32 = new Float32Array(b.kernels.memory.buffer);
          const out = [mem.syn0, mem.syn1neg, mem.syn1].map((p, i) => (p ? f32.slice(p >> 2, (p >> 2) + [49, 49, 42][i]) : new Float32Array(0)));
          m.dispose();
          return out;
        };
        const init = await tiny(b, setup);
        const f32 = new Float32Array(b.kernels.memory.buffer);
        const start = [init.memory!.syn1neg, init.memory!.syn1].map((p, i) => (p ? f32.slice(p >> 2, (p >> 2) + [49, 42][i]) : new Float32Array(0)));
        init.dispose();
        const inPlace = await run(0);
        const privateRows = await run(3);
        const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((acc, v, i) => Math.max(acc, Math.abs(v - y[i])), 0);
        const what = (i: number) => `${setup.model} hs=${setup.hs} matrix ${i}`;
        inPlace.forEach((w, i) => expect(maxDiff(w, privateRows[i]), what(i)).toBeLessThan(1e-5));
        // The private path did run: the deltas' rounding leaves some bits different.
        const outputs = setup.hs ? 2 : 1;
        expect(Buffer.from(inPlace[outputs].buffer).equals(Buffer.from(privateRows[outputs].buffer)), what(outputs)).toBe(false);
        // Training moved the output rows far more than the tolerance.
        for (const [i, w] of [inPlace[1], inPlace[2]].entries()) if (w.length) expect(maxDiff(w, start[i])).toBeGreaterThan(0.05);
      }
    }
  });
});

describe('w2v sampling', () => {
  it('noise draws follow count^0.75', async () => {
    for (const b of builds) {
      const cnt = [1000, 300, 120, 50, 20, 7, 3, 1];
      const m = new Word2Vec({ backend: b, vectorSize: 4, minCount: 1, model: 'skipgram', vocabulary: cnt.map((c, i) => [`w${i}`, c]) });
      await m.buildVocab();
      {
        const mem = m.memory!;
        const n = 400000;
        const out = b.allocator.alloc(n * 4);
        b.kernels.w2vSampleNoise(mem.ctx, out, n);
        const draws = new Int32Array(b.kernels.memory.buffer, out, n);
        const hist = new Float64Array(cnt.length);
        for (const x of draws) hist[x]++;
        const w = cnt.map((c) => c ** 0.75), z = w.reduce((s, x) => s + x, 0);
        cnt.forEach((_, i) => {
          const p = w[i] / z;
          const sd = Math.sqrt(p * (1 - p) / n);
          expect(Math.abs(hist[i] / n - p), `word ${i}`).toBeLessThan(5 * sd + 1e-9);
        });
      }
    }
  });

  it('alias table is exact in float64', () => {
    const w = new Float64Array([5, 1, 1, 3, 0.5, 7]);
    const t = aliasTable(w);
    const z = w.reduce((s, x) => s + x, 0);
    const p = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const acc = t.thresholds[i] === 0xffffffff ? 1 : t.thresholds[i] / 2 ** 32;
      p[i] += acc / w.length;
      p[t.aliases[i]] += (1 - acc) / w.length;
    }
    for (let i = 0; i < w.length; i++) expect(p[i]).toBeCloseTo(w[i] / z, 8);
  });

  it('subsampling keeps words at word2vec.c\'s rate', async () => {
    const b = builds[0];
    const cnt: Array<[string, number]> = [['x', 60000], ['y', 30000], ['z', 9000], ['r', 1000]];
    const sample = 1e-2;
    const m = new Word2Vec({ backend: b, vectorSize: 4, minCount: 1, sample, vocabulary: cnt, model: 'skipgram', window: 1 });
    await m.buildVocab();
    const total = 100000;
    const t = sample * total;
    for (const [wi, [, c]] of cnt.entries()) {
      const n = 5000;
      const sp = sentence(b, new Array(n).fill(wi));
      let kept = 0;
      const reps = 10;
      for (let r = 0; r < reps; r++) kept += b.kernels.w2vTrainSentence(m.memory!.ctx, sp, n, 0, 0);
      const p = Math.min(1, (Math.sqrt(c / t) + 1) * (t / c));
      const sd = Math.sqrt(p * (1 - p) / (n * reps));
      expect(Math.abs(kept / (n * reps) - p)).toBeLessThanOrEqual(5 * sd + 1e-9);
    }
  });
});

function corpus(): string[][] {
  const r = rng(5), out: string[][] = [];
  for (let s = 0; s < 60; s++) {
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) sent.push(`w${Math.floor(r() ** 2 * 40)}`);
    out.push(sent);
  }
  return out;
}

describe('w2v reproducibility', () => {
  for (const model of ['skipgram', 'cbow'] as const) {
    it(`${model}: one thread and a seed give the same vectors bit for bit`, async () => {
      for (const b of builds) {
        const run = async (seed: number) => {
          const m = await Word2Vec.train(corpus(), { backend: b, model, vectorSize: 12, minCount: 2, epochs: 3, seed, hs: true, sample: 1e-2 });
          const v = m.wv.vectors.slice();
          m.dispose();
          return v;
        };
        const a = await run(7), a2 = await run(7), c = await run(8);
        expect(Buffer.from(a.buffer).equals(Buffer.from(a2.buffer))).toBe(true);
        expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
      }
    });
  }

  it('reports progress with words done, alpha decaying to minAlpha, and a finite loss', async () => {
    const seen: Array<{ wordsDone: number; alpha: number; loss: number }> = [];
    const m = await Word2Vec.train(corpus(), { backend: builds[0], model: 'skipgram', vectorSize: 8, minCount: 1, epochs: 2, alpha: 0.02, minAlpha: 0.001, progressInterval: 0, onProgress: (p) => seen.push(p) });
    const last = seen[seen.length - 1];
    expect(last.wordsDone).toBe(2 * 60 * 40);
    expect(last.alpha).toBeCloseTo(0.001, 6);
    expect(Number.isFinite(last.loss) && last.loss > 0).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i].alpha).toBeLessThanOrEqual(seen[i - 1].alpha);
    m.dispose();
  });
});

describe('w2v vocabulary', () => {
  it('minCount, maxFinalVocab (gensim semantics) and descending counts', () => {
    const c = new Map([['a', 3], ['b', 10], ['c', 5], ['d', 5], ['e', 1]]);
    const v = Vocabulary.fromCounts(c, { minCount: 2 });
    expect(v.words).toEqual(['b', 'c', 'd', 'a']);
    const w = Vocabulary.fromCounts(c, { minCount: 1, maxFinalVocab: 2 });
    // the 3rd most frequent has count 5, so the effective min count is 6
    expect(w.words).toEqual(['b']);
  });

  it('maxVocabSize prunes rare words while counting (gensim\'s prune_vocab)', async () => {
    const lines = [['a', 'a', 'a', 'b', 'c'], ['a', 'd', 'e', 'b'], ['f', 'g', 'a']];
    const m = new Word2Vec({ backend: builds[0], minCount: 1, maxVocabSize: 3, vectorSize: 4 });
    await m.buildVocab(lines);
    expect(m.vocab!.words[0]).toBe('a');
    expect(m.vocab!.size).toBeLessThan(7);
    expect(m.corpusWords).toBe(12);
  });

  it('Huffman codes are prefix-free and frequent words get short codes', () => {
    const v = new Vocabulary(['a', 'b', 'c', 'd', 'e'], [40, 30, 15, 10, 5]);
    const h = v.huffman();
    const codes = v.words.map((_, i) => Array.from(h.codes.subarray(h.offsets[i], h.offsets[i] + h.lengths[i])).join(''));
    for (let i = 0; i < codes.length; i++) for (let j = 0; j < codes.length; j++) if (i !== j) expect(codes[j].startsWith(codes[i])).toBe(false);
    expect(h.lengths[0]).toBeLessThanOrEqual(h.lengths[4]);
    // Every path starts at the root, inner node V−2.
    for (let i = 0; i < 5; i++) expect(h.points[h.offsets[i]]).toBe(3);
  });
});

describe('w2v threads (Hogwild over a shared memory)', () => {
  it('two workers train the same model as one (quality, not bits)', async () => {
    const lines: string[][] = [];
    const r = rng(9);
    // Two topics: words of a topic co-occur.
    for (let s = 0; s < 400; s++) {
      const t = s % 2;
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push(`${t ? 'x' : 'y'}${Math.floor(r() * 10)}`);
      lines.push(sent);
    }
    const m = await Word2Vec.train(lines, { backend: builds[0], model: 'skipgram', vectorSize: 16, minCount: 1, epochs: 5, threads: 2, sample: 0 });
    expect(m.backend).not.toBe(builds[0]); // moved to the shared-memory build
    const wv = m.wv;
    expect(wv.similarity('x1', 'x2')).toBeGreaterThan(wv.similarity('x1', 'y2'));
    const top = wv.mostSimilar({ positive: 'x3', topn: 5 }).map(([w]) => w[0]);
    expect(top.every((c) => c === 'x')).toBe(true);
    m.dispose();
  });
});

describe('w2v token cache', () => {
  it('training from the recorded token ids equals streaming the source, bit for bit', async () => {
    const run = async (cacheTokens: number) => {
      const m = await Word2Vec.train(() => corpus(), { backend: builds[0], model: 'cbow', vectorSize: 8, minCount: 2, epochs: 2, cacheTokens });
      expect(m.cached === null).toBe(cacheTokens < 2400);
      const v = m.wv.vectors.slice();
      m.dispose();
      return v;
    };
    const a = await run(0), b = await run(1 << 20), c = await run(100); // 100: too small, streams
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).toEqual(Array.from(a));
  });
});
