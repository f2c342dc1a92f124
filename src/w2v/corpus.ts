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

// The token cache is a byte stream of unsigned LEB128 varints: 7 bits a byte, low bits first, the
// high bit set on every byte but the last. Frequency-ranked ids make most tokens one byte (ranks
// < 128) or two (< 16384): 1.55 bytes a token instead of 4 on the 100 MB English Wikipedia
// corpus of docs/word2vec.md.

/** Bytes of v (an integer in [0, 2^31)) as a varint. */
export function varintLength(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Writes v (an integer in [0, 2^31)) at bytes[pos], returns the position after it. */
export function writeVarint(bytes: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) { bytes[pos++] = (v & 0x7f) | 0x80; v >>>= 7; }
  bytes[pos++] = v;
  return pos;
}

/** Decodes `count` varints from bytes[pos] into out[at..]; returns the position after them. */
export function readVarints(bytes: Uint8Array, pos: number, out: Int32Array, at: number, count: number): number {
  // One- and two-byte values (ranks < 16384: nearly every token) take a path without a loop,
  // which decodes twice as fast as the plain loop in Node 20 (Zipf-distributed ranks).
  for (const end = at + count; at < end; at++) {
    let b = bytes[pos++];
    if (b < 0x80) { out[at] = b; continue; }
    let v = b & 0x7f;
    b = bytes[pos++];
    if (b < 0x80) { out[at] = v | (b << 7); continue; }
    v |= (b & 0x7f) << 7;
    for (let shift = 14; ; shift += 7) {
      b = bytes[pos++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out[at] = v;
  }
  return pos;
}

/**
 * The corpus as final vocabulary ranks, sentence after sentence: varint(in-vocabulary tokens),
 * varint(out-of-vocabulary tokens), then the rank of each in-vocabulary token. The OOV count keeps
 * each sentence's raw length, which the learning-rate schedule and progress count.
 */
export interface CachedCorpus {
  bytes: Uint8Array;
}

// Chunks of the recording during counting: fixed size, so growing never copies what is recorded
// and the recording costs its length plus at most one partly filled chunk.
const CHUNK = 1 << 20;
const MAX_VARINT = 5;

/**
 * Counting pass that also records the corpus while it has at most `cap` tokens, so later passes
 * skip reading and tokenizing the text (gensim's speed runs keep the corpus in memory as lists of
 * strings; this is the compact equivalent). The final vocabulary is not known while counting, so
 * the recording holds counter ids (first-seen order) as varints: per sentence its length, then
 * its ids; `finish` re-encodes it as a CachedCorpus. Beyond the cap the recording is dropped and
 * training streams the source every epoch.
 */
export class RecordingCounter {
  readonly index = new Map<string, number>();
  readonly words: string[] = [];
  counts: number[] = [];
  totalWords = 0;
  /** Filled chunks and the number of varints in each; null once the corpus outgrew the cap. */
  #chunks: Uint8Array[] | null = [];
  #values: number[] = [];
  #chunk = new Uint8Array(CHUNK);
  #pos = 0;
  #valuesInChunk = 0;
  #sentences = 0;

  constructor(readonly cap: number) {}

  add(tokens: readonly string[]): void {
    const index = this.index, counts = this.counts;
    if (this.#chunks && this.totalWords + tokens.length > this.cap) this.#drop();
    const recording = this.#chunks !== null;
    if (recording) this.#put(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      let id = index.get(t);
      if (id === undefined) { id = this.words.length; index.set(t, id); this.words.push(t); counts.push(0); }
      counts[id]++;
      if (recording) this.#put(id);
    }
    if (recording) this.#sentences++;
    this.totalWords += tokens.length;
  }

  // A varint never straddles two chunks, so #eachSentence switches chunks between values.
  #put(v: number): void {
    if (this.#pos + MAX_VARINT > CHUNK) {
      this.#chunks!.push(this.#chunk);
      this.#values.push(this.#valuesInChunk);
      this.#chunk = new Uint8Array(CHUNK);
      this.#pos = 0;
      this.#valuesInChunk = 0;
    }
    this.#pos = writeVarint(this.#chunk, this.#pos, v);
    this.#valuesInChunk++;
  }

  #drop(): void {
    this.#chunks = null;
    this.#values = [];
    this.#chunk = new Uint8Array(0);
  }

  /** Counts in first-seen order. */
  countMap(): Map<string, number> {
    const m = new Map<string, number>();
    this.words.forEach((w, i) => m.set(w, this.counts[i]));
    return m;
  }

  /** The recording in final vocabulary ranks (OOV dropped), or null if the corpus outgrew the cap. */
  finish(finalIndex: Map<string, number>): CachedCorpus | null {
    if (!this.#chunks) return null;
    const remap = new Int32Array(this.words.length);
    this.words.forEach((w, i) => { remap[i] = finalIndex.get(w) ?? -1; });
    // Two passes over the recording: the exact size, then the bytes, so the cache has no slack.
    let size = 0;
    this.#eachSentence(remap, (ranks, kept, raw) => {
      size += varintLength(kept) + varintLength(raw - kept);
      for (let i = 0; i < kept; i++) size += varintLength(ranks[i]);
    });
    const bytes = new Uint8Array(size);
    let pos = 0;
    this.#eachSentence(remap, (ranks, kept, raw) => {
      pos = writeVarint(bytes, pos, kept);
      pos = writeVarint(bytes, pos, raw - kept);
      for (let i = 0; i < kept; i++) pos = writeVarint(bytes, pos, ranks[i]);
    });
    this.#drop();
    this.counts = [];
    return { bytes };
  }

  /** Each recorded sentence as its in-vocabulary ranks (in a reused buffer), their number and its length. */
  #eachSentence(remap: Int32Array, visit: (ranks: Int32Array, kept: number, raw: number) => void): void {
    const chunks = [...this.#chunks!, this.#chunk], values = [...this.#values, this.#valuesInChunk];
    let c = 0, pos = 0, left = values[0]; // varints not yet read in chunk c
    const read = (out: Int32Array, count: number): void => {
      for (let at = 0; at < count;) {
        if (left === 0) { c++; pos = 0; left = values[c]; }
        const k = Math.min(count - at, left);
        pos = readVarints(chunks[c], pos, out, at, k);
        at += k;
        left -= k;
      }
    };
    const head = new Int32Array(1), ranks = new Int32Array(MAX_SENTENCE);
    for (let s = 0; s < this.#sentences; s++) {
      read(head, 1);
      const raw = head[0];
      read(ranks, raw);
      // Counter ids become ranks in place, OOV ones dropped.
      let kept = 0;
      for (let i = 0; i < raw; i++) {
        const rank = remap[ranks[i]];
        if (rank >= 0) ranks[kept++] = rank;
      }
      visit(ranks, kept, raw);
    }
  }
}

