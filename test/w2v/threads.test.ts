// Hogwild threads in Node: which runtimes get threads and what the others are told, every worker
// trains, the shared build from a caller's bytes, and a failing corpus leaves no worker behind.
// The Web Worker host runs in Deno and Chromium (test/runtimes/).
import { describe, it, expect, beforeAll, afterEach, vi } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Backend } from '../../src/core/backend.js';
import { SeqwasmError } from '../../src/errors.js';
import { Word2Vec, threadsSupported, createSharedBackend } from '../../src/w2v/index.js';
import { threadsHost, sharedOf } from '../../src/w2v/threads.js';
import { CTX } from '../../src/w2v/context.js';
import { bothBuilds, rng } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });
afterEach(() => { vi.unstubAllGlobals(); });

/** Sentences of 10 words, each from one of three groups (a0..a5, b0..b5, c0..c5). */
function groups(sentences: number, seed: number): string[][] {
  const r = rng(seed);
  return Array.from({ length: sentences }, (_, s) => {
    const g = 'abc'[s % 3];
    return Array.from({ length: 10 }, () => `${g}${Math.floor(r() * 6)}`);
  });
}

describe('w2v threads: where they run', () => {
  class Worker {}
  const cases: Array<[string, Parameters<typeof threadsHost>[0], string | RegExp]> = [
    ['a cross-origin isolated page', { Worker, SharedArrayBuffer, crossOriginIsolated: true }, 'web'],
    ['Deno (no crossOriginIsolated, a process.versions.node)', { Worker, SharedArrayBuffer, process: { versions: { node: '26.3.0' } } }, 'web'],
    ['Node', { SharedArrayBuffer, process: { versions: { node: '20.20.2' } } }, 'node'],
    ['a page without COOP/COEP', { Worker, crossOriginIsolated: false }, /Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/],
    ['Cloudflare Workers with nodejs_compat', { SharedArrayBuffer, navigator: { userAgent: 'Cloudflare-Workers' }, process: { versions: { node: '22.0.0' } } }, /Cloudflare Workers/],
    ['a runtime without SharedArrayBuffer', { Worker }, /SharedArrayBuffer/],
    ['a service worker (isolated, no Worker)', { SharedArrayBuffer, crossOriginIsolated: true }, /Web Workers \(a global Worker\) or Node's worker_threads/],
  ];
  for (const [name, globals, expected] of cases) {
    it(name, () => {
      const h = threadsHost(globals);
      if (typeof expected === 'string') expect(h).toEqual({ host: expected });
      else expect(h.host === null ? h.reason : `host ${h.host}`).toMatch(expected);
    });
  }

  it('Node runs them', () => {
    expect(threadsSupported()).toBe(true);
  });

  it('threads: 2 on a page that is not cross-origin isolated throws a typed error before reading anything', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(threadsSupported()).toBe(false);
    let error: unknown;
    try { new Word2Vec({ backend: builds[0], threads: 2 }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SeqwasmError);
    expect((error as SeqwasmError).code).toBe('bad_argument');
    expect((error as SeqwasmError).message).toMatch(/^threads must be 1 in this runtime, received 2: threads > 1 needs cross-origin isolation/);
    // One thread still works there.
    expect(() => new Word2Vec({ backend: builds[0], threads: 1 })).not.toThrow();
  });
});

describe('w2v threads: training', () => {
  it('every worker trains, and the per-thread counts add up to the totals', async () => {
    // 30,000 words an epoch: three batches, so both workers get work every epoch. The exact
    // sigmoid keeps the loss off the kernel's table edge (a score just below 6 reads one entry
    // past the −log σ table), which this test is not about.
    const lines = groups(3000, 5);
    const m = new Word2Vec({ backend: builds[1], model: 'skipgram', vectorSize: 16, window: 3, negative: 3, minCount: 1, sample: 0, epochs: 2, threads: 2, exactSigmoid: true });
    await m.buildVocab(lines);
    expect(sharedOf(m.backend)).toBeDefined();
    expect(m.backend.build).toBe('relaxed'); // the shared build of the flavour it was given
    const r = await m.train(lines);
    expect(r.perThread).toHaveLength(2);
    for (const t of r.perThread) expect(t.predictions).toBeGreaterThan(0);
    expect(r.perThread[0].predictions + r.perThread[1].predictions).toBe(r.predictions);
    expect(r.perThread[0].loss + r.perThread[1].loss).toBeCloseTo(r.loss, 6);
    const wv = m.wv;
    expect(wv.similarity('a1', 'a2')).toBeGreaterThan(wv.similarity('a1', 'b2') + 0.3);
    // The workers' contexts are kept for the next training, and none keeps private rows on
    // afterwards (the first is also the single-thread path's).
    const mem = m.memory!;
    const ctxs = mem.threadContexts(2);
    expect(ctxs[0]).toBe(mem.ctx);
    await m.train(lines);
    expect(mem.threadContexts(2)).toEqual(ctxs);
    const dv = new DataView(m.backend.kernels.memory.buffer);
    for (const ctx of ctxs) expect([dv.getInt32(ctx + CTX.hot, true), dv.getInt32(ctx + CTX.hsHot, true)]).toEqual([0, 0]);
    m.dispose();
  });

  it('vectors queried before threaded training are queried afresh after it', async () => {
    const lines = groups(900, 9);
    const m = new Word2Vec({ backend: builds[0], model: 'skipgram', vectorSize: 8, minCount: 1, sample: 0, epochs: 1, threads: 2 });
    await m.buildVocab(lines);
    m.wv.similarity('a1', 'a2'); // caches the norms of the initial vectors
    await m.train(lines);
    const v = m.wv.vectors, d = 8, [i, j] = ['a1', 'a2'].map((w) => m.wv.words.indexOf(w));
    let dot = 0, ni = 0, nj = 0;
    for (let k = 0; k < d; k++) { dot += v[i * d + k] * v[j * d + k]; ni += v[i * d + k] ** 2; nj += v[j * d + k] ** 2; }
    expect(m.wv.similarity('a1', 'a2')).toBeCloseTo(dot / Math.sqrt(ni * nj), 5);
    m.dispose();
  });

  it('one thread reports itself as the only worker', async () => {
    const lines = groups(300, 6);
    const m = new Word2Vec({ backend: builds[0], vectorSize: 8, minCount: 1, epochs: 1 });
    const r = await m.train(lines);
    expect(r.perThread).toEqual([{ loss: r.loss, predictions: r.predictions }]);
    m.dispose();
  });

  it('trains on a shared backend made from bytes the caller supplies, and keeps it', async () => {
    const bytes = await readFile(new URL('../../build/seqwasm-shared.wasm', import.meta.url));
    const backend = await createSharedBackend({ module: bytes });
    expect(backend.build).toBe('simd');
    const lines = groups(600, 7);
    const m = new Word2Vec({ backend, model: 'cbow', vectorSize: 8, minCount: 1, sample: 0, epochs: 2, threads: 2 });
    await m.buildVocab(lines);
    expect(m.backend).toBe(backend);
    const r = await m.train(lines);
    expect(r.predictions).toBeGreaterThan(0);
    m.dispose();
  });

  it('rejects a module that is not the shared build, and an unknown build', async () => {
    const normal = await readFile(new URL('../../build/seqwasm.wasm', import.meta.url));
    await expect(createSharedBackend({ module: normal })).rejects.toThrow(
      /expected the shared-memory build \(seqwasm-shared.wasm or seqwasm-shared-relaxed.wasm\), received a module that does not import a memory/);
    await expect(createSharedBackend({ build: 'avx' as never })).rejects.toThrow(/build must be 'simd' or 'relaxed', received "avx"/);
  });

  it('a corpus that fails mid-run rejects train, and the model trains again afterwards', async () => {
    const lines = groups(3000, 8);
    let fail = false;
    const corpus = function* () {
      for (let i = 0; i < lines.length; i++) {
        if (fail && i === 2000) throw new Error('disk gone');
        yield lines[i];
      }
    };
    const m = new Word2Vec({ backend: builds[0], model: 'skipgram', vectorSize: 8, minCount: 1, sample: 0, epochs: 1, threads: 2, cacheTokens: 0 });
    await m.buildVocab(corpus);
    fail = true;
    await expect(m.train(corpus)).rejects.toThrow('disk gone');
    fail = false;
    const r = await m.train(corpus);
    expect(r.perThread.every((t) => t.predictions > 0)).toBe(true);
    m.dispose();
  });
});
