// The token cache: varints of frequency ranks, out-of-vocabulary tokens dropped with each
// sentence's raw length kept, the same batches as streaming the source, and its size in bytes.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { Word2Vec, Vocabulary, MAX_SENTENCE } from '../../src/w2v/index.js';
import { RecordingCounter, batches, readVarints, sentences, varintLength, writeVarint, type Batch, type CorpusSource } from '../../src/w2v/corpus.js';
import { bothBuilds, rng } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

// Written independently of the code under test: 7 bits a byte.
function expectedLength(v: number): number {
  let n = 1;
  while (v >= 128) { v = Math.floor(v / 128); n++; }
  return n;
}

async function record(source: CorpusSource, minCount: number): Promise<{ counter: RecordingCounter; vocab: Vocabulary }> {
  const counter = new RecordingCounter(1 << 26);
  for await (const s of sentences(source)) counter.add(s);
  return { counter, vocab: Vocabulary.fromCounts(counter.countMap(), { minCount }) };
}

async function collect(gen: AsyncGenerator<Batch>): Promise<Array<{ ids: number[]; ends: number[]; raw: number }>> {
  const out = [];
  for await (const b of gen) out.push({ ids: Array.from(b.ids.subarray(0, b.n)), ends: Array.from(b.ends.subarray(0, b.count)), raw: b.raw });
  return out;
}

/** Zipf-like sentences over `distinct` words, some lines empty, one longer than MAX_SENTENCE. */
function zipfCorpus(seed: number, lines: number, distinct: number): string[] {
  const r = rng(seed), out: string[] = [];
  for (let s = 0; s < lines; s++) {
    const len = s === 3 ? 2 * MAX_SENTENCE + 345 : Math.floor(r() * 30);
    const toks: string[] = [];
    for (let i = 0; i < len; i++) toks.push(`w${Math.floor(distinct ** r()) - 1}`);
    out.push(toks.join(' '));
  }
  return out;
}

describe('w2v token cache: varints', () => {
  it('round-trips values at every length boundary, up to 2^31 − 1', () => {
    const values = [0, 1, 127, 128, 129, 16383, 16384, 16385, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1];
    const lengths = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5];
    expect(values.map(varintLength)).toEqual(lengths);
    expect(values.map(expectedLength)).toEqual(lengths);
    const bytes = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
    let pos = 0;
    for (const v of values) pos = writeVarint(bytes, pos, v);
    expect(pos).toBe(bytes.length);
    const out = new Int32Array(values.length + 2);
    expect(readVarints(bytes, 0, out, 1, values.length)).toBe(bytes.length);
    expect(Array.from(out)).toEqual([0, ...values, 0]);
  });

  it('writes the LEB128 bytes of the Protocol Buffers encoding guide (150 → 96 01)', () => {
    const bytes = new Uint8Array(2);
    expect(writeVarint(bytes, 0, 150)).toBe(2);
    expect(Array.from(bytes)).toEqual([0x96, 0x01]);
  });

  it('decodes ranks around 127/128, 16383/16384 and the largest rank of a 20,000-word vocabulary', async () => {
    // Every word once: ranks follow first-seen order (ties keep it), so token i has rank i.
    const V = 20000, words = Array.from({ length: V }, (_, i) => `t${i}`);
    const lines: string[][] = [];
    for (let i = 0; i < V; i += 1000) lines.push(words.slice(i, i + 1000));
    const { counter, vocab } = await record(lines, 1);
    const cached = counter.finish(vocab.index)!;
    const got = (await collect(batches(lines, cached, vocab.index, 10000))).flatMap((b) => b.ids);
    expect(got.length).toBe(V);
    for (const i of [0, 126, 127, 128, 129, 16382, 16383, 16384, 16385, V - 1]) expect(got[i]).toBe(i);
    expect(got).toEqual(words.map((_, i) => i));
    // 20 sentences of 1000 in-vocabulary tokens (2 bytes) and 0 OOV tokens (1 byte).
    expect(cached.bytes.length).toBe(20 * 3 + 128 * 1 + (16384 - 128) * 2 + (V - 16384) * 3);
  });
});

