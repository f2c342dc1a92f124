// KeyedVectors and the word2vec file formats against gensim 4.2's fixtures (test/fixtures/w2v).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/core/backend.js';
import { KeyedVectors, parseText, parseBinary, reprFloat32, Word2Vec } from '../../src/w2v/index.js';
import { SeqwasmError } from '../../src/errors.js';
import { bothBuilds } from '../helpers.js';

const dir = new URL('../fixtures/w2v/', import.meta.url);
const fx = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const q = JSON.parse(readFileSync(new URL('small_queries.json', dir), 'utf8'));
const data = '/work/shared/data/';

let builds: Backend[];
let kvs: KeyedVectors[];
beforeAll(async () => {
  builds = await bothBuilds();
  kvs = builds.map((b) => KeyedVectors.fromBytes(fx('small.bin'), { binary: true, backend: b }));
});

describe('word2vec formats', () => {
  it('text and binary load to identical vectors and write back byte for byte', () => {
    const t = parseText(fx('small.txt')), b = parseBinary(fx('small.bin'));
    expect(t.words.length).toBe(2946);
    expect(t.dim).toBe(16);
    expect(t.words).toEqual(b.words);
    expect(Buffer.from(t.vectors.buffer).equals(Buffer.from(b.vectors.buffer))).toBe(true);
    const kv = kvs[0];
    expect(Buffer.from(kv.toBytes(true)).equals(Buffer.from(fx('small.bin')))).toBe(true);
    expect(Buffer.from(kv.toBytes(false)).equals(Buffer.from(fx('small.txt')))).toBe(true);
  });

  it('UTF-8 words and awkward floats (gensim utf8 fixture)', () => {
    const meta = JSON.parse(readFileSync(new URL('utf8.json', dir), 'utf8'));
    for (const [name, binary] of [['utf8.txt', false], ['utf8.bin', true]] as const) {
      const kv = KeyedVectors.fromBytes(fx(name), { binary, backend: builds[0] });
      expect(kv.words).toEqual(meta.words);
      expect(Array.from(kv.vectors)).toEqual((meta.vectors as number[][]).flat().map((x) => Math.fround(x)));
      expect(Buffer.from(kv.toBytes(binary)).equals(Buffer.from(fx(name)))).toBe(true);
      kv.dispose();
    }
  });

  it('repr of float32 as numpy prints it', () => {
    const cases: Array<[number, string]> = [[0.1, '0.1'], [-0.25, '-0.25'], [1, '1.0'], [0, '0.0'], [-0, '-0.0'],
      [1e-8, '1e-08'], [2.5e10, '25000000000.0'], [1e-4, '1e-04'], [9.9e-5, '9.9e-05'], [1e16, '1e+16'],
      [123456789, '123456790.0'], [123.456, '123.456'], [3e38, '3e+38']];
    for (const [x, s] of cases) expect(reprFloat32(Math.fround(x))).toBe(s);
  });

  it('limit reads only the first entries', () => {
    const lim = JSON.parse(readFileSync(new URL('limit.json', dir), 'utf8'));
    const kv = KeyedVectors.fromBytes(fx('small.bin'), { binary: true, limit: 100, backend: builds[0] });
    expect(kv.size).toBe(lim.count);
    expect(kv.words[0]).toBe(lim.first_word);
    expect(kv.words[99]).toBe(lim.last_word);
    expect(Array.from(kv.get(lim.last_word))).toEqual(lim.last_vector.map((x: number) => Math.fround(x)));
    kv.dispose();
  });

  it('C-tool binary files (newline after each vector) load too', () => {
    const bin = fx('utf8.bin');
    const p = parseBinary(bin);
    // Rebuild with "\n" after each vector, as word2vec.c writes.
    const parts: number[] = [...new TextEncoder().encode('7 3\n')];
    p.words.forEach((w, i) => {
      parts.push(...new TextEncoder().encode(w + ' '));
      parts.push(...new Uint8Array(p.vectors.slice(i * 3, i * 3 + 3).buffer));
      parts.push(10);
    });
    const r = parseBinary(new Uint8Array(parts));
    expect(r.words).toEqual(p.words);
    expect(Array.from(r.vectors)).toEqual(Array.from(p.vectors));
  });

  it('truncated or malformed files give a clear SeqwasmError', () => {
    const bin = fx('small.bin');
    const bad = (f: () => unknown, re: RegExp) => {
      try { f(); } catch (e) { expect(e).toBeInstanceOf(SeqwasmError); expect((e as SeqwasmError).code).toBe('bad_file'); expect((e as Error).message).toMatch(re); return; }
      expect.fail('no error');
    };
    bad(() => parseBinary(bin.subarray(0, bin.length - 5)), /unexpected end of file/);
    bad(() => parseBinary(new Uint8Array(0)), /empty/);
    bad(() => parseText(new TextEncoder().encode('2 3\na 1 2 3\n')), /unexpected end of file/);
    bad(() => parseText(new TextEncoder().encode('2 3\na 1 2 3\nb 1 2\n')), /inconsistent dimensions/);
    bad(() => parseText(new TextEncoder().encode('1 3\na 1 x 3\n')), /not a number/);
    bad(() => parseText(new TextEncoder().encode('x y\n')), /header/);
    bad(() => parseBinary(new Uint8Array([...new TextEncoder().encode('1 1\n'), 0xff, 0xfe, 32, 0, 0, 0, 0])), /UTF-8/);
  });

  it('duplicates keep the first occurrence (gensim)', () => {
    const p = parseText(new TextEncoder().encode('3 1\na 1\nb 2\na 3\n'));
    expect(p.words).toEqual(['a', 'b']);
    expect(Array.from(p.vectors)).toEqual([1, 2]);
  });

  it('save writes through a temporary file and round-trips', async () => {
    const d = mkdtempSync(join(tmpdir(), 'w2v-'));
    const path = join(d, 'v.bin');
    await kvs[0].save(path);
    expect(readdirSync(d)).toEqual(['v.bin']);
    const back = await KeyedVectors.load(path, { backend: builds[0] });
    expect(Buffer.from(back.toBytes(true)).equals(Buffer.from(fx('small.bin')))).toBe(true);
    await kvs[0].save(join(d, 'v.txt'));
    expect(readFileSync(join(d, 'v.txt')).equals(Buffer.from(fx('small.txt')))).toBe(true);
    back.dispose();
    await expect(kvs[0].save(join(d, 'missing-dir', 'x.bin'))).rejects.toThrow(SeqwasmError);
    writeFileSync(join(d, 'empty.txt'), '');
    await expect(KeyedVectors.load(join(d, 'empty.txt'))).rejects.toThrow(/empty/);
  });
});

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(2e-5);
function sameList(ours: Array<[string, number]>, theirs: Array<[string, number]>): void {
  expect(ours.length).toBe(theirs.length);
  ours.forEach(([w, s], i) => {
    close(s, theirs[i][1]);
    // near-ties (within 1e-5) may swap
    if (w !== theirs[i][0]) expect(Math.abs(theirs[i][1] - (theirs.find((t) => t[0] === w)?.[1] ?? -9))).toBeLessThan(1e-5);
  });
}

