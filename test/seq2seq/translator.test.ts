// Translator: text in, text out; the model directory round-trips exactly (same weights, same
// translations) through files, a directory and fetch; damaged directories and bad input get
// SeqwasmErrors. The CLI: `seq2seq train` writes a directory `translate` reads.
import { describe, it, beforeAll, afterAll, expect } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { Seq2Seq, Vocabulary, Translator, SEQ2SEQ_FILES } from '../../src/seq2seq/index.js';
import { seq2seqCommand, translateCommand } from '../../src/cli/seq2seq.js';
import { SeqwasmError, ErrorCode } from '../../src/errors.js';
import { init } from '../../src/node.js';
import type { Backend } from '../../src/core/backend.js';
import { rng } from '../helpers.js';

let backend: Backend;
let dir: string;
beforeAll(async () => { backend = await init(); dir = mkdtempSync(join(tmpdir(), 'seqwasm-translator-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reversal of letter sequences, word-level: "a b c" → "c b a". */
function pairs(n: number, seed: number): string[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const w = Array.from({ length: 2 + Math.floor(r() * 4) }, () => 'abcdefgh'[Math.floor(r() * 8)]);
    return [w.join(' '), [...w].reverse().join(' ')];
  });
}

function translator(): Translator {
  const data = pairs(50, 1);
  const source = Vocabulary.build(data.map((p) => p[0]), { lowercase: true });
  const target = Vocabulary.build(data.map((p) => p[1]));
  const model = new Seq2Seq({ srcVocabSize: source.size, tgtVocabSize: target.size, embeddingDim: 6, hiddenSize: 8, bidirectional: true, cell: 'LSTM', maxSourceLength: 10, seed: 4 }, backend);
  return new Translator(model, source, target, { note: 'test' });
}

function refusal(f: () => unknown): SeqwasmError {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(SeqwasmError); return e as SeqwasmError; }
  throw new Error('expected an error');
}

describe('Translator', () => {
  it('round-trips through files, a directory and fetch with identical weights and translations', async () => {
    const t = translator();
    const texts = ['A b c', 'h g f e d', 'c'];
    const before = t.translate(texts, { beam: 3, nbest: 2 });
    const sd = t.model.stateDict();
    const check = (u: Translator) => {
      expect(u.info).toEqual({ note: 'test' });
      expect(u.source.lowercase).toBe(true);
      expect(u.model.options).toEqual(t.model.options);
      for (const [k, v] of Object.entries(u.model.stateDict())) expect(Array.from(v.data)).toEqual(Array.from(sd[k].data));
      expect(u.translate(texts, { beam: 3, nbest: 2 })).toEqual(before);
      u.release();
    };
    check(Translator.fromFiles(t.toFiles(), backend));
    const d = join(dir, 'saved');
    await t.save(d);
    expect(readdirSync(d).sort()).toEqual(Object.values(SEQ2SEQ_FILES).sort()); // no temporary files left
    check(await Translator.load(d, backend));
    const server: Server = createServer((req, res) => {
      const f = join(d, (req.url ?? '').replace(/^\/model\//, ''));
      if (!req.url?.startsWith('/model/') || !existsSync(f)) { res.statusCode = 404; res.end(); return; }
      res.end(readFileSync(f));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      check(await Translator.fetch(`http://127.0.0.1:${port}/model`, backend));
      await expect(Translator.fetch(`http://127.0.0.1:${port}/elsewhere/`, backend)).rejects.toThrow(/HTTP 404/);
    } finally {
      server.close();
    }
    expect(before[0][0].text).toBe(t.target.decode(before[0][0].tokens));
    t.release();
  });

  it('refuses damaged directories without leaking a half-loaded model', () => {
    const t = translator();
    const files = t.toFiles();
    t.release();
    const without = (name: string) => Object.fromEntries(Object.entries(files).filter(([k]) => k !== name));
    expect(refusal(() => Translator.fromFiles(without(SEQ2SEQ_FILES.weights), backend)).message).toMatch(/no model.safetensors/);
    const edit = (name: string, f: (s: string) => string) => ({ ...files, [name]: new TextEncoder().encode(f(new TextDecoder().decode(files[name]))) });
    expect(refusal(() => Translator.fromFiles(edit(SEQ2SEQ_FILES.config, (s) => s.replace('"version": 1', '"version": 9')), backend)).message).toMatch(/version 9/);
    expect(refusal(() => Translator.fromFiles(edit(SEQ2SEQ_FILES.config, (s) => s.replace('seqwasm-seq2seq', 'other')), backend)).code).toBe(ErrorCode.badFile);
    expect(refusal(() => Translator.fromFiles(edit(SEQ2SEQ_FILES.config, (s) => s.slice(0, 20)), backend)).message).toMatch(/not valid JSON/);
    expect(refusal(() => Translator.fromFiles(edit(SEQ2SEQ_FILES.config, (s) => s.replace('"hiddenSize": 8', '"hiddenSize": 9')), backend)).code).toBe(ErrorCode.badShape);
    expect(refusal(() => Translator.fromFiles(edit(SEQ2SEQ_FILES.target, (s) => s.replace('"c"', '"zz", "c"')), backend)).message).toMatch(/do not fit the model/);
    expect(refusal(() => Translator.fromFiles({ ...files, [SEQ2SEQ_FILES.weights]: files[SEQ2SEQ_FILES.weights].subarray(0, 100) }, backend)).code).toBe(ErrorCode.badFile);
  });

  it('refuses empty and over-long texts, naming them', () => {
    const t = translator();
    expect(refusal(() => t.translate(['a b', '  '])).message).toMatch(/texts\[1\] has no tokens/);
    expect(refusal(() => t.translate(['a b c d e f g h a b c'])).message).toMatch(/texts\[0\] has 11 tokens, more than the model's maxSourceLength 10/);
    expect(refusal(() => t.translate([])).code).toBe(ErrorCode.badArgument);
    expect(refusal(() => t.translate(['a'], { beam: 0 })).message).toMatch(/beam must be an integer ≥ 1/);
    expect(refusal(() => t.translate(['a'], { beam: 2, sample: {} })).message).toMatch(/beam must be 1/);
    const { svg, translation } = t.heatmap('a b q');
    expect(translation.attention!.length).toBe(translation.tokens.length);
    expect(svg).toContain('>q</text>'); // the source as typed (lower-cased), <unk> or not
    t.release();
  });
});

describe('seqwasm seq2seq train / translate', () => {
  const io = (stdin = '') => {
    const out: string[] = [], err: string[] = [];
    return {
      out, err, io: {
        stdout: (s: string) => { out.push(s); }, stderr: (s: string) => { err.push(s); },
        readFile: async (p: string) => readFileSync(p, 'utf8'), readStdin: async () => stdin,
      },
    };
  };

  it('trains a model directory that translates held-out lines', async () => {
    const data = join(dir, 'pairs.tsv'), model = join(dir, 'model');
    writeFileSync(data, pairs(2000, 2).map((p) => `${p[0]}\t${p[1]}\textra column\n`).join('') + '\n');
    const train = io();
    const code = await seq2seqCommand(['train', '--data', data, '--out', model, '--epochs', '6', '--hidden', '48', '--embedding', '16', '--lr', '3e-3', '--seed', '3'], train.io);
    expect(code).toBe(0);
    expect(train.err.join('')).toMatch(/epoch 6\/6: .*BLEU/);
    const files = readdirSync(model).sort();
    expect(files).toEqual([...Object.values(SEQ2SEQ_FILES), 'history.json', 'training.svg'].sort());
    expect(JSON.parse(readFileSync(join(model, 'history.json'), 'utf8')).length).toBe(6);

    const test = pairs(100, 99);
    const run = io(test.map((p) => p[0]).join('\n') + '\n\n');
    expect(await translateCommand(['--model', model, '--beam', '4'], run.io)).toBe(0);
    const lines = run.out.join('').split('\n');
    expect(lines.length).toBe(test.length + 2); // the empty line comes back empty, then the final newline
    expect(lines[test.length]).toBe('');
    const right = test.filter((p, i) => lines[i] === p[1]).length;
    expect(right / test.length).toBeGreaterThanOrEqual(0.9);

    const nb = io('a b c\nd e\n');
    expect(await translateCommand(['--model', model, '--beam', '3', '--nbest', '2', '--heatmaps', join(dir, 'maps')], nb.io)).toBe(0);
    const rows = nb.out.join('').trim().split('\n').map((l) => l.split(' ||| '));
    expect(rows.map((r) => r[0])).toEqual(['0', '0', '1', '1']);
    expect(Number(rows[0][2])).toBeGreaterThanOrEqual(Number(rows[1][2]));
    expect(readdirSync(join(dir, 'maps')).sort()).toEqual(['1.svg', '2.svg']);
  });

  it('names the offending line and option', async () => {
    const model = join(dir, 'model');
    const long = 'a '.repeat(101);
    await expect(translateCommand(['--model', model], io(`a b\n${long}\n`).io)).rejects.toThrow(/stdin:2 has 101 tokens/);
    await expect(translateCommand(['--model', model, '--beam', '0'], io('a\n').io)).rejects.toThrow(/beam must be an integer ≥ 1/);
    await expect(translateCommand(['--model', model, '--length-penalty', 'gnmt'], io('a\n').io)).rejects.toThrow(/--length-penalty takes/);
    await expect(translateCommand(['--model', join(dir, 'nowhere')], io('a\n').io)).rejects.toThrow(/cannot read/);
    await expect(translateCommand(['--bogus'], io().io)).rejects.toThrow(/Unknown option '--bogus'/);
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'a\tb\nno tab here\n');
    await expect(seq2seqCommand(['train', '--data', bad, '--out', join(dir, 'x')], io().io)).rejects.toThrow(/bad.tsv:2: expected source<TAB>target/);
  });
});
