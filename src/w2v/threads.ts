// Hogwild training across worker_threads over one shared WebAssembly.Memory (Node).
import { SeqwasmError, ErrorCode } from '../errors.js';
import type { Word2Vec, Progress } from './word2vec.js';
import type { CorpusSource } from './corpus.js';

export async function trainThreaded(_m: Word2Vec, _c: CorpusSource, _epochs: number, _p?: (p: Progress) => void):
    Promise<{ loss: number; predictions: number; seconds: number; wordsPerSec: number }> {
  throw new SeqwasmError(ErrorCode.badArgument, 'threads > 1 is not available yet');
}
