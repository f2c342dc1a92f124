// Statistical significance as sacreBLEU 2.x does it (sacrebleu/significance.py): bootstrap
// confidence intervals (95%: the 1/40 and 39/40 order statistics), paired bootstrap resampling
// (Koehn 2004, as Moses' bootstrap-hypothesis-difference-significance.pl) and paired approximate
// randomization (Riezler & Maxwell 2005, as multeval). All of them resample the per-segment
// sufficient statistics, never the text. The generator is seeded (default 12345, sacreBLEU's), so
// results are reproducible; they are not numpy's draws, so p-values match sacreBLEU's only up to
// resampling noise.
import { SeqwasmError } from '../errors.js';
import { sumStatistics, type Metric, type RefStreams, type Score } from './metric.js';

export const DEFAULT_SEED = 12345;
export const DEFAULT_BOOTSTRAP_SAMPLES = 1000;
export const DEFAULT_AR_TRIALS = 10000;

/** mulberry32: a small, fast 32-bit generator; plenty for drawing resampling indices and coins. */
export function seededUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform numbers in [0, 1) from `seededUint32`. */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed);
  return () => next() / 4294967296;
}

export interface Estimate {
  mean: number;
  /** Half the width of the 95% interval. */
  ci: number;
}

/** Mean and 95% half-width of resampled scores, as sacreBLEU's `estimate_ci`. */
export function estimateCi(scores: readonly number[]): Estimate {
  const sorted = [...scores].sort((a, b) => a - b);
  const n = sorted.length;
  const lower = Math.floor(n / 40);
  const upper = n - lower - 1;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  return { mean, ci: 0.5 * (sorted[upper] - sorted[lower]) };
}

/** Per-segment statistics as one row-major matrix, for fast resampled sums. */
class StatsMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;

  constructor(stats: readonly (readonly number[])[]) {
    this.rows = stats.length;
    this.cols = stats[0].length;
    this.data = new Float64Array(this.rows * this.cols);
    stats.forEach((r, i) => this.data.set(r, i * this.cols));
  }

  /** The sum of the rows at `idx`. */
  sum(idx: Int32Array): number[] {
    const out = new Array<number>(this.cols).fill(0);
    for (let k = 0; k < idx.length; k++) {
      const off = idx[k] * this.cols;
      for (let j = 0; j < this.cols; j++) out[j] += this.data[off + j];
    }
    return out;
  }
}

function checkCount(what: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new SeqwasmError('bad_argument', `${what}: expected an integer >= 1, received ${JSON.stringify(n)}`);
  }
}

/** `nSamples` draws of `nSegments` indices with replacement. */
function bootstrapIndices(nSegments: number, nSamples: number, seed: number): Int32Array[] {
  const rand = seededRandom(seed);
  const out: Int32Array[] = [];
  for (let s = 0; s < nSamples; s++) {
    const idx = new Int32Array(nSegments);
    for (let i = 0; i < nSegments; i++) idx[i] = Math.floor(rand() * nSegments);
    out.push(idx);
  }
  return out;
}

function resampledScores(metric: Metric, m: StatsMatrix, draws: readonly Int32Array[]): number[] {
  return draws.map((idx) => metric.scoreFromStatistics(m.sum(idx)).score);
}

/** (c + 1) / (n + 1) with c the samples strictly above the observed statistic (multeval's rule). */
function pValue(samples: readonly number[], observed: number): number {
  let c = 0;
  for (const s of samples) if (s > observed) c++;
  return (c + 1) / (samples.length + 1);
}

export interface ResamplingOptions {
  nSamples?: number;
  seed?: number;
}

export interface ConfidenceResult<S extends Score = Score> extends Estimate {
  score: S;
  nSamples: number;
  seed: number;
}

/** The corpus score with a bootstrap 95% confidence interval (sacreBLEU's `--confidence`). */
export function bootstrapConfidence<S extends Score>(
  metric: Metric<S>,
  hyps: readonly string[],
  refs?: RefStreams,
  opts: ResamplingOptions = {},
): ConfidenceResult<S> {
  const nSamples = opts.nSamples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  checkCount('bootstrap samples', nSamples);
  const stats = metric.corpusStatistics(hyps, refs);
  const m = new StatsMatrix(stats);
  const score = metric.scoreFromStatistics(sumStatistics(stats));
  const est = estimateCi(resampledScores(metric, m, bootstrapIndices(m.rows, nSamples, seed)));
  return { score, ...est, nSamples, seed };
}

export interface PairedResult {
  score: number;
  /** Absent for the baseline. */
  pValue?: number;
  /** Bootstrap mean and 95% half-width (paired bootstrap always; approximate randomization when asked). */
  mean?: number;
  ci?: number;
}

function checkSameLength(a: number, b: number): void {
  if (a !== b) {
    throw new SeqwasmError(
      'line_count_mismatch',
      `paired test: expected both systems to have the same number of segments, received ${a} and ${b}`,
    );
  }
}

/**
 * Paired bootstrap resampling: both systems are scored on the same resamples; the p-value counts
 * resamples whose mean-centred score difference exceeds the observed difference.
 */
