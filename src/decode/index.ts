// Decoding: greedy, sampling and beam search over any model with a batched `step`.
export type { StepModel, StepOutput, Hypothesis, LengthLimit, DecodeOptions } from './types.js';
export { greedy, sample, type SampleOptions } from './greedy.js';
export { beamSearch, type BeamSearchOptions } from './beam.js';
export { lengthPenalty, coveragePenalty, type LengthPenalty } from './penalties.js';
export { selectRows } from './state.js';
