// The models: many-to-one (SequenceClassifier), many-to-many (SequenceTagger) and
// autoregressive (LanguageModel), all trained by the one loop in trainer.ts.
export { RecurrentModel, type RecurrentModelOptions } from './base.js';
export { SequencePooling, type PoolingMode } from './pooling.js';
export { SequenceClassifier, type SequenceClassifierOptions, type ClassifierFitOptions } from './sequence-classifier.js';
export { SequenceTagger, type SequenceTaggerOptions, type TaggerFitOptions } from './sequence-tagger.js';
export { LanguageModel, sampleLogits, type LanguageModelOptions, type FitOptions, type GenerateOptions } from './language-model.js';
export {
  fitLoop, evaluateBatches, resolveTrainOptions, shuffleInPlace, splitIndices, indexBatches, noRandom,
  type TrainOptions, type TrainProgress, type EpochSummary, type History, type TrainTask, type StepResult,
} from './trainer.js';
