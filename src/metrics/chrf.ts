// chrF (Popović 2015) and chrF++ (Popović 2017) with sacreBLEU 2.x semantics
// (sacrebleu/metrics/chrf.py): character n-grams of orders 1..6 with whitespace removed, word
// n-grams of orders 1..wordOrder (2 for chrF++), F-beta with beta 2, and for several references the
// statistics of the reference with the best segment F-score. Characters are code points.
import { SeqwasmError } from '../errors.js';
import { ReferenceMetric, type RefStreams, type Score } from './metric.js';
import { formatSignature, yesNo, type ResamplingInfo } from './signature.js';
import { codePoints, pyRemoveSpaces, pySplit } from './text.js';

export interface ChrfOptions {
  /** Default 6. */
  charOrder?: number;
  /** Default 0 (chrF); 2 gives chrF++. */
  wordOrder?: number;
  /** Default 2. */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default: removed). */
  whitespace?: boolean;
  /**
   * chrF++.py / NLTK / Moses epsilon smoothing: every order counts, an empty one as epsilon.
   * Default false: sacreBLEU 2.x averages precision and recall over the orders that have n-grams.
   */
  epsSmoothing?: boolean;
  references?: RefStreams;
}

export interface ChrfScore extends Score {
  /** 'chrF2', 'chrF2++', ... as sacreBLEU names it. */
  name: string;
  score: number;
  char_order: number;
  word_order: number;
  beta: number;
}

/** n-gram counts: keys are n-grams (joined code points, or words joined by a space), values counts. */
type Counts = Map<string, number>;

// Python's string.punctuation: chrF++ splits one of these off the end (or else the start) of a word.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** chrF++'s word splitting: a punctuation character at a word's end, or else its start, is a word. */
export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    const cps = codePoints(w);
    if (cps.length === 1) {
      out.push(w);
    } else if (PUNCTUATION.has(cps[cps.length - 1])) {
      out.push(cps.slice(0, -1).join(''), cps[cps.length - 1]);
    } else if (PUNCTUATION.has(cps[0])) {
      out.push(cps[0], cps.slice(1).join(''));
    } else {
      out.push(w);
    }
  }
  return out;
}

