// sacreBLEU's reproducibility signature: `key:value` pairs joined by '|', the shared fields first
// (nrefs, then the resampling fields when a test ran), the metric's own fields, `version` last.
// `--short` replaces each key by sacreBLEU's abbreviation.
import type { NumRefs } from './metric.js';

/**
 * The version field names the implementation that produced the number, as sacreBLEU's does.
 * Bump the revision whenever a change could alter a score.
 */
export const SIGNATURE_VERSION = 'seqwasm-1';

export interface SignatureField {
  key: string;
  abbr: string;
  value: string | number;
}

/** Resampling settings recorded in the signature once a significance test or CI was computed. */
export interface ResamplingInfo {
  bootstrap?: number;
  randomization?: number;
  seed?: number;
}

export function formatSignature(
  numRefs: NumRefs,
  fields: readonly SignatureField[],
  short = false,
  resampling: ResamplingInfo = {},
): string {
  const all: SignatureField[] = [{ key: 'nrefs', abbr: '#', value: numRefs }];
  if (resampling.bootstrap !== undefined) all.push({ key: 'bs', abbr: 'bs', value: resampling.bootstrap });
  if (resampling.randomization !== undefined) all.push({ key: 'ar', abbr: 'ar', value: resampling.randomization });
  if (resampling.seed !== undefined) all.push({ key: 'seed', abbr: 'rs', value: resampling.seed });
  all.push(...fields, { key: 'version', abbr: 'v', value: SIGNATURE_VERSION });
  return all.map((f) => `${short ? f.abbr : f.key}:${f.value}`).join('|');
}

export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
