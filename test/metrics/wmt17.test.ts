// The real WMT17 en-de system outputs against numbers published with sacreBLEU and against NLTK.
import { describe, expect, it } from 'vitest';
import { BLEU } from '../../src/metrics/bleu.js';
import { CHRF } from '../../src/metrics/chrf.js';
import { TER } from '../../src/metrics/ter.js';
import { golden, readGzLines, REF_FILE, SYSTEM_FILES, systemName } from './data.js';

// BLEU of each system as mteval-v13a.pl computes it and sacreBLEU reproduces it (default settings,
// tok:13a, smooth:exp), 2 decimals: the MTEVAL table of mjpost/sacrebleu test.sh (commit 078c4401).
const PUBLISHED_BLEU: Record<string, number> = {
  'C-3MA.4959': 22.67,
  'FBK.4870': 26.33,
  'KIT.4950': 26.08,
  'LIUM-NMT.4900': 26.6,
  'LMU-nmt-reranked.4934': 27.11,
  'LMU-nmt-single.4893': 26.56,
  'PROMT-Rule-based.4735': 16.61,
  'RWTH-nmt-ensemble.4921': 26.02,
  'SYSTRAN.4847': 26.71,
  'TALP-UPC.4834': 21.24,
  'online-A.0': 20.8,
  'online-B.0': 26.65,
  'online-F.0': 15.45,
  'online-G.0': 18.16,
  'uedin-nmt.4722': 28.3,
  'xmu.4910': 26.69,
};

// TER from tercom 7.25 (`java -jar tercom.7.25.jar -r REF -h HYP`), 3 decimals: the TER table of
// the same test.sh.
const PUBLISHED_TER: Record<string, number> = {
  'C-3MA.4959': 0.669,
  'FBK.4870': 0.636,
  'KIT.4950': 0.641,
  'LIUM-NMT.4900': 0.633,
  'LMU-nmt-reranked.4934': 0.618,
  'LMU-nmt-single.4893': 0.626,
  'online-A.0': 0.69,
  'online-B.0': 0.632,
  'online-F.0': 0.756,
  'online-G.0': 0.733,
  'PROMT-Rule-based.4735': 0.752,
  'RWTH-nmt-ensemble.4921': 0.628,
  'SYSTRAN.4847': 0.611,
  'TALP-UPC.4834': 0.685,
  'uedin-nmt.4722': 0.612,
  'xmu.4910': 0.622,
};

// chrF / chrF++ from the official chrF++.py (`-nw 0` and default), 4 decimals, which sacreBLEU
// reproduces with --chrf-eps-smoothing: the CHRF and CHRFPP tables of the same test.sh.
const PUBLISHED_CHRF: Record<string, [number, number]> = {
  'C-3MA.4959': [51.9533, 49.1683],
  'FBK.4870': [54.7152, 52.233],
};

const ref = readGzLines(REF_FILE);
const systems = SYSTEM_FILES.map((f) => ({ file: f, name: systemName(f), hyps: readGzLines(f) }));

describe('WMT17 en-de data', () => {
  it('has 16 systems of 3,004 lines and keeps the BOM of online-A line 1', () => {
    expect(systems).toHaveLength(16);
    for (const s of systems) expect(s.hyps).toHaveLength(3004);
    expect(ref).toHaveLength(3004);
    expect(systems.find((s) => s.name === 'online-A.0')!.hyps[0].codePointAt(0)).toBe(0xfeff);
  });
});

describe('corpus BLEU on WMT17 en-de', () => {
  const bleu = new BLEU({ references: [ref] });
  for (const s of systems) {
    it(`${s.name} equals the published ${PUBLISHED_BLEU[s.name]}`, () => {
      const score = bleu.corpusScore(s.hyps).score;
      expect(Math.abs(score - PUBLISHED_BLEU[s.name])).toBeLessThanOrEqual(0.005 + 1e-9);
    });
  }

  it('intl tokenizer: LIUM-NMT equals mteval-v14 --international-tokenization (26.89, test.sh MTEVAL14)', () => {
    const lium = systems.find((s) => s.name === 'LIUM-NMT.4900')!;
    expect(Math.abs(new BLEU({ tokenize: 'intl' }).corpusScore(lium.hyps, [ref]).score - 26.89)).toBeLessThanOrEqual(0.005);
  });
});

describe('corpus BLEU against NLTK corpus_bleu on the same tokens', () => {
  // NLTK counts a hypothesis shorter than n as having one n-gram of order n, so the comparison uses
  // the segments with at least `min_hyp_tokens` tokens (tools/metrics_golden.py does the same).
  const longEnough = (bleu: BLEU, hyps: string[], refs: string[][]): [string[], string[][]] => {
    const keep = hyps.map((h) => bleu.tokens(h).length >= golden.min_hyp_tokens);
    return [hyps.filter((_, i) => keep[i]), refs.map((r) => r.filter((_, i) => keep[i]))];
  };
  const check = (opts: ConstructorParameters<typeof BLEU>[0], hyps: string[], refs: string[][], expected: number): void => {
    const bleu = new BLEU(opts);
    const [h, r] = longEnough(bleu, hyps, refs);
    expect(bleu.corpusScore(h, r).score).toBeCloseTo(expected, 9);
  };

  for (const s of systems) {
    it(s.name, () => check({}, s.hyps, [ref], golden.wmt17_corpus_bleu_13a[s.file]));
  }

  const lium = systems.find((s) => s.name === 'LIUM-NMT.4900')!;
  const onlineB = systems.find((s) => s.name === 'online-B.0')!;
  it('intl, char and none tokenizers, lowercase', () => {
    const v = golden.wmt17_lium_variants;
    check({ tokenize: 'intl' }, lium.hyps, [ref], v.intl);
    check({ tokenize: 'char' }, lium.hyps, [ref], v.char);
    check({ tokenize: 'none' }, lium.hyps, [ref], v.none);
    check({ lowercase: true }, lium.hyps, [ref], v['13a-lc']);
  });

  it('two reference streams', () => {
    check({}, lium.hyps, [ref, onlineB.hyps], golden.wmt17_lium_variants['2refs']);
  });
});

describe('chrF and chrF++ on WMT17 en-de (published chrF++.py values)', () => {
  for (const [name, [chrf, chrfpp]] of Object.entries(PUBLISHED_CHRF)) {
    it(name, () => {
      const hyps = systems.find((s) => s.name === name)!.hyps;
      expect(Math.abs(new CHRF({ epsSmoothing: true }).corpusScore(hyps, [ref]).score - chrf)).toBeLessThan(1e-4);
      const pp = new CHRF({ epsSmoothing: true, wordOrder: 2 }).corpusScore(hyps, [ref]).score;
      expect(Math.abs(pp - chrfpp)).toBeLessThan(1e-4);
    });
  }
});

describe('TER on WMT17 en-de (published tercom values)', () => {
  const ter = new TER({ references: [ref] });
  for (const s of systems) {
    it(`${s.name} equals tercom's ${PUBLISHED_TER[s.name]}`, () => {
      // tercom rounds to 3 decimals; half a unit of the last place, plus float slack
      expect(Math.abs(ter.corpusScore(s.hyps).score / 100 - PUBLISHED_TER[s.name])).toBeLessThanOrEqual(0.0005 + 1e-9);
    });
  }
});
