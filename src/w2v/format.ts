// The word2vec text and binary formats, read and written as word2vec.c and gensim 4.2 do
// (semantics in test/fixtures/w2v/README.md). Bytes in, bytes out; file access is in io.ts.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

export interface ParsedVectors {
  words: string[];
  vectors: Float32Array; // (words.length, dim)
  dim: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function bad(msg: string): never {
  throw new SeqwasmError(ErrorCode.badFile, msg);
}

function decodeWord(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bad(`${where}: the word is not valid UTF-8`);
  }
}

/** `count dim\n`, split on whitespace (gensim: `int(x) for x in line.split()`). */
function readHeader(bytes: Uint8Array): { count: number; dim: number; pos: number } {
  const nl = bytes.indexOf(10);
  if (nl < 0) bad(bytes.length === 0 ? 'the file is empty: expected a header "count dim"' : 'the header line "count dim" is not terminated by a newline');
  const parts = decodeWord(bytes.subarray(0, nl), 'header').trim().split(/\s+/);
  const nums = parts.map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : NaN));
  if (nums.length !== 2 || !nums.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    bad(`the header must be two non-negative integers "count dim", received ${describe(new TextDecoder().decode(bytes.subarray(0, Math.min(nl, 80))))}`);
  }
  if (nums[1] === 0 && nums[0] > 0) bad('the header says the vectors have 0 dimensions');
  return { count: nums[0], dim: nums[1], pos: nl + 1 };
}

class Collector {
  words: string[] = [];
  seen = new Set<string>();
  vectors: Float32Array;
  constructor(readonly n: number, readonly dim: number) {
    this.vectors = new Float32Array(n * dim);
  }
  /** gensim keeps the first occurrence of a duplicate word and ignores the rest. */
  add(word: string, v: ArrayLike<number>): void {
    if (this.seen.has(word)) return;
    this.seen.add(word);
    this.vectors.set(v, this.words.length * this.dim);
    this.words.push(word);
  }
  result(): ParsedVectors {
    const vectors = this.words.length === this.n ? this.vectors : this.vectors.slice(0, this.words.length * this.dim);
    return { words: this.words, vectors, dim: this.dim };
  }
}

export function parseBinary(bytes: Uint8Array, limit?: number): ParsedVectors {
  const { count, dim, pos: start } = readHeader(bytes);
  const n = limit === undefined ? count : Math.min(count, limit);
  const out = new Collector(n, dim);
  const vbytes = dim * 4;
  const aligned = new Float32Array(dim);
  const alignedBytes = new Uint8Array(aligned.buffer);
  let pos = start;
  for (let i = 0; i < n; i++) {
    // gensim: word = bytes up to the next space, decoded, then lstrip('\n').
    const sp = bytes.indexOf(32, pos);
    if (sp < 0) bad(`unexpected end of file: the header promises ${count} vectors, entry ${i + 1} is missing or truncated`);
    let ws = pos;
    while (ws < sp && bytes[ws] === 10) ws++;
    const word = decodeWord(bytes.subarray(ws, sp), `entry ${i + 1}`);
    if (sp + 1 + vbytes > bytes.length) bad(`unexpected end of file: the vector of entry ${i + 1} (${describe(word)}) needs ${vbytes} bytes, ${bytes.length - sp - 1} are left`);
    alignedBytes.set(bytes.subarray(sp + 1, sp + 1 + vbytes));
    // Little-endian float32 (the machine order gensim writes on x86 and ARM).
    if (!littleEndian) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset + sp + 1, vbytes);
      for (let k = 0; k < dim; k++) aligned[k] = dv.getFloat32(k * 4, true);
    }
    out.add(word, aligned);
    pos = sp + 1 + vbytes;
  }
  return out.result();
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const NUMBER = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

