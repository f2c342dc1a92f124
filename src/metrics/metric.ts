// What BLEU, chrF and TER share, following sacreBLEU 2.x's `Metric` base class: references come as
// streams (one array per reference set, aligned with the hypotheses), an empty or missing reference
// is skipped for that segment, and each segment yields a vector of sufficient statistics that can be
// summed (across segments, shards or bootstrap samples) and scored later.
import { SeqwasmError } from '../errors.js';
import type { ResamplingInfo } from './signature.js';

/** Reference streams: `refs[k][i]` is the k-th reference of segment i; '' / null / undefined = missing. */
export type RefStreams = readonly (readonly (string | null | undefined)[])[];

/** 'var' when segments have different numbers of references (sacreBLEU's `nrefs:var`). */
export type NumRefs = number | 'var';

export interface Score {
  name: string;
  score: number;
}

/** The interface significance tests and the CLI work against. */
export interface Metric<S extends Score = Score> {
  /** The name its scores carry ('BLEU', 'chrF2', 'chrF2++', 'TER'). */
  readonly name: string;
  /** One statistics vector per segment; `refs` may be omitted when references were cached. */
  corpusStatistics(hyps: readonly string[], refs?: RefStreams): number[][];
  /** Score summed statistics (see `sumStatistics`). */
  scoreFromStatistics(stats: readonly number[]): S;
  corpusScore(hyps: readonly string[], refs?: RefStreams): S;
  signature(short?: boolean, resampling?: ResamplingInfo): string;
}

/** The references of each segment, with the missing ones dropped. */
export interface SegmentRefs {
  segments: string[][];
  numRefs: NumRefs;
}

export function checkHypotheses(hyps: readonly string[]): void {
  if (!Array.isArray(hyps)) {
    throw new SeqwasmError('bad_argument', `hypotheses: expected an array of strings, received ${typeof hyps}`);
  }
  for (let i = 0; i < hyps.length; i++) {
    if (typeof hyps[i] !== 'string') {
      throw new SeqwasmError(
        'bad_argument',
        `hypotheses: expected a string at line ${i + 1}, received ${hyps[i] === null ? 'null' : typeof hyps[i]}`,
      );
    }
  }
}

/**
 * Transposes reference streams into per-segment lists, refusing misaligned input: every stream
 * must have exactly `nSegments` lines, and every segment at least one non-empty reference.
 */
export function segmentReferences(refs: RefStreams, nSegments: number): SegmentRefs {
  if (!Array.isArray(refs) || refs.length === 0 || !refs.every((s) => Array.isArray(s))) {
    throw new SeqwasmError(
      'bad_argument',
      'references: expected a non-empty array of reference streams (arrays of strings), ' +
        `received ${Array.isArray(refs) ? `an array of ${refs.length}` : typeof refs}`,
    );
  }
  refs.forEach((stream, k) => {
    if (stream.length !== nSegments) {
      throw new SeqwasmError(
        'line_count_mismatch',
        `reference stream ${k + 1} has ${stream.length} lines but there are ${nSegments} hypotheses; ` +
          'expected the same number of lines in every stream',
      );
    }
  });
  const segments: string[][] = [];
  const counts = new Set<number>();
  for (let i = 0; i < nSegments; i++) {
    const seg: string[] = [];
    for (let k = 0; k < refs.length; k++) {
      const r = refs[k][i];
      if (r === null || r === undefined || r === '') continue;
      if (typeof r !== 'string') {
        throw new SeqwasmError(
          'bad_argument',
          `reference stream ${k + 1}, line ${i + 1}: expected a string, received ${typeof r}`,
        );
      }
      seg.push(r);
    }
    if (seg.length === 0) {
      // sacreBLEU raises here too ("Empty or `None` reference sentence found."): a segment with no
      // reference cannot be scored, and dropping it silently would misalign the corpus.
      throw new SeqwasmError(
        'empty_reference',
        `line ${i + 1}: expected at least one non-empty reference, received ${refs.length} empty`,
      );
    }
    counts.add(seg.length);
    segments.push(seg);
  }
  const numRefs: NumRefs = counts.size > 1 ? 'var' : counts.size === 1 ? [...counts][0] : refs.length;
  return { segments, numRefs };
}

