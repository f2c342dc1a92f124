import { describe, expect, it } from 'vitest';
import { bleuCommand } from '../../src/cli/bleu.js';
import { SeqwasmError } from '../../src/errors.js';

// sacreBLEU's README example (the expected 48.530827 is from sacreBLEU test/test_bleu.py).
const FILES: Record<string, string> = {
  'ref1.txt': 'The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n',
  'ref2.txt': 'The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n',
  'refs.tsv':
    'The dog bit the man.\tThe dog had bit the man.\nIt was not unexpected.\tNo one was surprised.\n' +
    'The man bit him first.\tThe man had bitten the dog.\n',
  'hyp.txt': "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n",
  'other.txt': 'The dog bit the man.\nIt was surprising.\nThe man bit him.\n',
  'short.txt': 'The dog bit the man.\n',
  'bad.tsv': 'a\tb\nc\nd\te\n',
};

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await bleuCommand(argv, {
    stdout: (s) => (out += s),
    stderr: () => undefined,
    readFile: async (p) => {
      if (!(p in FILES)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return FILES[p];
    },
    readStdin: async () => stdin,
  });
  return { code, out };
}

async function error(argv: string[]): Promise<SeqwasmError> {
  try {
    await run(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(SeqwasmError);
    return e as SeqwasmError;
  }
  throw new Error('expected an error');
}

describe('seqwasm bleu', () => {
  it('prints sacreBLEU-style JSON by default', async () => {
    const { code, out } = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt']);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.name).toBe('BLEU');
    expect(j.score).toBe(48.5);
    expect(j.signature).toMatch(/^nrefs:2\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:seqwasm-\d+$/);
    expect(j.nrefs).toBe('2');
    expect(j.verbose_score).toMatch(/^82\.4\/50\.0\/45\.5\/37\.5 \(BP = 0\.943 ratio = 0\.944 hyp_len = 17 ref_len = 18\)$/);
  });

  it('prints text, score only, short signatures and reads stdin', async () => {
    const text = await run(['ref1.txt', 'ref2.txt', '-f', 'text', '-w', '4'], FILES['hyp.txt']);
    expect(text.out).toMatch(/^BLEU\|nrefs:2\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:seqwasm-\d+ = 48\.5308 /);
    expect((await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', '-b', '-w', '6'])).out).toBe('48.530827\n');
    expect((await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', '-f', 'text', '-sh'])).out).toMatch(/^BLEU\|#:2\|c:mixed\|e:no\|tok:13a\|s:exp\|v:/);
  });

  it('reads N tab-separated references with -nr N', async () => {
    const a = await run(['refs.tsv', '-nr', '2', '-i', 'hyp.txt', '-b', '-w', '6']);
    expect(a.out).toBe('48.530827\n');
  });

  it('passes the BLEU options through', async () => {
    const none = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', '-b', '-w', '7', '-tok', 'none']);
    expect(none.out).toBe('49.1919566\n');
    const intl = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', '-f', 'text', '-tok', 'intl', '-lc', '-s', 'floor']);
    expect(intl.out).toContain('|case:lc|eff:no|tok:intl|smooth:floor[0.10]|');
  });

  it('computes several metrics', async () => {
    const { out } = await run(['ref1.txt', '-i', 'hyp.txt', '-m', 'bleu', 'chrf', 'ter', '-f', 'text']);
    const lines = out.trim().split('\n');
    expect(lines.map((l) => l.split('|')[0])).toEqual(['BLEU', 'chrF2', 'TER']);
    expect(JSON.parse((await run(['ref1.txt', '-i', 'hyp.txt', '-m', 'chrf', 'ter'])).out)).toHaveLength(2);
  });

  it('adds a confidence interval with -ci', async () => {
    const { out } = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', '-f', 'text', '-ci', '-cin', '50']);
    expect(out).toMatch(/ = 48\.5 \(μ = \d+\.\d ± \d+\.\d\) /);
    expect(out).toContain('nrefs:2|bs:50|seed:12345|');
  });

  it('prints a table for several systems, with paired tests against the first', async () => {
    const table = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', 'other.txt', '-f', 'text', '-m', 'bleu', 'chrf']);
    expect(table.out).toMatch(/^System\s+BLEU\s+chrF2\n/);
    expect(table.out).toContain('hyp.txt');
    expect(table.out).toContain('other.txt');
    const paired = await run(['ref1.txt', 'ref2.txt', '-i', 'hyp.txt', 'other.txt', '-f', 'text', '--paired-ar', '--paired-ar-n', '99']);
    expect(paired.out).toMatch(/Baseline: hyp\.txt/);
    expect(paired.out).toMatch(/other\.txt .*\(p = \d\.\d{4}\)/);
    expect(paired.out).toContain('nrefs:2|ar:99|seed:12345|');
    const json = JSON.parse((await run(['ref1.txt', '-i', 'hyp.txt', 'other.txt', '--paired-bs', '--paired-bs-n', '50'])).out);
    expect(json.systems[1].BLEU.pValue).toBeGreaterThan(0);
  });

  it('refuses misaligned input, unreadable files and invalid options with clear errors', async () => {
    let e = await error(['ref1.txt', '-i', 'short.txt']);
    expect(e.code).toBe('line_count_mismatch');
    expect(e.message).toContain('short.txt has 1 lines but the references have 3');
    e = await error(['ref1.txt', 'short.txt', '-i', 'hyp.txt']);
    expect(e.code).toBe('line_count_mismatch');
    e = await error(['missing.txt', '-i', 'hyp.txt']);
    expect(e.code).toBe('bad_file');
    expect(e.message).toContain('"missing.txt"');
    e = await error(['bad.tsv', '-nr', '2', '-i', 'hyp.txt']);
    expect(e.message).toContain('line 2: expected 2 tab-separated references, received 1');
    for (const argv of [
      ['ref1.txt', '-i', 'hyp.txt', '-tok', 'moses'],
      ['ref1.txt', '-i', 'hyp.txt', '-m', 'meteor'],
      ['ref1.txt', '-i', 'hyp.txt', '-s', 'bogus'],
      ['ref1.txt', '-i', 'hyp.txt', '-w', 'x'],
      ['ref1.txt', '-i', 'hyp.txt', '-e', 'latin-1'],
      ['ref1.txt', '-i', 'hyp.txt', '--nope'],
      ['ref1.txt', '-i'],
      ['-i', 'hyp.txt'],
      ['ref1.txt', '-i', 'hyp.txt', '--paired-bs'],
    ]) {
      expect((await error(argv)).code, argv.join(' ')).toBe('bad_argument');
    }
  });

  it('prints help', async () => {
    expect((await run(['--help'])).out).toContain('Usage: seqwasm bleu REF');
  });
});
