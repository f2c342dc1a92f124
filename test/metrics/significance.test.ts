import { describe, expect, it } from 'vitest';
import { BLEU } from '../../src/metrics/bleu.js';
import {
  bootstrapConfidence,
  estimateCi,
  pairedBootstrap,
  pairedRandomization,
  pairedTest,
  seededRandom,
} from '../../src/metrics/significance.js';
import { SeqwasmError } from '../../src/errors.js';
import { readGzLines, REF_FILE, SYSTEM_FILES, systemName } from './data.js';

// p-values against the baseline LIUM-NMT.4900 on WMT17 en-de, BLEU with tok:none, from
// mjpost/sacrebleu test/test_significance.py (commit 880ce6fe): MOSES_P_VALS (Moses' paired
// bootstrap, 2000 samples, mean of 3 runs) and MULTEVAL_P_VALS (multeval's approximate
// randomization, 10,000 trials; BLEU column).
const MOSES_BS: Record<string, number> = {
  'FBK.4870': 0.01267,
  'KIT.4950': 0.02233,
  'LMU-nmt-single.4893': 0.20783,
  'online-B.0': 0.381,
  'SYSTRAN.4847': 0.20983,
  'xmu.4910': 0.25483,
};
const MULTEVAL_AR: Record<string, number> = {
  'FBK.4870': 0.0218,
  'KIT.4950': 0.041,
  'LMU-nmt-single.4893': 0.58494,
  'online-B.0': 0.94111,
  'SYSTRAN.4847': 0.59914,
  'xmu.4910': 0.71073,
};
// Our generator is not numpy's, so the draws differ: allow about 3 standard errors of a p-value
// near 0.2 estimated from 2000 resamples (sqrt(0.2 * 0.8 / 2000) = 0.009).
const P_TOLERANCE = 0.025;

const ref = readGzLines(REF_FILE);
const byName = new Map(SYSTEM_FILES.map((f) => [systemName(f), readGzLines(f)]));
const bleu = new BLEU({ tokenize: 'none', references: [ref] });
const baselineStats = bleu.corpusStatistics(byName.get('LIUM-NMT.4900')!);

describe('paired tests on WMT17 en-de against Moses and multeval', () => {
  for (const name of Object.keys(MOSES_BS)) {
    it(`${name}: paired bootstrap p ≈ ${MOSES_BS[name]}, approximate randomization p ≈ ${MULTEVAL_AR[name]}`, () => {
      const stats = bleu.corpusStatistics(byName.get(name)!);
      const bs = pairedBootstrap(bleu, baselineStats, stats, { nSamples: 2000 });
      expect(Math.abs(bs.pValue! - MOSES_BS[name])).toBeLessThan(P_TOLERANCE);
      const ar = pairedRandomization(bleu, baselineStats, stats, { nSamples: 10000 });
      expect(Math.abs(ar.pValue! - MULTEVAL_AR[name])).toBeLessThan(P_TOLERANCE);
    });
  }

  it('a clearly better system gets the smallest p-value possible, 1/(n+1)', () => {
    const stats = bleu.corpusStatistics(byName.get('uedin-nmt.4722')!);
    expect(pairedBootstrap(bleu, baselineStats, stats, { nSamples: 1000 }).pValue).toBeCloseTo(1 / 1001, 12);
    expect(pairedRandomization(bleu, baselineStats, stats, { nSamples: 999 }).pValue).toBeCloseTo(1 / 1000, 12);
  });
});

describe('reproducibility and the CI formula', () => {
  it('the same seed gives the same results, another seed other draws', () => {
    const stats = bleu.corpusStatistics(byName.get('SYSTRAN.4847')!);
    const a = pairedBootstrap(bleu, baselineStats, stats, { nSamples: 300, seed: 7 });
    const b = pairedBootstrap(bleu, baselineStats, stats, { nSamples: 300, seed: 7 });
    const c = pairedBootstrap(bleu, baselineStats, stats, { nSamples: 300, seed: 8 });
    expect(b).toEqual(a);
    expect(c.mean).not.toBe(a.mean);
    const r = seededRandom(12345);
    const first = [r(), r(), r()];
    const r2 = seededRandom(12345);
    expect([r2(), r2(), r2()]).toEqual(first);
  });

  it('estimateCi takes the 1/40 and 39/40 order statistics (sacreBLEU estimate_ci)', () => {
    const scores = Array.from({ length: 40 }, (_, i) => 40 - i); // 40 .. 1, unsorted on purpose
    // n // 40 = 1 -> sorted[1] = 2 and sorted[38] = 39; half-width (39 - 2) / 2
    expect(estimateCi(scores)).toEqual({ mean: 20.5, ci: 18.5 });
  });

  it('bootstrap confidence interval of a WMT17 system is centred on its score', () => {
    const r = bootstrapConfidence(new BLEU(), byName.get('LIUM-NMT.4900')!, [ref], { nSamples: 300 });
    expect(r.score.score).toBeCloseTo(26.5958, 3);
    expect(Math.abs(r.mean - r.score.score)).toBeLessThan(0.15);
    expect(r.ci).toBeGreaterThan(0.3);
    expect(r.ci).toBeLessThan(1.0);
    expect(r.nSamples).toBe(300);
    expect(r.seed).toBe(12345);
  });

  it('pairedTest puts the baseline first with a CI and no p-value', () => {
    const systems = ['LIUM-NMT.4900', 'online-B.0'].map((name) => ({ name, hyps: byName.get(name)! }));
    const [base, other] = pairedTest(systems, [bleu], undefined, { test: 'bs', nSamples: 200 });
    expect(base.name).toBe('LIUM-NMT.4900');
    expect(base.results[0].pValue).toBeUndefined();
    expect(base.results[0].ci).toBeGreaterThan(0);
    expect(other.results[0].pValue).toBeGreaterThan(0.05);
  });

  it('rejects bad counts and mismatched systems', () => {
    expect(() => pairedBootstrap(bleu, baselineStats, baselineStats.slice(1))).toThrow(SeqwasmError);
    expect(() => pairedRandomization(bleu, baselineStats, baselineStats, { nSamples: 0 })).toThrow(/integer >= 1/);
    expect(() => pairedTest([{ name: 'a', hyps: ['x'] }], [bleu], undefined, { test: 'ar' })).toThrow(/baseline and at least one/);
  });
});
