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
export { Linear, Embedding, Dropout } from './nn/layers.js';
export * from './train/index.js';
export * as metrics from './metrics/index.js';
export { LanguageModel, sampleLogits, type LanguageModelOptions, type FitOptions, type GenerateOptions } from './models/language-model.js';
export const VERSION = '0.1.0';
