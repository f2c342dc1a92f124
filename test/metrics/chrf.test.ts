import { describe, expect, it } from 'vitest';
import { CHRF, chrfWords } from '../../src/metrics/chrf.js';
import { SeqwasmError } from '../../src/errors.js';

// Expected numbers copied from mjpost/sacrebleu test/test_chrf.py (commit 27bec349).
const EPS = 1e-4;

describe('chrF with epsilon smoothing (chrF++.py / NLTK style), beta 3', () => {
  const cases: [string[], string[], number][] = [
    [['abcdefg'], ['hijklmnop'], 0.0],
    [['a'], ['b'], 0.0],
    [[''], ['b'], 0.0],
    [[''], ['ref'], 0.0],
    [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [
      [' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
      63.36173,
    ],
    [
      [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      64.1302698,
    ],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100.0],
  ];
  for (const [hyps, refs, expected] of cases) {
    it(`${JSON.stringify(hyps).slice(0, 40)} -> ${expected}`, () => {
      const s = new CHRF({ beta: 3, epsSmoothing: true }).corpusScore(hyps, [refs]).score;
      expect(Math.abs(s - expected)).toBeLessThan(EPS);
    });
  }
});

describe('chrF with effective order (sacreBLEU default), beta 3', () => {
  const cases: [string[], string[], number][] = [
    [['a'], ['a'], 100.0],
    [[''], ['reference'], 0.0],
    [['a b c'], ['a b c'], 100.0],
    [['a b c'], ['abc'], 100.0],
    [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0],
    [['aa'], ['ab'], 25.0],
  ];
  for (const [hyps, refs, expected] of cases) {
    it(`${JSON.stringify(hyps)} -> ${expected}`, () => {
      expect(Math.abs(new CHRF({ beta: 3 }).corpusScore(hyps, [refs]).score - expected)).toBeLessThan(EPS);
    });
  }
});

describe('chrF options', () => {
  it('keeps whitespace when asked', () => {
    const cases: [string, string, number][] = [
      [
        'Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.',
        'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.',
        67.3481606,
      ],
      [
        'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
        'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
        65.2414427,
      ],
    ];
    for (const [hyp, ref, expected] of cases) {
      expect(Math.abs(new CHRF({ beta: 3, whitespace: true }).corpusScore([hyp], [[ref]]).score - expected)).toBeLessThan(EPS);
    }
  });

  it('sentence-level chrF2 with epsilon smoothing', () => {
    const cases: [string, string, number][] = [
      [
        'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
        'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.',
        39.14078509,
      ],
      [
        'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
        'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.',
        31.22557079,
      ],
      [
        'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
        'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.',
        57.15704367,
      ],
    ];
    for (const [hyp, ref, expected] of cases) {
      expect(Math.abs(new CHRF({ epsSmoothing: true }).sentenceScore(hyp, [ref]).score - expected)).toBeLessThan(EPS);
    }
  });

  it('splits punctuation off word ends (or else starts) for chrF++, as sacreBLEU (#124)', () => {
    expect(chrfWords('(hi) "quoted" x. ,y a-b')).toEqual(['(hi', ')', '"quoted', '"', 'x', '.', ',', 'y', 'a-b']);
  });

  it('counts characters as code points and tokens like __proto__ as words', () => {
    const s = new CHRF({ wordOrder: 2 });
    expect(s.corpusStatistics(['😀😀 __proto__'], [['😀 __proto__ constructor']])[0].slice(0, 3)).toEqual([11, 21, 10]); // 2+9 and 1+9+11 code points; 10 unigram matches by hand
    expect(s.name).toBe('chrF2++');
  });

  it('picks the reference with the best F-score', () => {
    const m = new CHRF();
    const best = m.corpusScore(['the cat'], [['a dog'], ['the cat']]).score;
    expect(best).toBeCloseTo(100, 10);
    expect(m.signature()).toMatch(/^nrefs:2\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no\|version:/);
    expect(new CHRF({ wordOrder: 2, epsSmoothing: true, references: [['x']] }).signature(true)).toMatch(
      /^#:1\|c:mixed\|e:no\|nc:6\|nw:2\|s:no\|v:/,
    );
  });

  it('rejects invalid orders and beta', () => {
    expect(() => new CHRF({ charOrder: -1 })).toThrow(SeqwasmError);
    expect(() => new CHRF({ charOrder: 0, wordOrder: 0 })).toThrow(/charOrder \+ wordOrder/);
    expect(() => new CHRF({ beta: Number.NaN })).toThrow(/beta/);
  });
});
