// Greedy decoding and ancestral sampling: one hypothesis per sentence, all B sentences advanced
// by one batched step call per time step.
import { ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { drawToken } from './draw.js';
import { type StepModel, type DecodeOptions, type Hypothesis, type Prepared, prepare, runStep, blockedByNgram, attentionRow, bad } from './types.js';

/** Picks a token of row `r` among the allowed ones (`allowed[v]`), or −1 when none is. */
type Picker = (logProbs: Float32Array | Float64Array, offset: number, V: number, allowed: (v: number) => boolean) => number;

function decodeOne<S>(model: StepModel<S>, o: DecodeOptions<S>, p: Prepared, pick: Picker): Hypothesis[] {
  const { B, V, eos } = p;
  const hyps: Hypothesis[] = Array.from({ length: B }, () => ({ tokens: [], logProb: 0, score: 0, finished: false, ...(p.returnAttention ? { attention: [] } : {}) }));
  const done = new Uint8Array(B);
  const tokens = new Int32Array(B).fill(p.bos);
  let state = o.initialState;
  for (let t = 1; t <= p.steps; t++) {
    const out = runStep(model, tokens, state, V, p.returnAttention);
    state = out.state;
    const lp = out.logProbs;
    for (let b = 0; b < B; b++) {
      if (done[b]) { tokens[b] = eos; continue; }
      const h = hyps[b];
      const banned = blockedByNgram(h.tokens, p.ngram);
      const noEos = t < p.minLen[b];
      const v = pick(lp, b * V, V, (x) => !(x === eos && noEos) && !banned.has(x) && !(p.banned !== null && p.banned[x]) && lp[b * V + x] > -Infinity);
      if (v < 0) { done[b] = 1; tokens[b] = eos; continue; } // nothing allowed: the hypothesis ends cut
      h.tokens.push(v);
      h.logProb += lp[b * V + v];
      h.score = h.logProb;
      if (p.returnAttention) h.attention!.push(attentionRow(out.attention!, b, B, p.srcLen ? p.srcLen[b] : null));
      if (v === eos) h.finished = true;
      if (v === eos || t >= p.maxLen[b]) done[b] = 1;
      tokens[b] = v;
    }
    if (done.every((d) => d === 1)) break;
  }
  return hyps;
}

/** Greedy decoding: the most probable allowed token at each step (ties: the lowest id). */
export function greedy<S>(model: StepModel<S>, options: DecodeOptions<S>): Hypothesis[] {
  const p = prepare(model, options);
  return decodeOne(model, options, p, (lp, off, V, allowed) => {
    // The plain argmax first (lowest id on ties): when it is allowed, which is the usual case,
    // it is also the best allowed token, and the constraints are asked about one token, not V.
    let top = 0, best = lp[off];
    for (let v = 1; v < V; v++) {
      const x = lp[off + v];
      if (x > best) { best = x; top = v; }
    }
    if (allowed(top)) return top;
    let pick = -1;
    for (let v = 0; v < V; v++) if (allowed(v) && (pick < 0 || lp[off + v] > lp[off + pick])) pick = v;
    return pick;
  });
}

export interface SampleOptions<S> extends DecodeOptions<S> {
  /** Divides the log-probabilities before the softmax. 0 is greedy. Default 1. */
  temperature?: number;
  /** Keep only the k most probable tokens (0: all). Default 0. */
  topK?: number;
  /** Nucleus: keep the smallest set of most probable tokens whose probability reaches p. Default 1. */
  topP?: number;
  /** Whose generator draws the samples (default: the default backend's). */
  backend?: Backend;
  /** Reseeds that generator first, for a reproducible draw. */
  seed?: number;
}

/**
 * Ancestral sampling: at each step, a draw from softmax(logProbs / temperature) restricted to
 * the allowed tokens, then to the top k, then to the nucleus of mass topP (that order, as in
 * Hugging Face's generate). Uniform numbers come from the backend's generator.
 */
export function sample<S>(model: StepModel<S>, options: SampleOptions<S>): Hypothesis[] {
  const p = prepare(model, options);
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw bad(ErrorCode.badArgument, `temperature must be a finite number ≥ 0, received ${describe(temperature)}`);
  }
  if (!Number.isInteger(topK) || topK < 0) throw bad(ErrorCode.badArgument, `topK must be an integer ≥ 0, received ${describe(topK)}`);
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw bad(ErrorCode.badArgument, `topP must be a number in (0, 1], received ${describe(topP)}`);
  const backend = options.backend ?? getBackend();
  if (options.seed !== undefined) backend.seed(options.seed);
  if (temperature === 0) return greedy(model, options);
  return decodeOne(model, options, p, (lp, off, V, allowed) => {
    const ids: number[] = [];
    for (let v = 0; v < V; v++) if (allowed(v)) ids.push(v);
    if (ids.length === 0) return -1;
    return drawToken((v) => lp[off + v], ids, temperature, topK, topP, () => backend.random());
  });
}
