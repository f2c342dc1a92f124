// Word2Vec: vocabulary, training loop (JS streams the corpus, wasm trains sentence batches) and
// the trained vectors as KeyedVectors.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { Vocabulary, WordCounter, type VocabOptions } from './vocab.js';
import { sentences, checkSource, batches, RecordingCounter, type CachedCorpus, type CorpusSource, MAX_SENTENCE } from './corpus.js';
import { ModelMemory, type ModelShape } from './context.js';
import { KeyedVectors } from './keyed_vectors.js';
import { alphaAfter, progressRecord } from './schedule.js';
import { threadsHost, sharedOf, createSharedBackend } from './threads.js';

export interface Progress {
  epoch: number;
  epochs: number;
  /** Corpus words processed so far over all epochs (every token, before subsampling). */
  wordsDone: number;
  wordsTotal: number;
  wordsPerSec: number;
  alpha: number;
  /** Σ −log σ over every prediction so far (float64). */
  loss: number;
  /** loss / number of predictions. */
  lossPerPrediction: number;
  etaSeconds: number;
}

/** What `train` returns. */
export interface TrainResult {
  /** Σ −log σ over every prediction of the run. */
  loss: number;
  predictions: number;
  seconds: number;
  wordsPerSec: number;
  /** Each worker's share of loss and predictions (one entry with threads: 1). */
  perThread: Array<{ loss: number; predictions: number }>;
}

export interface Word2VecOptions extends VocabOptions {
  /** Vector size (word2vec.c `-size`, default 100). */
  vectorSize?: number;
  /** Max context distance (word2vec.c `-window`, default 5). */
  window?: number;
  /** 'cbow' (word2vec.c's default, `-cbow 1`) or 'skipgram'. */
  model?: 'cbow' | 'skipgram';
  /** CBOW hidden layer: mean (default, as word2vec.c) or sum of the context vectors. */
  cbowMean?: boolean;
  /** Negative samples per example (default 5; 0 turns negative sampling off). */
  negative?: number;
  /** Hierarchical softmax (default false). */
  hs?: boolean;
  /** Exponent of the noise distribution, count^nsExponent (default 0.75). */
  nsExponent?: number;
  /** Subsampling threshold (default 1e-3; 0: off). */
  sample?: number;
  /** Starting learning rate (default 0.05 for CBOW, 0.025 for skip-gram, as word2vec.c). */
  alpha?: number;
  /** Final learning rate (default alpha · 1e-4, word2vec.c's floor). */
  minAlpha?: number;
  /** Passes over the corpus (default 5). */
  epochs?: number;
  /** Seed of the generator (initial vectors, subsampling, windows, negatives). Default 1. */
  seed?: number;
  /**
   * Worker threads (Hogwild) where `threadsSupported()`: Node, Deno, cross-origin isolated
   * browsers. Default 1: reproducible bit for bit.
   */
  threads?: number;
  /** Shrink windows at random as word2vec.c does (default true). */
  shrinkWindows?: boolean;
  /** A predefined vocabulary (word, count), as word2vec.c's -read-vocab: the corpus is not counted. */
  vocabulary?: ReadonlyArray<readonly [string, number]>;
  /** Every corpus token, for the learning-rate schedule with a predefined vocabulary (default Σ counts). */
  totalWords?: number;
  onProgress?: (p: Progress) => void;
  /** Milliseconds between progress calls (default 500). */
  progressInterval?: number;
  backend?: Backend;
  /**
   * Keep the corpus in memory after the counting pass, so epochs do not re-read the text, when it
   * has at most this many tokens (default 2^26 ≈ 67M tokens; 0: always stream). The cache holds
   * in-vocabulary tokens only, as varints of their frequency rank (about 1.5 bytes a token on
   * English text; `cachedBytes` tells). Larger corpora stream from the source every epoch.
   */
  cacheTokens?: number;
  /** Testing only: exact sigmoid instead of word2vec.c's table. */
  exactSigmoid?: boolean;
}

/** Corpus words trained per kernel call, on one thread or many (gensim's jobs hold 10,000 words). */
export const BATCH_WORDS = 10000;

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) {
    throw new SeqwasmError(ErrorCode.badArgument, `${name} must be an integer ≥ ${min}, received ${describe(v)}`);
  }
  return v;
}
function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new SeqwasmError(ErrorCode.badArgument, `${name} must be a finite number ≥ 0, received ${describe(v)}`);
  }
  return v;
}

