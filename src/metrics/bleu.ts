// BLEU (Papineni et al. 2002) with sacreBLEU 2.x semantics (sacrebleu/metrics/bleu.py):
// n-gram counts clipped by the maximum count over the segment's references, the closest reference
// length (ties to the shorter), the brevity penalty, four smoothing methods and effective order.
import { SeqwasmError } from '../errors.js';
import { ReferenceMetric, type RefStreams, type Score } from './metric.js';
import { NgramIndex } from './ngram_index.js';
import { formatSignature, yesNo, type ResamplingInfo } from './signature.js';
import { pyRstrip, pySplit } from './text.js';
import { getTokenizer, type Tokenizer, type TokenizerName } from './tokenizers.js';

export type SmoothMethod = 'none' | 'floor' | 'add-k' | 'exp';

/** Default smoothing values: Chen & Cherry (2014), "A Systematic Comparison of Smoothing Techniques". */
export const SMOOTH_DEFAULTS: Readonly<Record<SmoothMethod, number | undefined>> = {
  none: undefined,
  floor: 0.1,
  'add-k': 1,
  exp: undefined,
};

export interface BleuOptions {
  /** Default '13a'. */
  tokenize?: TokenizerName;
  lowercase?: boolean;
  /** Default 'exp' (mteval-v13a's smoothing). */
  smoothMethod?: SmoothMethod;
  /** For 'floor' and 'add-k'; defaults from SMOOTH_DEFAULTS. */
  smoothValue?: number;
  /** Default 4. */
  maxNgramOrder?: number;
  /** Average only over orders that have n-grams (recommended for sentence-level BLEU). */
  effectiveOrder?: boolean;
  /** Reference streams to preprocess once and reuse for every system scored. */
  references?: RefStreams;
}

/** Field names as in sacreBLEU's BLEUScore. */
export interface BleuScore extends Score {
  name: 'BLEU';
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  ratio: number;
  sys_len: number;
  ref_len: number;
}

export interface ComputeBleuOptions {
  smoothMethod?: SmoothMethod;
  smoothValue?: number;
  effectiveOrder?: boolean;
  maxNgramOrder?: number;
}

/** sacreBLEU's `my_log`: log(0) is a large negative number rather than -Infinity. */
const myLog = (x: number): number => (x === 0 ? -9999999999 : Math.log(x));

/**
 * BLEU from its sufficient statistics. As in sacreBLEU, 'add-k' adds k to the counts and totals of
 * orders above 1, and the returned `counts` / `totals` include that addition.
 */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  opts: ComputeBleuOptions = {},
): BleuScore {
  const method = opts.smoothMethod ?? 'none';
  const maxOrder = opts.maxNgramOrder ?? 4;
  const k = opts.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const counts = correct.slice(0, maxOrder);
  const totals = total.slice(0, maxOrder);

  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuScore => ({
    name: 'BLEU',
    score,
    counts,
    totals,
    precisions,
    bp,
    ratio: refLen ? sysLen / refLen : 0,
    sys_len: sysLen,
    ref_len: refLen,
  });

  // No match at any order: BLEU is 0 whatever the smoothing (sacreBLEU #141).
  if (!counts.some((c) => c !== 0)) return result(0);

  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (method === 'add-k' && n > 1) {
      counts[n - 1] += k;
      totals[n - 1] += k;
    }
    if (totals[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (counts[n - 1] === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * totals[n - 1]);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * k) / totals[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * counts[n - 1]) / totals[n - 1];
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]);
  return result(bp * Math.exp(logSum / effOrder));
}

/** The part of sacreBLEU's text output after the score: precisions, BP, ratio and lengths. */
export function bleuVerbose(s: BleuScore): string {
  const prec = s.precisions.map((p) => p.toFixed(1)).join('/');
  return (
    `${prec} (BP = ${s.bp.toFixed(3)} ratio = ${s.ratio.toFixed(3)} ` +
    `hyp_len = ${s.sys_len} ref_len = ${s.ref_len})`
  );
}

/** The closest reference length to `hypLen`, the shorter one on a tie. */
export function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff;
      best = len;
    } else if (diff === bestDiff && len < best) {
      best = len;
    }
  }
  return best;
}

interface BleuRefInfo {
  index: NgramIndex;
  /** The maximum count of each n-gram (all orders, by id) over the segment's references. */
  ngramIds: Int32Array;
  ngramCounts: Int32Array;
  lengths: number[];
}

