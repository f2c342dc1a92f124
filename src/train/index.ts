// Training: optimizers, gradient clipping and learning-rate schedules.
export {
  Optimizer, SGD, Adam, AdamW, RMSprop,
  type SGDOptions, type AdamOptions, type RMSpropOptions,
  type OptimizerStateDict, type ParamState, type BufferState,
} from './optim.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export {
  LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LinearLR, SequentialLR,
  type StepLROptions, type ExponentialLROptions, type CosineAnnealingLROptions, type LinearLROptions,
} from './schedule.js';
