// The runtime-independent API; each runtime entry re-exports it beside its own `init`.
export { SeqwasmError, ErrorCode } from './errors.js';
export { Backend, Slab, type Build, type TensorData, type TensorOptions } from './core/backend.js';
export { Tensor, type DType } from './core/tensor.js';
export type { Shape, NestedArray } from './core/shape.js';
export { getBackend, setBackend, relaxedSimdSupported, type InitOptions, type WasmSource } from './core/init.js';
export { tensor, zeros } from './core/default.js';
export * from './ops/blas.js';
export * from './ops/activations.js';
export * from './ops/softmax.js';
export { Module, type StateDict, type StateEntry } from './nn/module.js';
export { Parameter } from './nn/parameter.js';
export { RNN, GRU, LSTM, RecurrentBase, type RecurrentOptions, type RecurrentMode, type ForwardOptions, type ForwardResult, type BackwardResult } from './nn/recurrent.js';
export { RNNCell, GRUCell, LSTMCell, type CellOptions } from './nn/cells.js';
export { Linear, Embedding, Dropout, type VectorSource, type PretrainedOptions, type Coverage } from './nn/layers.js';
export * from './train/index.js';
export * as metrics from './metrics/index.js';
export * from './w2v/index.js';
export { Attention, AttentionalState, type AttentionType, type AttentionOptions } from './nn/attention.js';
export {
  greedy, sample, beamSearch, lengthPenalty, coveragePenalty, selectRows,
  type StepModel, type StepOutput, type Hypothesis, type LengthLimit, type DecodeOptions, type SampleOptions,
  type BeamSearchOptions, type LengthPenalty,
} from './decode/index.js';
export {
  Seq2Seq, Vocabulary as Seq2SeqVocabulary, PAD, BOS, EOS, UNK,
  type Seq2SeqOptions, type Seq2SeqCell, type Seq2SeqAttention, type LossOptions, type LossResult, type TranslateOptions,
  type Seq2SeqTrainOptions, type Seq2SeqEpochSummary, type DecoderState, type VocabularyOptions, type VocabularyJSON,
  type VocabularyLevel, type TeacherForcingSchedule, Translator, SEQ2SEQ_FILES, type TextHypothesis,
} from './seq2seq/index.js';
export { attentionHeatmap, type AttentionHeatmapInput, type AttentionHeatmapOptions } from './plot/attention-heatmap.js';
export { trainingCurve, type CurvePoint, type TrainingCurveOptions } from './plot/training-curve.js';
export { encodeSafetensors, decodeSafetensors } from './nn/safetensors.js';
export {
  SequenceClassifier, SequenceTagger, LanguageModel, sampleLogits, SequencePooling, RecurrentModel,
  fitLoop, evaluateBatches, resolveTrainOptions, shuffleInPlace, splitIndices, indexBatches, noRandom,
  type SequenceClassifierOptions, type ClassifierFitOptions, type SequenceTaggerOptions, type TaggerFitOptions,
  type LanguageModelOptions, type FitOptions, type GenerateOptions, type PoolingMode, type RecurrentModelOptions,
  type TrainOptions, type TrainProgress, type EpochSummary, type History, type TrainTask, type StepResult,
} from './models/index.js';
export const VERSION = '0.1.0';