export class Word2Vec {
  backend: Backend;
  readonly options: Required<Pick<Word2VecOptions, 'vectorSize' | 'window' | 'model' | 'cbowMean' | 'negative' |
    'hs' | 'nsExponent' | 'sample' | 'alpha' | 'minAlpha' | 'epochs' | 'seed' | 'threads' | 'shrinkWindows' | 'minCount'>> & Word2VecOptions;
  vocab: Vocabulary | null = null;
  /** Every corpus token (before minCount and subsampling), from the vocabulary pass. */
  corpusWords = 0;
  memory: ModelMemory | null = null;
  /** The corpus as vocabulary ranks, recorded by the counting pass (see cacheTokens). */
  cached: CachedCorpus | null = null;
  cachedSource: CorpusSource | null = null;
  #wv: KeyedVectors | null = null;

  constructor(options: Word2VecOptions = {}) {
    const model = options.model ?? 'cbow';
    if (model !== 'cbow' && model !== 'skipgram') {
      throw new SeqwasmError(ErrorCode.badArgument, `model must be 'cbow' or 'skipgram', received ${describe(model)}`);
    }
    const alpha = nonNegative('alpha', options.alpha ?? (model === 'cbow' ? 0.05 : 0.025));
    this.options = {
      ...options,
      vectorSize: positiveInt('vectorSize', options.vectorSize ?? 100),
      window: positiveInt('window', options.window ?? 5),
      model,
      cbowMean: options.cbowMean ?? true,
      negative: positiveInt('negative', options.negative ?? 5, 0),
      hs: options.hs ?? false,
      nsExponent: options.nsExponent ?? 0.75,
      sample: nonNegative('sample', options.sample ?? 1e-3),
      alpha,
      minAlpha: nonNegative('minAlpha', options.minAlpha ?? alpha * 1e-4),
      epochs: positiveInt('epochs', options.epochs ?? 5),
      seed: positiveInt('seed', options.seed ?? 1, 0),
      threads: positiveInt('threads', options.threads ?? 1),
      shrinkWindows: options.shrinkWindows ?? true,
      minCount: positiveInt('minCount', options.minCount ?? 5, 1),
    };
    if (this.options.negative === 0 && !this.options.hs) {
      throw new SeqwasmError(ErrorCode.badArgument, 'negative is 0 and hs is off: there is no objective to train');
    }
    if (this.options.threads > 1) {
      // Checked here rather than at training, before any corpus is read.
      const where = threadsHost();
      if (where.host === null) {
        throw new SeqwasmError(ErrorCode.badArgument, `threads must be 1 in this runtime, received ${this.options.threads}: ${where.reason}`);
      }
    }
    this.backend = options.backend ?? getBackend();
  }

  /** Builds the vocabulary, then trains. */
  static async train(corpus: CorpusSource, options: Word2VecOptions = {}): Promise<Word2Vec> {
    const m = new Word2Vec(options);
    checkSource(corpus, m.options.vocabulary ? m.options.epochs : m.options.epochs + 1);
    await m.buildVocab(corpus);
    await m.train(corpus);
    return m;
  }

  /** One pass over the corpus to count words (or the predefined vocabulary), then the weights. */
  async buildVocab(corpus?: CorpusSource): Promise<Vocabulary> {
    const o = this.options;
    if (o.vocabulary) {
      const counts = new Map<string, number>();
      for (const [w, c] of o.vocabulary) {
        if (typeof w !== 'string' || !Number.isFinite(c) || c < 0) {
          throw new SeqwasmError(ErrorCode.badArgument, `vocabulary entries must be [word, count], received [${describe(w)}, ${describe(c)}]`);
        }
        if (!counts.has(w)) counts.set(w, c);
      }
      this.vocab = Vocabulary.fromCounts(counts, o);
      this.corpusWords = o.totalWords ?? this.vocab.retainedWords;
    } else {
      if (corpus === undefined) throw new SeqwasmError(ErrorCode.badArgument, 'buildVocab needs a corpus (or the vocabulary option)');
      checkSource(corpus, 1);
      const cap = o.cacheTokens ?? 2 ** 26;
      if (o.maxVocabSize === undefined && cap > 0) {
        const counter = new RecordingCounter(cap);
        for await (const s of sentences(corpus)) counter.add(s);
        this.vocab = Vocabulary.fromCounts(counter.countMap(), o);
        this.corpusWords = counter.totalWords;
        this.cached = counter.finish(this.vocab.index);
        this.cachedSource = corpus;
      } else {
        const counter = new WordCounter(o.maxVocabSize ?? Infinity);
        for await (const s of sentences(corpus)) counter.add(s);
        this.vocab = Vocabulary.fromCounts(counter.counts, o);
        this.corpusWords = counter.totalWords;
      }
    }
    await this.#allocate();
    return this.vocab;
  }