export function pairedBootstrap(
  metric: Metric,
  baselineStats: readonly (readonly number[])[],
  systemStats: readonly (readonly number[])[],
  opts: ResamplingOptions = {},
): PairedResult {
  const nSamples = opts.nSamples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  checkCount('bootstrap samples', nSamples);
  checkSameLength(baselineStats.length, systemStats.length);
  const bl = new StatsMatrix(baselineStats);
  const sys = new StatsMatrix(systemStats);
  const blScore = metric.scoreFromStatistics(sumStatistics(baselineStats)).score;
  const sysScore = metric.scoreFromStatistics(sumStatistics(systemStats)).score;
  const draws = bootstrapIndices(bl.rows, nSamples, opts.seed ?? DEFAULT_SEED);
  const blScores = resampledScores(metric, bl, draws);
  const sysScores = resampledScores(metric, sys, draws);
  const diffs = sysScores.map((s, i) => Math.abs(s - blScores[i]));
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const p = pValue(
    diffs.map((d) => d - meanDiff),
    Math.abs(blScore - sysScore),
  );
  return { score: sysScore, pValue: p, ...estimateCi(sysScores) };
}

/**
 * Paired approximate randomization: in each trial every segment's statistics are swapped between
 * the two systems with probability 1/2; the p-value counts trials whose absolute score difference
 * exceeds the observed one.
 */
export function pairedRandomization(
  metric: Metric,
  baselineStats: readonly (readonly number[])[],
  systemStats: readonly (readonly number[])[],
  opts: ResamplingOptions & { confidenceSamples?: number } = {},
): PairedResult {
  const nTrials = opts.nSamples ?? DEFAULT_AR_TRIALS;
  checkCount('randomization trials', nTrials);
  checkSameLength(baselineStats.length, systemStats.length);
  const seed = opts.seed ?? DEFAULT_SEED;
  const bl = new StatsMatrix(baselineStats);
  const sys = new StatsMatrix(systemStats);
  // A trial's pseudo-systems: a = baseline + the swapped segments' (system - baseline), b = system - the same.
  const cols = bl.cols;
  const blTotal = sumStatistics(baselineStats);
  const sysTotal = sumStatistics(systemStats);
  const delta = new Float64Array(bl.data.length);
  for (let k = 0; k < delta.length; k++) delta[k] = sys.data[k] - bl.data[k];
  const next = seededUint32(seed);
  const samples: number[] = [];
  const shift = new Float64Array(cols);
  for (let t = 0; t < nTrials; t++) {
    shift.fill(0);
    let bits = 0;
    for (let i = 0; i < bl.rows; i++) {
      // one 32-bit draw gives the coins of 32 segments
      if ((i & 31) === 0) bits = next();
      if (((bits >>> (i & 31)) & 1) === 0) continue;
      const off = i * cols;
      for (let j = 0; j < cols; j++) shift[j] += delta[off + j];
    }
    const a = blTotal.map((v, j) => v + shift[j]);
    const b = sysTotal.map((v, j) => v - shift[j]);
    samples.push(Math.abs(metric.scoreFromStatistics(a).score - metric.scoreFromStatistics(b).score));
  }
  const blScore = metric.scoreFromStatistics(blTotal).score;
  const sysScore = metric.scoreFromStatistics(sysTotal).score;
  const result: PairedResult = { score: sysScore, pValue: pValue(samples, Math.abs(blScore - sysScore)) };
  if (opts.confidenceSamples !== undefined) {
    checkCount('bootstrap samples', opts.confidenceSamples);
    const draws = bootstrapIndices(sys.rows, opts.confidenceSamples, seed);
    Object.assign(result, estimateCi(resampledScores(metric, sys, draws)));
  }
  return result;
}

export type PairedTestType = 'bs' | 'ar';

export interface PairedTestOptions extends ResamplingOptions {
  test: PairedTestType;
  /** For 'ar': also estimate each system's confidence interval from this many bootstrap samples. */
  confidenceSamples?: number;
}

/**
 * Compares every system with the first one (the baseline) on every metric, as sacreBLEU's
 * `--paired-bs` / `--paired-ar`. Returns, per system, one result per metric (same order as `metrics`).
 */
export function pairedTest(
  systems: readonly { name: string; hyps: readonly string[] }[],
  metrics: readonly Metric[],
  refs: RefStreams | undefined,
  opts: PairedTestOptions,
): { name: string; results: PairedResult[] }[] {
  if (systems.length < 2) {
    throw new SeqwasmError(
      'bad_argument',
      `paired test: expected a baseline and at least one system, received ${systems.length} system(s)`,
    );
  }
  const nSamples = opts.nSamples ?? (opts.test === 'bs' ? DEFAULT_BOOTSTRAP_SAMPLES : DEFAULT_AR_TRIALS);
  const seed = opts.seed ?? DEFAULT_SEED;
  const baselineStats = metrics.map((m) => m.corpusStatistics(systems[0].hyps, refs));
  const baseline = {
    name: systems[0].name,
    results: metrics.map((m, k): PairedResult => {
      const ciSamples = opts.test === 'bs' ? nSamples : opts.confidenceSamples;
      const score = m.scoreFromStatistics(sumStatistics(baselineStats[k])).score;
      if (ciSamples === undefined) return { score };
      const bs = new StatsMatrix(baselineStats[k]);
      return { score, ...estimateCi(resampledScores(m, bs, bootstrapIndices(bs.rows, ciSamples, seed))) };
    }),
  };
  const others = systems.slice(1).map((sys) => ({
    name: sys.name,
    results: metrics.map((m, k) => {
      const stats = m.corpusStatistics(sys.hyps, refs);
      return opts.test === 'bs'
        ? pairedBootstrap(m, baselineStats[k], stats, { nSamples, seed })
        : pairedRandomization(m, baselineStats[k], stats, {
            nSamples,
            seed,
            confidenceSamples: opts.confidenceSamples,
          });
    }),
  }));
  return [baseline, ...others];
}
