// Length and coverage penalties of beam search.
import { ErrorCode, describe } from '../errors.js';
import { bad } from './types.js';

/**
 * How a finished hypothesis's log-probability is normalised by its length L (tokens, EOS
 * included): score = logProb / lp(L).
 * - none:    lp = 1.
 * - average: lp = L^α (α = 1 is the per-token average; OpenNMT-py's "avg" and fairseq's
 *            `lenpen`, which divide by L^α).
 * - gnmt:    lp = ((5 + L) / 6)^α (Wu et al. 2016, "Google's Neural Machine Translation
 *            System", eq. 14; OpenNMT-py's "wu").
 */
export type LengthPenalty = { type: 'none' } | { type: 'average'; alpha?: number } | { type: 'gnmt'; alpha: number };

export function checkLengthPenalty(lp: LengthPenalty | undefined): LengthPenalty {
  if (lp === undefined) return { type: 'none' };
  if (lp === null || typeof lp !== 'object' || !['none', 'average', 'gnmt'].includes(lp.type)) {
    throw bad(ErrorCode.badArgument, `lengthPenalty must be {type: 'none' | 'average' | 'gnmt', alpha}, received ${describe(lp)}`);
  }
  if (lp.type !== 'none') {
    const a = lp.alpha ?? (lp.type === 'average' ? 1 : undefined);
    if (typeof a !== 'number' || !(a >= 0) || !Number.isFinite(a)) {
      throw bad(ErrorCode.badArgument, `lengthPenalty.alpha must be a finite number ≥ 0, received ${describe(lp.alpha)}`);
    }
    return { type: lp.type, alpha: a } as LengthPenalty;
  }
  return lp;
}

/** lp(L) for a length L ≥ 1 (non-decreasing in L for α ≥ 0, which the stopping rule relies on). */
export function lengthPenalty(lp: LengthPenalty, L: number): number {
  switch (lp.type) {
    case 'none': return 1;
    case 'average': return Math.pow(L, lp.alpha ?? 1);
    case 'gnmt': return Math.pow((5 + L) / 6, lp.alpha);
  }
}

/**
 * GNMT's coverage penalty (Wu et al. 2016, eq. 14): cp = β·Σᵢ log(min(Σⱼ aⱼᵢ, 1)) over the source
 * positions i, where Σⱼ aⱼᵢ is the attention position i received over the hypothesis's steps.
 * Always ≤ 0; 0 when every source position got a total attention of at least 1.
 */
export function coveragePenalty(beta: number, coverage: ArrayLike<number>): number {
  if (beta === 0) return 0;
  let s = 0;
  for (let i = 0; i < coverage.length; i++) s += Math.log(Math.min(coverage[i], 1));
  return beta * s;
}
