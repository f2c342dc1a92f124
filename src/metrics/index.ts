// The public API of seqwasm's metrics: BLEU, chrF(++) and TER with sacreBLEU 2.x semantics, their
// tokenizers, and significance tests. Pure TypeScript with no imports from the runtime.
export { BLEU, bleuVerbose, closestRefLength, computeBleu, SMOOTH_DEFAULTS } from './bleu.js';
export type { BleuOptions, BleuScore, ComputeBleuOptions, SmoothMethod } from './bleu.js';
export { CHRF, chrfWords } from './chrf.js';
export type { ChrfOptions, ChrfScore } from './chrf.js';
export { TER } from './ter.js';
export type { TerOptions, TerScore } from './ter.js';
export { translationEditRate } from './tercom.js';
export { ReferenceMetric, segmentReferences, sumStatistics } from './metric.js';
export type { Metric, NumRefs, RefStreams, Score } from './metric.js';
export { SIGNATURE_VERSION } from './signature.js';
export type { ResamplingInfo } from './signature.js';
export { getTokenizer, tokenize, TOKENIZER_NAMES } from './tokenizers.js';
export type { Tokenizer, TokenizerName } from './tokenizers.js';
export {
  bootstrapConfidence,
  DEFAULT_AR_TRIALS,
  DEFAULT_BOOTSTRAP_SAMPLES,
  DEFAULT_SEED,
  estimateCi,
  pairedBootstrap,
  pairedRandomization,
  pairedTest,
  seededRandom,
  seededUint32,
} from './significance.js';
export type {
  ConfidenceResult,
  Estimate,
  PairedResult,
  PairedTestOptions,
  PairedTestType,
  ResamplingOptions,
} from './significance.js';
export { pyRstrip, pySplit, pyStrip } from './text.js';