/** Sums per-segment statistics vectors (also used to merge shards). */
export function sumStatistics(stats: readonly (readonly number[])[]): number[] {
  if (stats.length === 0) {
    throw new SeqwasmError('bad_argument', 'statistics: expected at least one vector, received none');
  }
  const out = new Array<number>(stats[0].length).fill(0);
  for (const row of stats) {
    if (row.length !== out.length) {
      throw new SeqwasmError(
        'bad_argument',
        `statistics: expected vectors of length ${out.length}, received one of length ${row.length}`,
      );
    }
    for (let j = 0; j < row.length; j++) out[j] += row[j];
  }
  return out;
}


/**
 * The reference handling every metric shares (sacreBLEU's `Metric` base class): references are
 * preprocessed once per segment into whatever the metric needs (`R`), optionally cached so that
 * many systems can be scored against them, and each hypothesis yields a statistics vector.
 */
export abstract class ReferenceMetric<R, S extends Score> implements Metric<S> {
  private refCache?: R[];
  abstract readonly name: string;
  /** The number of references per segment seen in the last scoring (or caching) call. */
  numRefs?: NumRefs;

  /** Per-segment reference information, built from that segment's non-empty references. */
  protected abstract referenceInfo(refs: string[]): R;
  /** The statistics vector of one hypothesis against its segment's reference information. */
  protected abstract segmentStatistics(hyp: string, ref: R): number[];
  /** The length every statistics vector of this metric has. */
  protected abstract statisticsLength(): number;
  protected abstract computeScore(stats: readonly number[]): S;
  /** Called before a set of references is preprocessed (BLEU starts a fresh n-gram index). */
  protected startReferences(): void {}
  abstract signature(short?: boolean, resampling?: ResamplingInfo): string;

  /** Preprocesses and stores references so later calls may omit them. */
  cacheReferences(refs: RefStreams): void {
    this.refCache = this.buildReferences(refs, Array.isArray(refs) && Array.isArray(refs[0]) ? refs[0].length : 0);
  }

  corpusStatistics(hyps: readonly string[], refs?: RefStreams): number[][] {
    checkHypotheses(hyps);
    if (hyps.length === 0) {
      throw new SeqwasmError('bad_argument', 'hypotheses: expected at least one line, received none');
    }
    let info: R[];
    if (refs !== undefined) {
      info = this.buildReferences(refs, hyps.length);
    } else if (this.refCache !== undefined) {
      info = this.refCache;
      if (info.length !== hyps.length) {
        throw new SeqwasmError(
          'line_count_mismatch',
          `there are ${hyps.length} hypotheses but the cached references have ${info.length} lines; ` +
            'expected the same number',
        );
      }
    } else {
      throw new SeqwasmError('no_references', 'expected references (given or cached), received none');
    }
    return hyps.map((h, i) => this.segmentStatistics(h, info[i]));
  }

  scoreFromStatistics(stats: readonly number[]): S {
    const n = this.statisticsLength();
    if (stats.length !== n) {
      throw new SeqwasmError(
        'bad_argument',
        `statistics: expected a vector of length ${n} for this metric's settings, received length ${stats.length}`,
      );
    }
    return this.computeScore(stats);
  }

  corpusScore(hyps: readonly string[], refs?: RefStreams): S {
    return this.scoreFromStatistics(sumStatistics(this.corpusStatistics(hyps, refs)));
  }

  /** One hypothesis against one or more references. */
  sentenceScore(hyp: string, refs: readonly string[]): S {
    if (!Array.isArray(refs)) {
      throw new SeqwasmError('bad_argument', `references: expected an array of strings, received ${typeof refs}`);
    }
    return this.corpusScore([hyp], refs.map((r) => [r]));
  }

  protected requireNumRefs(): NumRefs {
    if (this.numRefs === undefined) {
      throw new SeqwasmError(
        'no_references',
        'signature: the number of references is known only after scoring or caching references; received neither',
      );
    }
    return this.numRefs;
  }

  private buildReferences(refs: RefStreams, nSegments: number): R[] {
    const { segments, numRefs } = segmentReferences(refs, nSegments);
    this.numRefs = numRefs;
    this.startReferences();
    return segments.map((seg) => this.referenceInfo(seg));
  }
}
