// word2vec: public API.
export { Word2Vec, type Word2VecOptions, type Progress, type TrainResult } from './word2vec.js';
export { threadsSupported, createSharedBackend, type SharedBackendOptions } from './threads.js';
export { KeyedVectors, type AnalogyResult, type AnalogySection, type WordPairsResult, type Term } from './keyed_vectors.js';
export { Vocabulary, WordCounter, aliasTable, type VocabOptions } from './vocab.js';
export { type CorpusSource, MAX_SENTENCE } from './corpus.js';
export { parseText, parseBinary, formatText, formatBinary, reprFloat32 } from './format.js';