describe('w2v token cache: contents', () => {
  it('drops OOV tokens but keeps every sentence and its raw length: the same batches as streaming', async () => {
    const lines = zipfCorpus(7, 400, 3000);
    const { counter, vocab } = await record(lines, 3);
    const cached = counter.finish(vocab.index)!;
    expect(vocab.size).toBeGreaterThan(128); // two-byte ranks occur
    expect(vocab.size).toBeLessThan(counter.words.length); // and OOV words
    for (const batchWords of [1, 37, 10000]) {
      const fromCache = await collect(batches(lines, cached, vocab.index, batchWords));
      const streamed = await collect(batches(lines, null, vocab.index, batchWords));
      expect(fromCache).toEqual(streamed);
      expect(fromCache.reduce((a, b) => a + b.raw, 0)).toBe(counter.totalWords);
      const kept = fromCache.flatMap((b) => b.ids);
      expect(kept.length).toBe(vocab.retainedWords);
      expect(kept.every((id) => id >= 0 && id < vocab.size)).toBe(true);
    }
    // batchWords 1: one sentence a batch (empty lines are none), the long line cut into
    // MAX_SENTENCE pieces.
    const single = await collect(batches(lines, cached, vocab.index, 1));
    const nonEmpty = lines.filter((l) => l.length > 0).length;
    expect(single.length).toBe(nonEmpty + 2);
    const at = single.findIndex((b) => b.raw === MAX_SENTENCE);
    expect(single.slice(at, at + 3).map((b) => b.raw)).toEqual([MAX_SENTENCE, MAX_SENTENCE, 345]);
  });

  it('reads a recording that spans several 1 MiB chunks', async () => {
    // 1.2M tokens over 100,000 words: about 3 bytes a counter id while counting, so ~3.5 MiB.
    const r = rng(17), lines: string[][] = [];
    for (let s = 0; s < 1200; s++) lines.push(Array.from({ length: 1000 }, () => `w${Math.floor(100000 ** r()) - 1}`));
    const { counter, vocab } = await record(lines, 2);
    const cached = counter.finish(vocab.index)!;
    expect(vocab.size).toBeGreaterThan(16384); // three-byte ranks occur
    expect(await collect(batches(lines, cached, vocab.index, 10000))).toEqual(await collect(batches(lines, null, vocab.index, 10000)));
  });

  it('costs the varints of each sentence header and each in-vocabulary rank, nothing more', async () => {
    const lines = zipfCorpus(11, 300, 20000);
    const m = new Word2Vec({ backend: builds[0], vectorSize: 4, minCount: 2 });
    await m.buildVocab(lines);
    const index = m.vocab!.index;
    expect(m.vocab!.size).toBeGreaterThan(128);
    let expected = 0;
    for await (const s of sentences(lines)) {
      const ranks = s.map((w) => index.get(w)).filter((id): id is number => id !== undefined);
      expected += expectedLength(ranks.length) + expectedLength(s.length - ranks.length);
      for (const id of ranks) expected += expectedLength(id);
    }
    expect(m.cachedBytes).toBe(expected);
    m.dispose();
    const none = new Word2Vec({ backend: builds[0], vectorSize: 4, minCount: 2, cacheTokens: 0 });
    await none.buildVocab(lines);
    expect(none.cachedBytes).toBe(0);
    none.dispose();
  });

  it('trains from the cache as from the source, bit for bit, with multi-byte ranks, OOV words and several batches', async () => {
    const lines = zipfCorpus(13, 1500, 2000);
    for (const model of ['skipgram', 'cbow'] as const) {
      const run = async (cacheTokens: number) => {
        const m = await Word2Vec.train(lines, { backend: builds[1], model, vectorSize: 8, minCount: 3, epochs: 1, cacheTokens });
        expect(m.cached === null).toBe(cacheTokens === 0);
        const v = m.wv.vectors.slice();
        m.dispose();
        return v;
      };
      const streamed = await run(0), cached = await run(1 << 20);
      expect(Array.from(cached)).toEqual(Array.from(streamed));
    }
  });
});
