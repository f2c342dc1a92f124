// Corpus input: a text file (streamed in chunks, never held whole), or an iterable / async
// iterable of lines or token arrays. A sentence is a line (or an array); sentences longer than
// MAX_SENTENCE words are cut into pieces of that length, as gensim's LineSentence and
// Text8Corpus do (gensim's MAX_WORDS_IN_BATCH = 10000), so a one-line corpus such as text8 streams.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { nodeModule } from '../core/node-module.js';

export const MAX_SENTENCE = 10000;

type Item = string | readonly string[];
/** What `Word2Vec` trains on. A function is called once per pass (epoch, vocabulary count). */
export type CorpusSource =
  | string
  | { path: string }
  | Iterable<Item>
  | AsyncIterable<Item>
  | (() => Iterable<Item> | AsyncIterable<Item>);

const WS = /[ \t\n\r\f\v]+/;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function splitTokens(line: string): string[] {
  const t = line.split(WS);
  if (t.length > 0 && t[0] === '') t.shift();
  if (t.length > 0 && t[t.length - 1] === '') t.pop();
  return t;
}

function* chunked(tokens: string[]): Generator<string[]> {
  if (tokens.length <= MAX_SENTENCE) { if (tokens.length > 0) yield tokens; return; }
  for (let i = 0; i < tokens.length; i += MAX_SENTENCE) yield tokens.slice(i, i + MAX_SENTENCE);
}

/** Sentences of a UTF-8 text file, read in 1 MiB chunks. Lines end sentences. */
async function* fileSentences(path: string): AsyncGenerator<string[]> {
  const { createReadStream } = await nodeModule<typeof import('node:fs')>('node:fs');
  const { stat } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    await stat(path);
  } catch (e) {
    throw new SeqwasmError(ErrorCode.badFile, `cannot read the corpus file ${describe(path)}: ${(e as Error).message}`);
  }
  const decoder = new TextDecoder('utf-8');
  let carry = '';       // an unfinished token at the end of the previous chunk
  let current: string[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const text = carry + decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = text.split('\n');
    for (let li = 0; li < lines.length; li++) {
      let line = lines[li];
      const last = li === lines.length - 1;
      if (last) {
        // Keep the trailing partial token for the next chunk.
        let k = line.length;
        while (k > 0 && !isSpace(line.charCodeAt(k - 1))) k--;
        carry = line.slice(k);
        line = line.slice(0, k);
      }
      const toks = splitTokens(line);
      for (const t of toks) {
        current.push(t);
        if (current.length === MAX_SENTENCE) { yield current; current = []; }
      }
      if (!last && current.length > 0) { yield current; current = []; }
    }
  }
  const rest = splitTokens(carry + decoder.decode());
  for (const t of rest) {
    current.push(t);
    if (current.length === MAX_SENTENCE) { yield current; current = []; }
  }
  if (current.length > 0) yield current;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Item> {
  return x != null && typeof (x as AsyncIterable<Item>)[Symbol.asyncIterator] === 'function';
}
function isIterable(x: unknown): x is Iterable<Item> {
  return x != null && typeof x !== 'string' && typeof (x as Iterable<Item>)[Symbol.iterator] === 'function';
}

/** Checks a source once, before any pass; `passes` > 1 needs a source that can be read again. */
export function checkSource(source: CorpusSource, passes: number): void {
  if (typeof source === 'string' || typeof source === 'function') return;
  if (typeof source === 'object' && source !== null && 'path' in source && typeof source.path === 'string') return;
  if (isIterable(source) || isAsyncIterable(source)) {
    const it = isIterable(source) ? source[Symbol.iterator]() : source[Symbol.asyncIterator]();
    const oneShot = (it as unknown) === source;
    if (oneShot && passes > 1) {
      throw new SeqwasmError(ErrorCode.badArgument,
        `the corpus is a one-shot iterator (a generator?) but ${passes} passes over it are needed; pass a function that returns a fresh iterable, a file path, or an array`);
    }
    return;
  }
  throw new SeqwasmError(ErrorCode.badArgument,
    `corpus must be a file path, an iterable or async iterable of lines or token arrays, or a function returning one; received ${describe(source)}`);
}

/** One pass over the corpus: sentences as token arrays of at most MAX_SENTENCE words. */
export async function* sentences(source: CorpusSource): AsyncGenerator<string[]> {
  if (typeof source === 'string') { yield* fileSentences(source); return; }
  if (typeof source === 'object' && source !== null && 'path' in source && typeof (source as { path: unknown }).path === 'string') {
    yield* fileSentences((source as { path: string }).path);
    return;
  }
  const it = typeof source === 'function' ? source() : source;
  const each = (item: Item, k: number): string[] => {
    if (typeof item === 'string') return splitTokens(item);
    if (Array.isArray(item)) {
      for (const t of item) {
        if (typeof t !== 'string') {
          throw new SeqwasmError(ErrorCode.badArgument, `sentence ${k} must hold strings, received ${describe(t)}`);
        }
      }
      return item as string[];
    }
    throw new SeqwasmError(ErrorCode.badArgument, `sentence ${k} must be a string or an array of strings, received ${describe(item)}`);
  };
  let k = 0;
  if (isIterable(it)) {
    for (const item of it) yield* chunked(each(item, k++));
  } else if (isAsyncIterable(it)) {
    for await (const item of it) yield* chunked(each(item, k++));
  } else {
    throw new SeqwasmError(ErrorCode.badArgument, `the corpus function must return an iterable, received ${describe(it)}`);
  }
}