export function parseText(bytes: Uint8Array, limit?: number): ParsedVectors {
  const { count, dim, pos: start } = readHeader(bytes);
  const n = limit === undefined ? count : Math.min(count, limit);
  const out = new Collector(n, dim);
  const v = new Float32Array(dim);
  let pos = start;
  for (let i = 0; i < n; i++) {
    if (pos >= bytes.length) bad(`unexpected end of file: the header promises ${count} vectors, the file has ${i}`);
    let nl = bytes.indexOf(10, pos);
    if (nl < 0) nl = bytes.length;
    // gensim: line.rstrip(), then split(' ').
    const line = decodeWord(bytes.subarray(pos, nl), `line ${i + 2}`).replace(/\s+$/, '');
    pos = nl + 1;
    const parts = line.split(' ');
    if (parts.length !== dim + 1) {
      bad(`line ${i + 2}: expected a word and ${dim} numbers separated by single spaces, received ${parts.length - 1} fields (inconsistent dimensions?)`);
    }
    for (let k = 0; k < dim; k++) {
      const f = parts[k + 1];
      if (!NUMBER.test(f)) bad(`line ${i + 2}: field ${k + 2} is not a number: ${describe(f)}`);
      const lower = f.toLowerCase().replace(/^[+]/, '');
      v[k] = lower.endsWith('nan') ? NaN : lower.includes('inf') ? (lower.startsWith('-') ? -Infinity : Infinity) : Number(f);
    }
    out.add(parts[0], v);
  }
  return out.result();
}

/**
 * numpy's repr of a float32 (numpy ≥ 1.14): the shortest decimal that reads back as the same
 * float32, positional when 1e-4 ≤ |x| < 1e16 (or x = 0) with at least one fractional digit,
 * else scientific with a two-digit exponent (`1e-08`, `1.5e+16`).
 */
export function reprFloat32(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  let p = 1;
  for (; p < 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) break;
  const e = x.toExponential(p - 1); // "-d.ddde+X"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
  const sign = m[1], digits = m[2] + (m[3] ?? ''), exp = Number(m[4]);
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    let s: string;
    if (exp >= 0) {
      const intLen = exp + 1;
      s = digits.length <= intLen ? digits + '0'.repeat(intLen - digits.length) + '.0' : digits.slice(0, intLen) + '.' + digits.slice(intLen);
    } else {
      s = '0.' + '0'.repeat(-exp - 1) + digits;
    }
    return sign + s;
  }
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
}

function checkWord(w: string, i: number): void {
  if (w.length === 0 || /[ \n]/.test(w)) {
    throw new SeqwasmError(ErrorCode.badArgument, `word ${i} (${describe(w)}) cannot be written: it is empty or contains a space or newline`);
  }
}

/** gensim's save_word2vec_format(binary=False). */
export function formatText(words: readonly string[], vectors: Float32Array, dim: number): Uint8Array {
  const parts: string[] = [`${words.length} ${dim}\n`];
  for (let i = 0; i < words.length; i++) {
    checkWord(words[i], i);
    const row: string[] = [words[i]];
    for (let k = 0; k < dim; k++) row.push(reprFloat32(vectors[i * dim + k]));
    parts.push(row.join(' ') + '\n');
  }
  return encoder.encode(parts.join(''));
}

/** gensim's save_word2vec_format(binary=True): word, space, dim float32 LE; no newline. */
export function formatBinary(words: readonly string[], vectors: Float32Array, dim: number): Uint8Array {
  const encoded = words.map((w, i) => { checkWord(w, i); return encoder.encode(w); });
  const header = encoder.encode(`${words.length} ${dim}\n`);
  const total = header.length + encoded.reduce((s, e) => s + e.length + 1 + dim * 4, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(header, 0);
  let pos = header.length;
  for (let i = 0; i < words.length; i++) {
    out.set(encoded[i], pos);
    pos += encoded[i].length;
    out[pos++] = 32;
    for (let k = 0; k < dim; k++, pos += 4) dv.setFloat32(pos, vectors[i * dim + k], true);
  }
  return out;
}