describe('KeyedVectors answers = gensim on the fixture vectors', () => {
  it('similarity', () => {
    for (const kv of kvs) for (const c of q.similarity) close(kv.similarity(c.args[0], c.args[1]), c.result);
  });
  it('mostSimilar (incl. analogies)', () => {
    for (const kv of kvs) {
      for (const c of [...q.most_similar, ...q.most_similar_analogy]) {
        sameList(kv.mostSimilar({ positive: c.args.positive, negative: c.args.negative, topn: c.args.topn, restrictVocab: c.args.restrict_vocab }), c.result);
      }
    }
  });
  it('mostSimilarCosmul', () => {
    for (const kv of kvs) for (const c of q.most_similar_cosmul) sameList(kv.mostSimilarCosmul({ positive: c.args.positive, negative: c.args.negative, topn: c.args.topn }), c.result);
  });
  it('doesntMatch and rankByCentrality', () => {
    for (const kv of kvs) {
      for (const c of q.doesnt_match) {
        expect(kv.doesntMatch(c.args)).toBe(c.result);
        const r = kv.rankByCentrality(c.args);
        r.forEach(([s, w], i) => { expect(w).toBe(c.rank_by_centrality[i][0]); close(s, c.rank_by_centrality[i][1]); });
      }
    }
  });
  it('evaluateWordAnalogies (sections, quadruplets, totals)', () => {
    const g = q.evaluate_word_analogies;
    for (const kv of kvs) {
      const r = kv.evaluateWordAnalogies(readFileSync(data + 'questions-words.txt', 'utf8'), { restrictVocab: 3000 });
      expect(r.score).toBeCloseTo(g.score, 10);
      expect(r.evaluated).toBe(g.evaluated);
      expect(r.questions).toBe(g.questions_in_file);
      expect(r.skipped).toBe(g.skipped_oov);
      expect(r.sections.map((s) => s.section)).toEqual(g.sections.map((s: { section: string }) => s.section));
      r.sections.forEach((s, i) => {
        expect(s.correct).toEqual(g.sections[i].correct_quadruplets);
        expect(s.incorrect).toEqual(g.sections[i].incorrect_quadruplets);
      });
    }
  });
  it('evaluateWordPairs (Pearson, Spearman, p-values, OOV %)', () => {
    for (const kv of kvs) {
      for (const f of ['wordsim353.tsv', 'simlex999.txt']) {
        const g = q.evaluate_word_pairs[f];
        const r = kv.evaluateWordPairs(readFileSync(data + f, 'utf8'));
        expect(r.pearson).toBeCloseTo(g.pearson.statistic, 5);
        expect(r.spearman).toBeCloseTo(g.spearman.statistic, 5);
        expect(r.pearsonPValue / g.pearson.pvalue).toBeCloseTo(1, 3);
        expect(r.spearmanPValue / g.spearman.pvalue).toBeCloseTo(1, 3);
        expect(r.oovRatio).toBeCloseTo(g.oov_ratio_percent, 10);
      }
    }
  });
  it('unknown words are a SeqwasmError', () => {
    expect(() => kvs[0].similarity('king', 'zzzz-not-a-word')).toThrow(SeqwasmError);
    expect(() => kvs[0].mostSimilar({})).toThrow(/no input/);
  });
});