/** A batch of sentences as vocabulary indices: ids[0..n), sentence ends[0..count), raw tokens. */
export interface Batch {
  ids: Int32Array;
  n: number;
  ends: Int32Array;
  count: number;
  /** Corpus tokens the batch covers, out-of-vocabulary ones included. */
  raw: number;
}

/**
 * Counting pass that also records the corpus as token ids (4 bytes a token) while it fits under
 * `cap` tokens, so later passes skip reading and tokenizing the text (gensim's speed runs keep
 * the corpus in memory as lists of strings; this is the compact equivalent). Beyond the cap the
 * recording is dropped and training streams the source every epoch.
 */
export class RecordingCounter {
  readonly index = new Map<string, number>();
  readonly words: string[] = [];
  counts: number[] = [];
  totalWords = 0;
  #tokens: Int32Array | null = new Int32Array(1 << 16);
  #n = 0;
  #ends: number[] = [];

  constructor(readonly cap: number) {}

  add(tokens: readonly string[]): void {
    const index = this.index, counts = this.counts;
    let buf = this.#tokens;
    if (buf && this.#n + tokens.length > this.cap) { buf = this.#tokens = null; this.#ends = []; }
    if (buf && this.#n + tokens.length > buf.length) {
      const bigger = new Int32Array(Math.min(this.cap, Math.max(buf.length * 2, this.#n + tokens.length)));
      bigger.set(buf.subarray(0, this.#n));
      buf = this.#tokens = bigger;
    }
    let n = this.#n;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      let id = index.get(t);
      if (id === undefined) { id = this.words.length; index.set(t, id); this.words.push(t); counts.push(0); }
      counts[id]++;
      if (buf) buf[n++] = id;
    }
    if (buf) { this.#n = n; this.#ends.push(n); }
    this.totalWords += tokens.length;
  }

  /** Counts in first-seen order. */
  countMap(): Map<string, number> {
    const m = new Map<string, number>();
    this.words.forEach((w, i) => m.set(w, this.counts[i]));
    return m;
  }

  /** The recorded corpus in final vocabulary ids (OOV dropped), or null if it did not fit. */
  finish(finalIndex: Map<string, number>): CachedCorpus | null {
    const buf = this.#tokens;
    if (!buf) return null;
    const remap = new Int32Array(this.words.length);
    this.words.forEach((w, i) => { remap[i] = finalIndex.get(w) ?? -1; });
    const ids = new Int32Array(this.#n);
    const ends = new Int32Array(this.#ends.length), raw = new Int32Array(this.#ends.length);
    let k = 0, start = 0;
    this.#ends.forEach((end, s) => {
      for (let i = start; i < end; i++) { const id = remap[buf[i]]; if (id >= 0) ids[k++] = id; }
      ends[s] = k;
      raw[s] = end - start;
      start = end;
    });
    this.#tokens = null;
    this.counts = [];
    return { ids: ids.slice(0, k), ends, raw };
  }
}

export interface CachedCorpus {
  ids: Int32Array;
  /** End offset in ids of each sentence. */
  ends: Int32Array;
  /** Raw token count of each sentence. */
  raw: Int32Array;
}

/** Batches of about `batchWords` corpus tokens, from the recorded ids or by streaming the source. */
export async function* batches(source: CorpusSource, cached: CachedCorpus | null, index: Map<string, number>, batchWords: number): AsyncGenerator<Batch> {
  if (cached) {
    const ends = new Int32Array(MAX_SENTENCE + batchWords);
    const S = cached.ends.length;
    let s = 0, start = 0;
    while (s < S) {
      let raw = 0, count = 0;
      const first = start;
      while (s < S && raw < batchWords) {
        raw += cached.raw[s];
        ends[count++] = cached.ends[s] - first;
        start = cached.ends[s];
        s++;
      }
      yield { ids: cached.ids.subarray(first, start), n: start - first, ends, count, raw };
    }
    return;
  }
  const cap = batchWords + MAX_SENTENCE;
  const ids = new Int32Array(cap), ends = new Int32Array(cap);
  let n = 0, count = 0, raw = 0;
  for await (const s of sentences(source)) {
    for (let i = 0; i < s.length; i++) {
      const id = index.get(s[i]);
      if (id !== undefined) ids[n++] = id;
    }
    raw += s.length;
    ends[count++] = n;
    if (raw >= batchWords) { yield { ids, n, ends, count, raw }; n = 0; count = 0; raw = 0; }
  }
  if (count > 0) yield { ids, n, ends, count, raw };
}