function checkOptions(o: BleuOptions): void {
  const bad = (what: string, got: unknown): never => {
    throw new SeqwasmError('bad_argument', `BLEU ${what}, received ${JSON.stringify(got)}`);
  };
  if (o.smoothMethod !== undefined && !(o.smoothMethod in SMOOTH_DEFAULTS)) {
    bad(`smoothMethod: expected one of ${Object.keys(SMOOTH_DEFAULTS).join(', ')}`, o.smoothMethod);
  }
  if (o.smoothValue !== undefined && !(Number.isFinite(o.smoothValue) && o.smoothValue >= 0)) {
    bad('smoothValue: expected a finite number >= 0', o.smoothValue);
  }
  if (o.maxNgramOrder !== undefined && !(Number.isInteger(o.maxNgramOrder) && o.maxNgramOrder >= 1 && o.maxNgramOrder <= 100)) {
    bad('maxNgramOrder: expected an integer from 1 to 100', o.maxNgramOrder);
  }
}

export class BLEU extends ReferenceMetric<BleuRefInfo, BleuScore> {
  readonly name = 'BLEU';
  readonly tokenize: TokenizerName;
  readonly lowercase: boolean;
  readonly smoothMethod: SmoothMethod;
  readonly smoothValue: number | undefined;
  readonly maxNgramOrder: number;
  readonly effectiveOrder: boolean;
  private readonly tokenizer: Tokenizer;
  /** Reference n-gram ids: a new index per set of references, so uncached calls do not accumulate. */
  private index = new NgramIndex();

  constructor(opts: BleuOptions = {}) {
    super();
    checkOptions(opts);
    this.tokenize = opts.tokenize ?? '13a';
    this.tokenizer = getTokenizer(this.tokenize);
    this.lowercase = opts.lowercase ?? false;
    this.smoothMethod = opts.smoothMethod ?? 'exp';
    this.smoothValue = opts.smoothValue;
    this.maxNgramOrder = opts.maxNgramOrder ?? 4;
    this.effectiveOrder = opts.effectiveOrder ?? false;
    if (opts.references !== undefined) this.cacheReferences(opts.references);
  }

  /** Lowercase (optional), strip trailing whitespace, tokenize, split as Python's `str.split()`. */
  tokens(line: string): string[] {
    // JavaScript's toLowerCase uses the same full Unicode mapping as Python's str.lower().
    const s = this.lowercase ? line.toLowerCase() : line;
    return pySplit(this.tokenizer(pyRstrip(s)));
  }

  protected override startReferences(): void {
    this.index = new NgramIndex();
  }

  protected referenceInfo(refs: string[]): BleuRefInfo {
    let maxCounts: Map<number, number> | undefined;
    const lengths: number[] = [];
    for (const ref of refs) {
      const toks = this.tokens(ref);
      lengths.push(toks.length);
      const counts = this.index.countAll(toks, this.maxNgramOrder);
      if (maxCounts === undefined) {
        maxCounts = counts;
        continue;
      }
      for (const [id, c] of counts) if (c > (maxCounts.get(id) ?? 0)) maxCounts.set(id, c);
    }
    const ngrams = maxCounts ?? new Map<number, number>();
    return {
      index: this.index,
      ngramIds: Int32Array.from(ngrams.keys()),
      ngramCounts: Int32Array.from(ngrams.values()),
      lengths,
    };
  }

  /** [hyp_len, ref_len, correct_1..N, total_1..N], as sacreBLEU's segment statistics. */
  protected segmentStatistics(hyp: string, ref: BleuRefInfo): number[] {
    const toks = this.tokens(hyp);
    const N = this.maxNgramOrder;
    const correct = new Array<number>(N).fill(0);
    ref.index.addClippedMatches(toks, N, ref.ngramIds, ref.ngramCounts, correct);
    const stats = [toks.length, closestRefLength(toks.length, ref.lengths), ...correct];
    for (let n = 1; n <= N; n++) stats.push(Math.max(0, toks.length - n + 1));
    return stats;
  }

  protected statisticsLength(): number {
    return 2 + 2 * this.maxNgramOrder;
  }

  protected computeScore(stats: readonly number[]): BleuScore {
    const N = this.maxNgramOrder;
    return computeBleu(stats.slice(2, 2 + N), stats.slice(2 + N), stats[0], stats[1], {
      smoothMethod: this.smoothMethod,
      smoothValue: this.smoothValue,
      effectiveOrder: this.effectiveOrder,
      maxNgramOrder: N,
    });
  }

  signature(short = false, resampling: ResamplingInfo = {}): string {
    let smooth: string = this.smoothMethod;
    const def = SMOOTH_DEFAULTS[this.smoothMethod];
    if (def !== undefined) smooth += `[${(this.smoothValue ?? def).toFixed(2)}]`;
    return formatSignature(
      this.requireNumRefs(),
      [
        { key: 'case', abbr: 'c', value: this.lowercase ? 'lc' : 'mixed' },
        { key: 'eff', abbr: 'e', value: yesNo(this.effectiveOrder) },
        { key: 'tok', abbr: 'tok', value: this.tokenize },
        { key: 'smooth', abbr: 's', value: smooth },
      ],
      short,
      resampling,
    );
  }
}