describe('bad training input', () => {
  it('empty corpus, all words below minCount, a one-shot iterator for several passes', async () => {
    const b = builds[0];
    await expect(Word2Vec.train([], { backend: b })).rejects.toThrow(/empty/);
    await expect(Word2Vec.train([['a', 'b'], ['c']], { backend: b, minCount: 5 })).rejects.toThrow(/no word occurs at least 5 times/);
    function* gen() { yield 'a b c'; }
    await expect(Word2Vec.train(gen(), { backend: b, minCount: 1 })).rejects.toThrow(/one-shot/);
    expect(() => new Word2Vec({ backend: b, vectorSize: 0 })).toThrow(SeqwasmError);
    expect(() => new Word2Vec({ backend: b, negative: 0, hs: false })).toThrow(/no objective/);
    await expect(Word2Vec.train('/nonexistent/corpus.txt', { backend: b })).rejects.toThrow(/cannot read/);
    await expect(Word2Vec.train([['a', 3 as unknown as string]], { backend: b })).rejects.toThrow(SeqwasmError);
  });

  it('trains from a text file, a function of lines and token arrays alike', async () => {
    const d = mkdtempSync(join(tmpdir(), 'w2v-'));
    const lines = ['the cat sat on the mat', 'the dog sat on the log', '  the cat and the dog  '];
    writeFileSync(join(d, 'c.txt'), lines.join('\n') + '\n');
    const opts = { backend: builds[0], minCount: 1, vectorSize: 8, epochs: 2, seed: 4 };
    const a = await Word2Vec.train(join(d, 'c.txt'), opts);
    const b = await Word2Vec.train(() => lines, opts);
    const c = await Word2Vec.train(lines.map((l) => l.trim().split(/\s+/)), opts);
    expect(a.corpusWords).toBe(17);
    expect(Array.from(a.wv.vectors)).toEqual(Array.from(b.wv.vectors));
    expect(Array.from(a.wv.vectors)).toEqual(Array.from(c.wv.vectors));
  });
});

describe('KeyedVectors on a fresh backend', () => {
  it('queries before norms were computed (memory growth must not detach results)', async () => {
    const { createBackend } = await import('../../src/node.js');
    for (let extra = 0; extra < 8; extra++) {
      const b = await createBackend({ build: 'simd' });
      // Fill memory up to its end in varying amounts, so the norms allocation has to grow it.
      const free = b.memoryBytes - b.liveBytes - 4096 * extra - 200000;
      if (free > 0) b.allocator.alloc(free);
      const kv = KeyedVectors.fromBytes(fx('small.bin'), { binary: true, backend: b });
      const r = kv.mostSimilar({ positive: 'king', topn: 3 });
      expect(r[0][0]).toBe('philip');
      expect(Number.isFinite(r[0][1])).toBe(true);
    }
  });
});