/** Batches of about `batchWords` corpus tokens, from the cache or by streaming the source. */
export async function* batches(source: CorpusSource, cached: CachedCorpus | null, index: Map<string, number>, batchWords: number): AsyncGenerator<Batch> {
  // A batch ends with the sentence that brings it to batchWords raw tokens, so it holds fewer
  // than batchWords + MAX_SENTENCE ids. The buffers are reused: a consumer copies a batch out
  // before asking for the next.
  const cap = batchWords + MAX_SENTENCE;
  const ids = new Int32Array(cap), ends = new Int32Array(cap);
  if (cached) { yield* cachedBatches(cached, ids, ends, batchWords); return; }
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

/** The same batches as streaming gives, decoded from the cache. */
function* cachedBatches(cached: CachedCorpus, ids: Int32Array, ends: Int32Array, batchWords: number): Generator<Batch> {
  const bytes = cached.bytes, size = bytes.length;
  const head = new Int32Array(2); // in-vocabulary and out-of-vocabulary tokens of a sentence
  let pos = 0;
  while (pos < size) {
    let n = 0, count = 0, raw = 0;
    while (pos < size && raw < batchWords) {
      pos = readVarints(bytes, pos, head, 0, 2);
      pos = readVarints(bytes, pos, ids, n, head[0]);
      n += head[0];
      raw += head[0] + head[1];
      ends[count++] = n;
    }
    yield { ids, n, ends, count, raw };
  }
}
