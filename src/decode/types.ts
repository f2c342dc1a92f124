// The model-agnostic decoding interface and what the decoders share: options, validation,
// per-sentence length limits and n-gram blocking.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

/**
 * What a decoder needs from a model: one batched step and a way to reorder its state rows.
 * `S` is the model's own state type (hidden states, attention source, …); decoders never look
 * inside it.
 */
export interface StepModel<S> {
  /** Size V of the output vocabulary. */
  readonly vocabSize: number;
  /**
   * Feeds one token to each of the N rows of `state` (N = tokens.length) and returns the
   * log-probabilities of the next token, N×V row-major, and the new state. Models with
   * attention may also return the step's attention weights, N×srcLen row-major (needed by the
   * coverage penalty and by `returnAttention`).
   */
  step(tokens: Int32Array, state: S): StepOutput<S>;
  /**
   * A state whose row r is row `rows[r]` of `state`. Rows may repeat and the length may differ
   * from the state's row count (beam search expands B rows to B·K once, then reorders B·K).
   */
  select(state: S, rows: Int32Array): S;
}

export interface StepOutput<S> {
  /**
   * (N, V) log-probabilities. The decoders read them before the next `step` call, so a model may
   * return a view of memory that call overwrites.
   */
  logProbs: Float32Array | Float64Array;
  /** True when the model has already refused NaN and +∞ in logProbs; the decoders then skip that scan. */
  checked?: boolean;
  state: S;
  attention?: Float32Array | Float64Array;
}

/** A decoded sequence. */
export interface Hypothesis {
  /** Generated tokens, BOS excluded, EOS included when the hypothesis ended with it. */
  tokens: number[];
  /** Σ log p of the tokens. */
  logProb: number;
  /** What hypotheses are ranked by: logProb / lengthPenalty + coveragePenalty (beam search), else logProb. */
  score: number;
  /** True when it ended with EOS, false when it was cut at the maximum length. */
  finished: boolean;
  /** With `returnAttention`: one row of attention weights per token (the source's length each). */
  attention?: Float32Array[];
}

/** A length limit: absolute, or ⌊a·srcLen + b⌋ from each sentence's source length. */
export type LengthLimit = number | { a: number; b: number };

export interface DecodeOptions<S> {
  /** The model's state for B sentences (B rows). */
  initialState: S;
  /** B, the number of sentences. */
  batchSize: number;
  /** Token fed first to every sentence. */
  bos: number;
  /** End-of-sequence token. Finished (and dead) rows keep being fed EOS; their outputs are ignored. */
  eos: number;
  /** Source lengths (B), needed by relative length limits, coverage penalty and trimmed attention. */
  srcLengths?: ArrayLike<number>;
  /** Maximum hypothesis length in tokens, EOS included. Default 100. */
  maxLength?: LengthLimit;
  /** Minimum hypothesis length in tokens, EOS included (EOS is blocked before). Default 0. */
  minLength?: LengthLimit;
  /** Forbid any n-gram of this size from occurring twice in a hypothesis (BOS not counted). 0: off. */
  noRepeatNgramSize?: number;
  /** Token ids never generated (e.g. <pad>, <s>, <unk>); EOS cannot be one of them. */
  bannedTokens?: ArrayLike<number>;
  /** Keep each token's attention weights in the hypotheses (the model must return them). */
  returnAttention?: boolean;
}

export function bad(code: string, message: string): SeqwasmError {
  return new SeqwasmError(code, message);
}

export function checkInt(v: unknown, what: string, lo: number, hi = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) {
    const range = hi === Number.MAX_SAFE_INTEGER ? `≥ ${lo}` : `in [${lo}, ${hi}]`;
    throw bad(Number.isInteger(v) ? ErrorCode.outOfRange : ErrorCode.badArgument,
      `${what} must be an integer ${range}, received ${describe(v)}`);
  }
  return v as number;
}

export interface Prepared {
  B: number;
  V: number;
  bos: number;
  eos: number;
  maxLen: Int32Array;
  minLen: Int32Array;
  srcLen: Int32Array | null;
  ngram: number;
  /** banned[v] = 1 for the bannedTokens, or null when there are none. */
  banned: Uint8Array | null;
  returnAttention: boolean;
  /** The longest maxLen: the number of steps at most. */
  steps: number;
}

function resolveLimit(limit: LengthLimit, what: string, src: Int32Array | null, B: number, lo: number): Int32Array {
  const out = new Int32Array(B);
  if (typeof limit === 'number') {
    out.fill(checkInt(limit, what, lo));
    return out;
  }
  if (limit === null || typeof limit !== 'object' || !Number.isFinite(limit.a) || !Number.isFinite(limit.b)) {
    throw bad(ErrorCode.badArgument, `${what} must be an integer or {a, b} with finite numbers (⌊a·srcLen + b⌋), received ${describe(limit)}`);
  }
  if (src === null) throw bad(ErrorCode.badArgument, `${what} relative to the source length ({a, b}) needs srcLengths`);
  for (let b = 0; b < B; b++) {
    const v = Math.floor(limit.a * src[b] + limit.b);
    if (v < lo) throw bad(ErrorCode.outOfRange, `${what} of sentence ${b} is ⌊${limit.a}·${src[b]} + ${limit.b}⌋ = ${v}, expected ≥ ${lo}`);
    out[b] = v;
  }
  return out;
}

