// Corpus input: a text file (streamed in chunks, never held whole), or an iterable / async
// iterable of lines or token arrays. A sentence is a line (or an array); sentences longer than
// MAX_SENTENCE words are cut into pieces of that length, as gensim's LineSentence and
// Text8Corpus do (gensim's MAX_WORDS_IN_BATCH = 10000), so a one-line corpus such as text8 streams.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

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
  const { createReadStream } = await import('node:fs');
  const { stat } = await import('node:fs/promises');
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
