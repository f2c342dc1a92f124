import { describe, expect, it } from 'vitest';
import { BLEU, computeBleu, type BleuOptions } from '../../src/metrics/bleu.js';
import { sumStatistics } from '../../src/metrics/metric.js';
import { SeqwasmError } from '../../src/errors.js';
import { golden } from './data.js';

// Expected numbers below marked "sacreBLEU test_bleu.py" / "test_sentence_bleu.py" are copied from
// mjpost/sacrebleu test/test_bleu.py (commit 785d26bb) and test/test_sentence_bleu.py (27bec349).
const EPS = 1e-8;

/** sacreBLEU's `raw_corpus_bleu`: floor smoothing, no tokenization, effective order. */
const raw = (hyps: string[], refs: string[][], smoothValue?: number): number =>
  new BLEU({ smoothMethod: 'floor', smoothValue, tokenize: 'none', effectiveOrder: true }).corpusScore(hyps, refs).score;

const README_REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const README_HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

describe('corpus BLEU (sacreBLEU test_bleu.py)', () => {
  const cases: [string, string[], BleuOptions, number][] = [
    ['defaults', README_HYPS, {}, 48.530827],
    ['empty hypotheses are scored, not removed', ['', '', ''], {}, 0],
    ['tokenize none', README_HYPS, { tokenize: 'none' }, 49.1919566],
    ['tokenize 13a', README_HYPS, { tokenize: '13a' }, 48.530827],
    ['tokenize intl', README_HYPS, { tokenize: 'intl' }, 43.91623493],
    ['smooth none', README_HYPS, { smoothMethod: 'none' }, 48.530827],
  ];
  for (const [name, hyps, opts, expected] of cases) {
    it(name, () => {
      expect(Math.abs(new BLEU(opts).corpusScore(hyps, README_REFS).score - expected)).toBeLessThan(EPS);
    });
  }

  it('maximum n-gram order 1..6', () => {
    const expected = ['77.65', '60.50', '53.93', '48.53', '46.14', '43.28'];
    expected.forEach((e, i) => {
      expect(new BLEU({ maxNgramOrder: i + 1 }).corpusScore(README_HYPS, README_REFS).score.toFixed(2)).toBe(e);
    });
  });

  it('raw BLEU: no match at all is 0 (#141), identical is 100, one substitution', () => {
    expect(raw(['this is a test', 'another test'], [['ref1', 'ref2']], 0.01)).toBe(0);
    expect(Math.abs(raw(['this is a test'], [['this is a test']], 0.01) - 100)).toBeLessThan(EPS);
    expect(Math.abs(raw(['this is a fest'], [['this is a test']], 0.01) / 100 - 0.223606797749979)).toBeLessThan(EPS);
  });

  it('effective order on hypotheses shorter than 4 tokens', () => {
    expect(Math.abs(raw(['test'], [['a test']], 0.01) / 100 - 0.3678794411714425)).toBeLessThan(EPS);
    expect(Math.abs(raw(['a test'], [['a test']], 0.01) / 100 - 1)).toBeLessThan(EPS);
    expect(Math.abs(raw(['a little test'], [['a test']], 0.01) / 100 - 0.03218297948685433)).toBeLessThan(EPS);
  });

  it('counts and totals', () => {
    const s = new BLEU({ smoothMethod: 'floor', smoothValue: 0.01, tokenize: 'none', effectiveOrder: true }).corpusScore(
      ['am I am a character sequence'],
      [['I am a symbol string sequence a a']],
    );
    expect(s.counts).toEqual([4, 2, 1, 0]);
    expect(s.totals).toEqual([6, 5, 4, 3]);
  });

  it('floor offset 0 gives 0, the default 0.1 gives 0.1555722182', () => {
    const h = ['am I am a character sequence'];
    const r = [['I am a symbol string sequence a a']];
    expect(raw(h, r, 0)).toBe(0);
    expect(Math.abs(raw(h, r) / 100 - 0.1555722182)).toBeLessThan(EPS);
  });

  it('scores sufficient statistics', () => {
    expect(Math.abs(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100 - 0.8375922397)).toBeLessThan(EPS);
  });

  it('degenerate statistics give 0 with floor smoothing', () => {
    const cases: [number[], number[], number, number, number][] = [
      [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0],
      [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0],
      [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0],
      [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0],
      [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
      [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
    ];
    for (const [c, t, sys, ref, offset] of cases) {
      expect(computeBleu(c, t, sys, ref, { smoothMethod: 'floor', smoothValue: offset }).score).toBe(0);
    }
  });
});

describe('sentence BLEU (sacreBLEU test_sentence_bleu.py, #98 and #141)', () => {
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  const cases: [BleuOptions, number][] = [
    [{ smoothMethod: 'exp' }, 8.493],
    [{ smoothMethod: 'none' }, 0.0],
    [{ smoothMethod: 'floor' }, 4.51688],
    [{ smoothMethod: 'floor', smoothValue: 0.1 }, 4.51688],
    [{ smoothMethod: 'floor', smoothValue: 0.5 }, 10.1],
    [{ smoothMethod: 'add-k' }, 14.882],
    [{ smoothMethod: 'add-k', smoothValue: 1 }, 14.882],
    [{ smoothMethod: 'add-k', smoothValue: 2 }, 21.389],
    [{ tokenize: 'none' }, 7.347],
    [{ tokenize: 'intl' }, 8.493],
    [{ tokenize: 'char' }, 40.8759],
    [{ tokenize: 'char', lowercase: true }, 42.0267],
  ];
  for (const [opts, expected] of cases) {
    it(JSON.stringify(opts), () => {
      const score = new BLEU({ ...opts, effectiveOrder: true }).sentenceScore(SYS, [REF]).score;
      expect(Math.abs(score - expected)).toBeLessThan(1e-3);
    });
  }

  it('is 0 with every smoothing when nothing matches', () => {
    for (const smoothMethod of ['exp', 'none', 'floor', 'add-k'] as const) {
      expect(new BLEU({ smoothMethod, effectiveOrder: true }).sentenceScore('this is a cat', ['okay thanks']).score).toBe(0);
    }
  });
});

describe('sentence BLEU against NLTK (method1/2/3 = floor/add-k/exp)', () => {
  for (const row of golden.sentence_bleu) {
    it(row.hyp, () => {
      for (const method of ['floor', 'add-k', 'exp'] as const) {
        const s = new BLEU({ smoothMethod: method }).sentenceScore(row.hyp, row.refs).score;
        expect(s, method).toBeCloseTo(row[method], 9);
      }
    });
  }
});

describe('references', () => {
  it('clips by the maximum count over references and takes the closest length, ties to the shorter', () => {
    // hypothesis of 4 tokens; references of 3 and 5 tokens are equally close -> 3, so BP = 1
    const s = new BLEU({ tokenize: 'none' }).sentenceScore('a a a b', ['a b c', 'a a x y z']);
    expect(s.ref_len).toBe(3);
    expect(s.counts[0]).toBe(3); // 'a' x2 from the second reference, 'b' x1
    expect(s.bp).toBe(1);
  });

  it('skips missing references per segment and reports nrefs:var', () => {
    const bleu = new BLEU();
    const full = bleu.corpusScore(['a b c d', 'e f g h'], [['a b c d', 'x'], ['y', 'e f g h']]);
    expect(bleu.signature()).toContain('nrefs:2|');
    const missing = bleu.corpusScore(['a b c d', 'e f g h'], [['a b c d', 'e f g h'], ['', null]]);
    expect(bleu.signature()).toContain('nrefs:1|');
    expect(missing.score).toBeCloseTo(100, 10);
    const partial = bleu.corpusScore(['a b c d', 'e f g h'], [['a b c d', 'e f g h'], ['q', undefined]]);
    expect(bleu.signature()).toContain('nrefs:var|');
    expect(partial.score).toBeCloseTo(100, 10);
    expect(full.score).toBeCloseTo(100, 10);
  });

  it('refuses a segment whose references are all empty, as sacreBLEU does', () => {
    const err = (() => {
      try {
        new BLEU().corpusScore(['a', 'b'], [['a', '']]);
      } catch (e) {
        return e as SeqwasmError;
      }
    })();
    expect(err).toBeInstanceOf(SeqwasmError);
    expect(err?.code).toBe('empty_reference');
    expect(err?.message).toMatch(/line 2/);
  });

  it('refuses misaligned streams instead of scoring them', () => {
    expect(() => new BLEU().corpusScore(['a', 'b', 'c'], [['a', 'b']])).toThrow(/2 lines but there are 3 hypotheses/);
    const cached = new BLEU({ references: [['a', 'b']] });
    expect(() => cached.corpusScore(['a'])).toThrow(SeqwasmError);
    expect(() => new BLEU().corpusScore(['a'])).toThrow(/expected references/);
    expect(() => new BLEU().corpusScore([], [[]])).toThrow(/at least one line/);
  });

  it('treats tokens named like JavaScript object properties as ordinary tokens', () => {
    const hyp = 'constructor __proto__ toString hasOwnProperty valueOf __proto__';
    const s = new BLEU({ tokenize: 'none' }).sentenceScore(hyp, ['__proto__ constructor toString hasOwnProperty valueOf']);
    expect(s.counts).toEqual([5, 2, 1, 0]); // by hand: bigrams (toString hasOwnProperty), (hasOwnProperty valueOf)
    expect(s.totals).toEqual([6, 5, 4, 3]);
    expect(new BLEU({ tokenize: 'none' }).sentenceScore('__proto__', ['toString']).counts[0]).toBe(0);
  });

  it('a reference cache gives the same statistics as passing references', () => {
    const cached = new BLEU({ references: README_REFS });
    expect(cached.corpusStatistics(README_HYPS)).toEqual(new BLEU().corpusStatistics(README_HYPS, README_REFS));
  });
});

describe('sufficient statistics', () => {
  it('sum across shards to the corpus score', () => {
    const bleu = new BLEU({ references: README_REFS });
    const all = bleu.corpusScore(README_HYPS);
    const stats = bleu.corpusStatistics(README_HYPS);
    const shards = [sumStatistics(stats.slice(0, 1)), sumStatistics(stats.slice(1))];
    const merged = bleu.scoreFromStatistics(sumStatistics(shards));
    expect(merged).toEqual(all);
    expect(stats[0]).toHaveLength(10); // [hyp_len, ref_len, correct x4, total x4]
  });

  it('rejects statistics of the wrong length', () => {
    expect(() => new BLEU().scoreFromStatistics([1, 2, 3])).toThrow(/length 10.*received length 3/);
  });

  it('add-k counts and totals include the added k, as sacreBLEU reports them', () => {
    const s = computeBleu([2, 1, 0, 0], [3, 2, 1, 0], 3, 3, { smoothMethod: 'add-k' });
    expect(s.counts).toEqual([2, 2, 1, 1]);
    expect(s.totals).toEqual([3, 3, 2, 1]);
  });
});

describe('signature and options', () => {
  it('formats like sacreBLEU, long and short', () => {
    const bleu = new BLEU({ references: README_REFS });
    expect(bleu.signature()).toMatch(/^nrefs:2\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:seqwasm-\d+$/);
    expect(bleu.signature(true)).toMatch(/^#:2\|c:mixed\|e:no\|tok:13a\|s:exp\|v:seqwasm-\d+$/);
    const floor = new BLEU({ references: README_REFS, smoothMethod: 'floor', lowercase: true, effectiveOrder: true, tokenize: 'intl' });
    expect(floor.signature()).toMatch(/^nrefs:2\|case:lc\|eff:yes\|tok:intl\|smooth:floor\[0\.10\]\|/);
    expect(new BLEU({ references: README_REFS, smoothMethod: 'add-k', smoothValue: 2 }).signature()).toContain('smooth:add-k[2.00]');
    expect(bleu.signature(false, { bootstrap: 1000, seed: 12345 })).toContain('nrefs:2|bs:1000|seed:12345|case:mixed');
  });

  it('needs references before it can sign', () => {
    expect(() => new BLEU().signature()).toThrow(SeqwasmError);
  });

  it('rejects invalid options with what was expected', () => {
    expect(() => new BLEU({ smoothMethod: 'bogus' as 'exp' })).toThrow(/smoothMethod: expected one of none, floor, add-k, exp, received "bogus"/);
    expect(() => new BLEU({ smoothValue: -1 })).toThrow(/smoothValue/);
    expect(() => new BLEU({ maxNgramOrder: 0 })).toThrow(/maxNgramOrder/);
    expect(() => new BLEU({ tokenize: 'moses' as '13a' })).toThrow(/tokenizer/);
  });
});
