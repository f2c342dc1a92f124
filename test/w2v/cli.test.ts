// `seqwasm word2vec train|query` end to end on a small corpus.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { word2vecCommand } from '../../src/cli/word2vec.js';
import type { CliIO } from '../../src/cli/io.js';

function io(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return {
    out, err,
    stdout: (s) => out.push(s), stderr: (s) => err.push(s),
    readFile: async (p) => readFileSync(p, 'utf8'), readStdin: async () => '',
  };
}

describe('seqwasm word2vec', () => {
  it('trains with word2vec.c options, saves vocab and vectors, and answers queries', async () => {
    const d = mkdtempSync(join(tmpdir(), 'w2v-cli-'));
    const words = ['king', 'queen', 'man', 'woman', 'prince', 'the', 'a', 'of'];
    let text = '';
    for (let i = 0; i < 400; i++) text += words.map((_, j) => words[(i * 7 + j * 3) % words.length]).join(' ') + '\n';
    writeFileSync(join(d, 'c.txt'), text);
    const a = io();
    const code = await word2vecCommand(['train', '-train', join(d, 'c.txt'), '-output', join(d, 'v.bin'), '-size', '16',
      '-cbow', '0', '-binary', '1', '-iter', '2', '-min-count', '1', '-threads', '1', '-save-vocab', join(d, 'vocab.txt'), '-hs', '1'], a);
    expect(a.err.join('')).toMatch(/Vocab size: 8/);
    expect(code).toBe(0);
    expect(a.err.join('')).toMatch(/words\/s/);
    expect(existsSync(join(d, 'v.bin'))).toBe(true);
    expect(readFileSync(join(d, 'vocab.txt'), 'utf8').split('\n')[0]).toMatch(/^\S+ 400$/);
    const b = io();
    expect(await word2vecCommand(['query', '-vectors', join(d, 'v.bin'), '-similar', 'king', '-topn', '3'], b)).toBe(0);
    expect(b.out.length).toBe(3);
    const c = io();
    expect(await word2vecCommand(['train', '-train', join(d, 'c.txt'), '-output', join(d, 'v2.txt'), '-read-vocab', join(d, 'vocab.txt'),
      '-size', '8', '-iter', '1', '-min-count', '1', '-threads', '1', '-quiet'], c)).toBe(0);
    expect(readFileSync(join(d, 'v2.txt'), 'utf8').split('\n')[0]).toBe('8 8');
  });

  it('query: analogies and evaluations on gensim\'s fixture vectors', async () => {
    const v = new URL('../fixtures/w2v/small.bin', import.meta.url).pathname;
    const a = io();
    expect(await word2vecCommand(['query', '-vectors', v, '-analogy', 'man', 'king', 'woman', '-topn', '5'], a)).toBe(0);
    // gensim: most_similar(positive=['king', 'woman'], negative=['man'], topn=5)[0] = emperor
    expect(a.out[0]).toMatch(/^emperor\t0\.9713/);
    const b = io();
    expect(await word2vecCommand(['query', '-vectors', v, '-eval-pairs', '/work/shared/data/wordsim353.tsv',
      '-eval-analogies', '/work/shared/data/questions-words.txt', '-restrict', '3000'], b)).toBe(0);
    const out = b.out.join('');
    expect(out).toMatch(/Total accuracy\s+5\.05%  \(49\/970\)/);
    expect(out).toMatch(/spearman 0\.5275/);
  });

  it('bad options are errors with a message, not exceptions', async () => {
    const a = io();
    expect(await word2vecCommand(['train', '-train', 'x'], a)).toBe(1);
    expect(a.err.join('')).toMatch(/-output FILE is required/);
    const b = io();
    expect(await word2vecCommand(['train', '-train', 'x', '-output', 'y', '-classes', '5'], b)).toBe(1);
    expect(b.err.join('')).toMatch(/unknown option -classes/);
    const c = io();
    expect(await word2vecCommand(['query', '-vectors', '/nonexistent.bin', '-similar', 'a'], c)).toBe(1);
    expect(c.err.join('')).toMatch(/cannot read/);
  });
});