function ngramCounts(units: readonly string[], n: number, sep: string): Counts {
  const counts: Counts = new Map();
  for (let i = 0; i + n <= units.length; i++) {
    const key = n === 1 ? units[i] : units.slice(i, i + n).join(sep);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Character n-grams; a string without surrogates is indexed directly (UTF-16 units = code points). */
function charNgramCounts(s: string, n: number): Counts {
  if (SURROGATE.test(s)) return ngramCounts(codePoints(s), n, '');
  const counts: Counts = new Map();
  for (let i = 0; i + n <= s.length; i++) {
    const key = s.substring(i, i + n);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Counts of orders 1..charOrder over characters, then 1..wordOrder over words. */
type AllCounts = Counts[];

interface ChrfRefInfo {
  /** Per reference: the n-gram counts of every order and, per order, their sum. */
  refs: { counts: AllCounts; totals: number[] }[];
}

function checkOrder(what: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= 100)) {
    throw new SeqwasmError(
      'bad_argument',
      `chrF ${what}: expected an integer from ${min} to 100, received ${JSON.stringify(v)}`,
    );
  }
}

export class CHRF extends ReferenceMetric<ChrfRefInfo, ChrfScore> {
  readonly name: string;
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;

  constructor(opts: ChrfOptions = {}) {
    super();
    checkOrder('charOrder', opts.charOrder, 0);
    checkOrder('wordOrder', opts.wordOrder, 0);
    if (opts.beta !== undefined && !(Number.isFinite(opts.beta) && opts.beta >= 0)) {
      throw new SeqwasmError('bad_argument', `chrF beta: expected a finite number >= 0, received ${opts.beta}`);
    }
    this.charOrder = opts.charOrder ?? 6;
    this.wordOrder = opts.wordOrder ?? 0;
    if (this.charOrder + this.wordOrder === 0) {
      throw new SeqwasmError('bad_argument', 'chrF: expected charOrder + wordOrder >= 1, received 0');
    }
    this.beta = opts.beta ?? 2;
    this.lowercase = opts.lowercase ?? false;
    this.whitespace = opts.whitespace ?? false;
    this.epsSmoothing = opts.epsSmoothing ?? false;
    this.name = `chrF${this.beta}${'+'.repeat(this.wordOrder)}`;
    if (opts.references !== undefined) this.cacheReferences(opts.references);
  }

  private allCounts(sent: string): AllCounts {
    const s = this.lowercase ? sent.toLowerCase() : sent;
    const chars = this.whitespace ? s : pyRemoveSpaces(s);
    const out: AllCounts = [];
    for (let n = 1; n <= this.charOrder; n++) out.push(charNgramCounts(chars, n));
    if (this.wordOrder > 0) {
      const words = chrfWords(s);
      for (let n = 1; n <= this.wordOrder; n++) out.push(ngramCounts(words, n, ' '));
    }
    return out;
  }

  protected referenceInfo(refs: string[]): ChrfRefInfo {
    return {
      refs: refs.map((r) => {
        const counts = this.allCounts(r);
        return { counts, totals: counts.map((c) => [...c.values()].reduce((a, b) => a + b, 0)) };
      }),
    };
  }

  /** [hyp, ref, match] counts per order, for the reference with the best F-score. */
  protected segmentStatistics(hyp: string, ref: ChrfRefInfo): number[] {
    const hypCounts = this.allCounts(hyp);
    let best: number[] = [];
    let bestF = -1;
    for (const { counts, totals } of ref.refs) {
      const stats: number[] = [];
      hypCounts.forEach((h, i) => {
        const r = counts[i];
        let nHyp = 0;
        let nMatch = 0;
        for (const [g, c] of h) {
          nHyp += c;
          const rc = r.get(g);
          if (rc !== undefined) nMatch += Math.min(c, rc);
        }
        // sacreBLEU: hypothesis n-grams do not count when the reference has none of that order
        stats.push(r.size > 0 ? nHyp : 0, totals[i], nMatch);
      });
      const f = this.fScore(stats);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  private fScore(stats: readonly number[]): number {
    const eps = 1e-16;
    const factor = this.beta ** 2;
    const order = this.charOrder + this.wordOrder;
    let score = 0;
    let effOrder = 0;
    let avgPrec = 0;
    let avgRec = 0;
    for (let i = 0; i < order; i++) {
      const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3);
      const prec = nHyp > 0 ? nMatch / nHyp : eps;
      const rec = nRef > 0 ? nMatch / nRef : eps;
      const denom = factor * prec + rec;
      score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effOrder++;
      }
    }
    if (this.epsSmoothing) return (100 * score) / order;
    if (effOrder === 0) return 0;
    avgPrec /= effOrder;
    avgRec /= effOrder;
    if (avgPrec + avgRec === 0) return 0;
    return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
  }

  protected statisticsLength(): number {
    return 3 * (this.charOrder + this.wordOrder);
  }

  protected computeScore(stats: readonly number[]): ChrfScore {
    return {
      name: this.name,
      score: this.fScore(stats),
      char_order: this.charOrder,
      word_order: this.wordOrder,
      beta: this.beta,
    };
  }

  signature(short = false, resampling: ResamplingInfo = {}): string {
    return formatSignature(
      this.requireNumRefs(),
      [
        { key: 'case', abbr: 'c', value: this.lowercase ? 'lc' : 'mixed' },
        { key: 'eff', abbr: 'e', value: yesNo(!this.epsSmoothing) },
        { key: 'nc', abbr: 'nc', value: this.charOrder },
        { key: 'nw', abbr: 'nw', value: this.wordOrder },
        { key: 'space', abbr: 's', value: yesNo(this.whitespace) },
      ],
      short,
      resampling,
    );
  }
}