  async #allocate(): Promise<void> {
    const o = this.options;
    this.memory?.free();
    if (o.threads > 1) {
      // Threads need the model in a shared memory: the shared-memory build of the same flavour.
      if (!sharedOf(this.backend)) this.backend = await createSharedBackend({ build: this.backend.build });
    }
    const shape: ModelShape = {
      dim: o.vectorSize, window: o.window, negative: o.negative, hs: o.hs, cbow: o.model === 'cbow',
      cbowMean: o.cbowMean, sample: o.sample, nsExponent: o.nsExponent,
      flags: (o.exactSigmoid ? 1 : 0) | (o.shrinkWindows ? 0 : 2),
    };
    const mem = new ModelMemory(this.backend, this.vocab!, shape);
    this.memory = mem;
    // Initial vectors as word2vec.c: uniform in [−0.5/dim, 0.5/dim); output vectors zero.
    const k = this.backend.kernels;
    k.rngSeed(mem.rngOf(mem.ctx), o.seed);
    const d = o.vectorSize;
    k.randUniform(mem.syn0, this.vocab!.size * d, mem.rngOf(mem.ctx), -0.5 / d, 0.5 / d);
    this.#wv = null;
  }

  /** The trained vectors (a view of the model's input vectors; no copy). */
  get wv(): KeyedVectors {
    if (!this.memory || !this.vocab) throw new SeqwasmError(ErrorCode.notInitialized, 'the model has no vocabulary yet: call buildVocab() or train()');
    this.#wv ??= KeyedVectors.fromModel(this.backend, this.vocab.words, this.vocab.counts, this.memory.syn0, this.options.vectorSize);
    return this.#wv;
  }

  /** Trains for `epochs` passes over the corpus (streamed again each pass). */
  async train(corpus: CorpusSource, overrides: { onProgress?: (p: Progress) => void; epochs?: number } = {}): Promise<TrainResult> {
    if (!this.memory || !this.vocab) await this.buildVocab(corpus);
    const o = this.options;
    const epochs = overrides.epochs ?? o.epochs;
    const onProgress = overrides.onProgress ?? o.onProgress;
    checkSource(corpus, epochs);
    const mem = this.memory!;
    const vocab = this.vocab!;
    const total = this.corpusWords * epochs;
    if (o.threads > 1) {
      const { trainThreaded } = await import('./threads-train.js');
      const result = await trainThreaded(this, corpus, epochs, onProgress);
      this.#wv?.invalidate();
      return result;
    }
    const k = this.backend.kernels;
    const cap = BATCH_WORDS + MAX_SENTENCE;
    const wordsPtr = this.backend.allocator.alloc(cap * 4);
    const endsPtr = this.backend.allocator.alloc(cap * 4);
    const t0 = performance.now();
    let lastReport = t0;
    const interval = o.progressInterval ?? 500;
    let done = 0, loss = 0, predictions = 0;
    const alphaAt = (w: number) => alphaAfter(w, total, o.alpha, o.minAlpha);
    let alpha = o.alpha;
    const report = (epoch: number) => {
      const [l, n] = mem.lossOf(mem.ctx, true);
      loss += l; predictions += n;
      onProgress?.(progressRecord({ epoch, epochs, done, total, startMs: t0, alpha, loss, predictions }));
    };
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        for await (const b of batches(corpus, this.cachedFor(corpus), vocab.index, BATCH_WORDS)) {
          const a0 = alphaAt(done), a1 = alphaAt(done + b.raw);
          const mem32 = new Int32Array(k.memory.buffer);
          mem32.set(b.ids.subarray(0, b.n), wordsPtr >> 2);
          mem32.set(b.ends.subarray(0, b.count), endsPtr >> 2);
          k.w2vTrainBatch(mem.ctx, wordsPtr, endsPtr, b.count, a0, a1);
          done += b.raw;
          alpha = a1;
          const now = performance.now();
          if (onProgress && now - lastReport >= interval) { lastReport = now; report(epoch); }
        }
        report(epoch);
      }
    } finally {
      this.backend.allocator.free(wordsPtr);
      this.backend.allocator.free(endsPtr);
    }
    this.#wv?.invalidate();
    const seconds = (performance.now() - t0) / 1000;
    return { loss, predictions, seconds, wordsPerSec: done / seconds, perThread: [{ loss, predictions }] };
  }

  /** Bytes the token cache holds (0 without one). */
  get cachedBytes(): number {
    return this.cached?.bytes.byteLength ?? 0;
  }

  /** The cache when `corpus` is the source it was recorded from. */
  cachedFor(corpus: CorpusSource): CachedCorpus | null {
    return this.cached && corpus === this.cachedSource ? this.cached : null;
  }

  /** Frees the model's wasm memory. */
  dispose(): void {
    this.#wv?.dispose();
    this.memory?.free();
    this.memory = null;
  }
}