export function prepare<S>(model: StepModel<S>, o: DecodeOptions<S>): Prepared {
  if (model === null || typeof model !== 'object' || typeof model.step !== 'function' || typeof model.select !== 'function') {
    throw bad(ErrorCode.badArgument, `model must have step(tokens, state) and select(state, rows), received ${describe(model)}`);
  }
  if (o === null || typeof o !== 'object') throw bad(ErrorCode.badArgument, `options must be an object, received ${describe(o)}`);
  const V = checkInt(model.vocabSize, 'model.vocabSize', 1);
  const B = checkInt(o.batchSize, 'batchSize', 1);
  const bos = checkInt(o.bos, 'bos', 0);
  const eos = checkInt(o.eos, 'eos', 0, V - 1);
  let srcLen: Int32Array | null = null;
  if (o.srcLengths !== undefined) {
    if (o.srcLengths === null || typeof o.srcLengths !== 'object' || o.srcLengths.length !== B) {
      throw bad(ErrorCode.badSize, `srcLengths must have ${B} entries (batchSize), received ${describe(o.srcLengths)}`);
    }
    srcLen = new Int32Array(B);
    for (let b = 0; b < B; b++) srcLen[b] = checkInt(o.srcLengths[b], `srcLengths[${b}]`, 0);
  }
  const maxLen = resolveLimit(o.maxLength ?? 100, 'maxLength', srcLen, B, 1);
  const minLen = resolveLimit(o.minLength ?? 0, 'minLength', srcLen, B, 0);
  for (let b = 0; b < B; b++) {
    if (minLen[b] > maxLen[b]) {
      throw bad(ErrorCode.badArgument, `maxLength must be ≥ minLength, received maxLength ${maxLen[b]} < minLength ${minLen[b]}${B > 1 ? ` for sentence ${b}` : ''}`);
    }
  }
  const ngram = checkInt(o.noRepeatNgramSize ?? 0, 'noRepeatNgramSize', 0);
  let banned: Uint8Array | null = null;
  if (o.bannedTokens !== undefined) {
    if (o.bannedTokens === null || typeof o.bannedTokens !== 'object' || typeof o.bannedTokens.length !== 'number') {
      throw bad(ErrorCode.badArgument, `bannedTokens must be an array of token ids, received ${describe(o.bannedTokens)}`);
    }
    banned = new Uint8Array(V);
    for (let i = 0; i < o.bannedTokens.length; i++) {
      const v = checkInt(o.bannedTokens[i], `bannedTokens[${i}]`, 0, V - 1);
      if (v === eos) throw bad(ErrorCode.badArgument, `bannedTokens[${i}] is the end-of-sequence token ${eos}: no hypothesis could finish`);
      banned[v] = 1;
    }
  }
  return { B, V, bos, eos, maxLen, minLen, srcLen, ngram, banned, returnAttention: o.returnAttention === true, steps: Math.max(...maxLen) };
}

/** Calls model.step and checks what comes back. */
export function runStep<S>(model: StepModel<S>, tokens: Int32Array, state: S, V: number, needAttention: boolean): StepOutput<S> {
  const out = model.step(tokens, state);
  const N = tokens.length;
  if (out === null || typeof out !== 'object' || !(out.logProbs instanceof Float32Array || out.logProbs instanceof Float64Array)) {
    throw bad(ErrorCode.badArgument, `model.step must return {logProbs: Float32Array, state}, received ${describe(out)}`);
  }
  if (out.logProbs.length !== N * V) {
    throw bad(ErrorCode.badSize, `model.step returned ${out.logProbs.length} log-probabilities, expected ${N}×${V} = ${N * V}`);
  }
  const lp = out.logProbs;
  for (let i = 0; out.checked !== true && i < lp.length; i++) {
    const v = lp[i];
    // v !== v is NaN; one comparison each, as this runs over every entry of every step.
    if (v !== v || v === Infinity) throw bad(ErrorCode.nonFinite, `model.step returned log-probability ${v} at row ${Math.floor(i / V)}, token ${i % V}`);
  }
  if (needAttention) {
    const a = out.attention;
    if (!(a instanceof Float32Array || a instanceof Float64Array) || a.length % N !== 0) {
      throw bad(ErrorCode.badArgument, `the coverage penalty and returnAttention need model.step to return attention (${N} rows), received ${describe(a)}`);
    }
  }
  return out;
}

/**
 * Tokens that would complete an n-gram already in `tokens` (the hypothesis so far): with
 * n = 1 every token seen; otherwise the token after each earlier occurrence of the last n−1.
 */
export function blockedByNgram(tokens: readonly number[], n: number): Set<number> {
  const banned = new Set<number>();
  if (n <= 0) return banned;
  const L = tokens.length;
  if (n === 1) { for (const t of tokens) banned.add(t); return banned; }
  if (L < n - 1) return banned;
  for (let i = 0; i + n - 1 < L; i++) {
    let match = true;
    for (let j = 0; j < n - 1; j++) {
      if (tokens[i + j] !== tokens[L - n + 1 + j]) { match = false; break; }
    }
    if (match) banned.add(tokens[i + n - 1]);
  }
  return banned;
}

/** One attention row of a step, trimmed to the sentence's source length when known. */
export function attentionRow(a: Float32Array | Float64Array, row: number, N: number, srcLen: number | null): Float32Array {
  const S = a.length / N;
  return Float32Array.from(a.subarray(row * S, row * S + (srcLen === null ? S : Math.min(srcLen, S))));
}
