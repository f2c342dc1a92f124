// A vocabulary for sequence-to-sequence models, character- or word-level: <pad> = 0, then
// <s>, </s>, <unk> (ids 1, 2, 3), then tokens by descending frequency (ties: first seen).
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

export type VocabularyLevel = 'char' | 'word';

export interface VocabularyOptions {
  /** 'char' splits strings into code points; 'word' on whitespace. Default 'word'. */
  level?: VocabularyLevel;
  /** Tokens seen fewer times are left out. Default 1. */
  minFrequency?: number;
  /** At most this many entries, specials included. Default: no limit. */
  maxSize?: number;
  /** Include <unk> (unknown tokens map to it); without it an unknown token is an error. Default true. */
  unk?: boolean;
  /** Lower-case texts before splitting them (when building and encoding). Default false. */
  lowercase?: boolean;
}

export interface VocabularyJSON {
  level: VocabularyLevel;
  tokens: string[];
  unk: boolean;
  lowercase?: boolean;
}

export const PAD = '<pad>', BOS = '<s>', EOS = '</s>', UNK = '<unk>';

/** A string split by `level`, or an array of tokens taken as they are; lower-cased on request. */
function tokensOf(text: unknown, level: VocabularyLevel, lowercase: boolean): string[] {
  if (typeof text === 'string') return Vocabulary.split(lowercase ? text.toLowerCase() : text, level);
  if (!Array.isArray(text) || text.some((t) => typeof t !== 'string')) {
    throw new SeqwasmError(ErrorCode.badArgument, `expected a string or an array of token strings, received ${describe(text)}`);
  }
  return lowercase ? text.map((t: string) => t.toLowerCase()) : [...text];
}

export class Vocabulary {
  readonly level: VocabularyLevel;
  readonly tokens: readonly string[];
  private readonly index = new Map<string, number>();
  readonly pad = 0;
  readonly bos = 1;
  readonly eos = 2;
  /** Id of <unk>, or −1 when the vocabulary has none. */
  readonly unk: number;

  readonly lowercase: boolean;

  private constructor(level: VocabularyLevel, tokens: string[], hasUnk: boolean, lowercase: boolean) {
    this.level = level;
    this.lowercase = lowercase;
    this.tokens = tokens;
    tokens.forEach((t, i) => this.index.set(t, i));
    this.unk = hasUnk ? 3 : -1;
  }

  /** Builds a vocabulary from training texts: strings (split by `level`) or arrays of tokens. */
  static build(texts: Iterable<string | readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const level = options.level ?? 'word';
    if (level !== 'char' && level !== 'word') throw new SeqwasmError(ErrorCode.badArgument, `level must be 'char' or 'word', received ${describe(level)}`);
    const minFrequency = options.minFrequency ?? 1;
    if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new SeqwasmError(ErrorCode.badArgument, `minFrequency must be an integer ≥ 1, received ${describe(minFrequency)}`);
    const hasUnk = options.unk ?? true;
    const specials = hasUnk ? [PAD, BOS, EOS, UNK] : [PAD, BOS, EOS];
    const maxSize = options.maxSize ?? Infinity;
    if (maxSize !== Infinity && (!Number.isInteger(maxSize) || maxSize < specials.length)) {
      throw new SeqwasmError(ErrorCode.badArgument, `maxSize must be an integer ≥ ${specials.length} (the special tokens), received ${describe(maxSize)}`);
    }
    if (texts === null || typeof texts !== 'object' || typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new SeqwasmError(ErrorCode.badArgument, `texts must be an iterable of strings or token arrays, received ${describe(texts)}`);
    }
    const lowercase = options.lowercase ?? false;
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const t of tokensOf(text, level, lowercase)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const order = [...counts.entries()].filter(([t, c]) => c >= minFrequency && !specials.includes(t));
    order.sort((a, b) => b[1] - a[1]); // stable: ties keep first-seen order
    const tokens = [...specials, ...order.map(([t]) => t)].slice(0, maxSize);
    return new Vocabulary(level, tokens, hasUnk, lowercase);
  }

  static split(text: string, level: VocabularyLevel): string[] {
    return level === 'char' ? Array.from(text) : text.split(/\s+/).filter((t) => t.length > 0);
  }

  get size(): number { return this.tokens.length; }

  has(token: string): boolean { return this.index.has(token); }

  id(token: string): number {
    const i = this.index.get(token);
    if (i !== undefined) return i;
    if (this.unk < 0) throw new SeqwasmError(ErrorCode.outOfRange, `token ${describe(token)} is not in the vocabulary (which has no <unk>)`);
    return this.unk;
  }

  /** The tokens of a text (or of a token array) as this vocabulary sees them (lower-cased if it lower-cases). */
  tokenize(text: string | readonly string[]): string[] {
    return tokensOf(text, this.level, this.lowercase);
  }

  /** Text or tokens → ids (no <s> / </s>; the model adds them). */
  encode(text: string | readonly string[]): number[] {
    return this.tokenize(text).map((t) => this.id(t));
  }

  /** Ids → text, stopping at </s> and skipping <pad> and <s> (with `keepSpecials` false, the default). */
  decode(ids: ArrayLike<number>, { keepSpecials = false } = {}): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        throw new SeqwasmError(ErrorCode.outOfRange, `ids[${i}] is ${describe(id)}: expected an integer 0 ≤ id < ${this.tokens.length}`);
      }
      if (!keepSpecials) {
        if (id === this.eos) break;
        if (id === this.pad || id === this.bos) continue;
      }
      out.push(this.tokens[id]);
    }
    return out.join(this.level === 'char' ? '' : ' ');
  }

  toJSON(): VocabularyJSON {
    return { level: this.level, tokens: [...this.tokens], unk: this.unk >= 0, lowercase: this.lowercase };
  }

  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (json === null || typeof json !== 'object' || !Array.isArray(json.tokens) || (json.level !== 'char' && json.level !== 'word')) {
      throw new SeqwasmError(ErrorCode.badFile, `expected {level: 'char' | 'word', tokens: string[], unk: boolean, lowercase?: boolean}, received ${describe(json)}`);
    }
    const specials = json.unk ? [PAD, BOS, EOS, UNK] : [PAD, BOS, EOS];
    if (specials.some((s, i) => json.tokens[i] !== s) || new Set(json.tokens).size !== json.tokens.length || json.tokens.some((t) => typeof t !== 'string')) {
      throw new SeqwasmError(ErrorCode.badFile, `tokens must be distinct strings starting with ${specials.join(', ')}`);
    }
    return new Vocabulary(json.level, [...json.tokens], json.unk === true, json.lowercase === true);
  }
}
