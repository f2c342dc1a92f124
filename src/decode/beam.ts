// Beam search over a batch: the K beams of each of the B sentences are the B·K rows of the
// model's state, advanced by one batched step call per time step and reordered by `select`.
//
// At step t (the t-th generated token) each live beam k of a sentence extends by every allowed
// token v to a candidate of raw score s_k + log p(v). The candidates are ranked by raw score
// (ties: lower beam, then lower token). Walking the ranking: an EOS candidate of rank < K
// becomes a finished hypothesis; other candidates fill the K live beams of step t + 1. At the
// sentence's maximum length the would-be live beams become finished hypotheses too, cut
// without EOS (`finished: false`). A finished hypothesis is ranked by
// score = logProb / lp(L) + cp (penalties.ts) and the K best are kept.
//
// Stopping rule: a sentence is done when it holds K finished hypotheses and no live beam can
// still beat the worst of them. With log-probabilities ≤ 0 and α ≥ 0, a live beam of raw score
// s can at best reach s / lp(maxLength) (raw scores only fall, lp only grows, cp ≤ 0), so the
// test is max_k s_k / lp(maxLength) ≤ worst kept score: exact, not a heuristic (like Hugging
// Face's early_stopping=False bound, but with the length bound taken at the maximum length).
// It is also done at its maximum length or when no live beam remains.
import { ErrorCode, describe } from '../errors.js';
import { type StepModel, type DecodeOptions, type Hypothesis, prepare, runStep, blockedByNgram, attentionRow, bad, checkInt } from './types.js';
import { type LengthPenalty, checkLengthPenalty, lengthPenalty, coveragePenalty } from './penalties.js';
import type { Backend } from '../core/backend.js';
import type { Tensor } from '../core/tensor.js';

export interface BeamSearchOptions<S> extends DecodeOptions<S> {
  /** K, beams per sentence. */
  beamSize: number;
  /** Hypotheses returned per sentence, best first (≤ beamSize). Default 1. */
  nBest?: number;
  /** Default none. */
  lengthPenalty?: LengthPenalty;
  /** β of GNMT's coverage penalty (0: off). Needs attention from the model and srcLengths. */
  coveragePenalty?: number;
  /**
   * Stop a sentence as soon as the stopping rule proves no live beam can enter its K best
   * (default true). false runs every sentence to its maximum length (or until no beam is live);
   * the results are the same, only slower: for tests and for models whose step returns
   * scores > 0, where the bound does not hold.
   */
  earlyStopping?: boolean;
}

interface Beam {
  tokens: number[];
  logProb: number;
  attention: Float32Array[] | null;
  coverage: Float64Array | null;
}

interface Candidate { score: number; beam: number; token: number }

/** Beam search; returns, per sentence, up to nBest distinct hypotheses sorted by score (best first). */
export function beamSearch<S>(model: StepModel<S>, options: BeamSearchOptions<S>): Hypothesis[][] {
  const p = prepare(model, options);
  const K = checkInt(options.beamSize, 'beamSize', 1);
  const nBest = checkInt(options.nBest ?? 1, 'nBest', 1, K);
  const lpSpec = checkLengthPenalty(options.lengthPenalty);
  const beta = options.coveragePenalty ?? 0;
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) {
    throw bad(ErrorCode.badArgument, `coveragePenalty must be a finite number ≥ 0, received ${describe(beta)}`);
  }
  if (beta > 0 && p.srcLen === null) throw bad(ErrorCode.badArgument, 'coveragePenalty needs srcLengths');
  const needAttention = p.returnAttention || beta > 0;
  const early = options.earlyStopping ?? true;
  const { B, V, eos } = p;
  const N = B * K;

  // Live beams per sentence (null: dead slot), finished hypotheses (best first, ≤ K) and done flags.
  const live: (Beam | null)[][] = Array.from({ length: B }, () => {
    const row: (Beam | null)[] = new Array(K).fill(null);
    row[0] = { tokens: [], logProb: 0, attention: p.returnAttention ? [] : null, coverage: null };
    return row;
  });
  if (beta > 0) for (let b = 0; b < B; b++) live[b][0]!.coverage = new Float64Array(p.srcLen![b]);
  const finished: Hypothesis[][] = Array.from({ length: B }, () => []);
  const done = new Uint8Array(B);

  const expand = new Int32Array(N);
  for (let r = 0; r < N; r++) expand[r] = Math.floor(r / K);
  let state = model.select(options.initialState, expand);
  const tokens = new Int32Array(N).fill(eos);
  for (let b = 0; b < B; b++) tokens[b * K] = p.bos;
  const rows = new Int32Array(N);

  const finalScore = (logProb: number, L: number, coverage: Float64Array | null) =>
    logProb / lengthPenalty(lpSpec, L) + (coverage ? coveragePenalty(beta, coverage) : 0);

  const addFinished = (b: number, h: Hypothesis) => {
    const list = finished[b];
    let i = list.length;
    while (i > 0 && list[i - 1].score < h.score) i--;
    if (i >= K) return;
    list.splice(i, 0, h);
    if (list.length > K) list.pop();
  };

  // When the step's log-probabilities are a view of a backend's memory (a seqwasm model), each
  // row's candidates come from a wasm top-k (rowTopK) instead of a JavaScript pass over all V.
  const backend = (model as { backend?: Backend }).backend;
  let top: { idx: Tensor; val: Tensor } | null = null;
  const globallyBanned = p.banned === null ? 0 : p.banned.reduce((n, x) => n + x, 0);
  try {
    for (let t = 1; t <= p.steps; t++) {
      const out = runStep(model, tokens, state, V, needAttention);
      let lp = out.logProbs;
      const bannedOf = live.map((beams) => beams.map((beam) => (beam === null ? null : blockedByNgram(beam.tokens, p.ngram))));
      // Enough candidates per row that its M best allowed ones are among them.
      let kTop = 2 * K + 1 + globallyBanned;
      for (const row of bannedOf) for (const set of row) if (set !== null) kTop = Math.max(kTop, 2 * K + 1 + globallyBanned + set.size);
      let topIdx: Int32Array | null = null;
      if (backend !== undefined && lp instanceof Float32Array && lp.buffer === backend.kernels.memory.buffer && kTop < V) {
        const at = lp.byteOffset;
        if (top === null || top.idx.size < N * kTop) {
          top?.idx.release(); top?.val.release();
          top = { idx: backend.empty([N * kTop], 'int32'), val: backend.empty([N * kTop]) };
          lp = new Float32Array(backend.kernels.memory.buffer, at, N * V); // the allocation may have moved the memory
        }
        backend.kernels.rowTopK(top.idx.ptr, top.val.ptr, at, N, V, kTop);
        topIdx = top.idx.data as Int32Array;
      }
      for (let b = 0; b < B; b++) {
        const base = b * K;
        if (done[b]) {
          for (let j = 0; j < K; j++) { rows[base + j] = base + j; tokens[base + j] = eos; }
          continue;
        }
        const beams = live[b];
        // The 2K best candidates: at most K of them end in EOS (one per beam), so at least K
        // others are among them whenever that many exist.
        const M = 2 * K;
        const best: Candidate[] = [];
        const noEos = t < p.minLen[b];
        for (let k = 0; k < K; k++) {
          const beam = beams[k];
          if (beam === null) continue;
          const banned = bannedOf[b][k]!;
          const anyBanned = banned.size > 0;
          const off = (base + k) * V, from = beam.logProb;
          // A candidate must score above `floor`: −∞ until M are kept, then the M-th best (ties
          // keep the earlier, lower beam and token). Kept in a local: the loop may visit all V.
          let floor = best.length === M ? best[M - 1].score : -Infinity;
          // The row's top kTop in rank order (value, then token: the order of ties kept), or all V.
          const n = topIdx ? kTop : V, topAt = (base + k) * kTop;
          for (let j = 0; j < n; j++) {
            const v = topIdx ? topIdx[topAt + j] : j;
            if (v < 0) break;
            const s = from + lp[off + v];
            if (!(s > floor)) continue;
            if ((v === eos && noEos) || (anyBanned && banned.has(v)) || (p.banned !== null && p.banned[v])) continue;
            let i = best.length;
            while (i > 0 && best[i - 1].score < s) i--;
            best.splice(i, 0, { score: s, beam: k, token: v });
            if (best.length > M) best.pop();
            if (best.length === M) floor = best[M - 1].score;
          }
        }
        const last = t >= p.maxLen[b];
        const next: (Beam | null)[] = new Array(K).fill(null);
        let filled = 0;
        const grow = (c: Candidate): Beam => {
          const parent = beams[c.beam]!;
          const row = base + c.beam;
          let attention: Float32Array[] | null = null;
          let coverage: Float64Array | null = null;
          if (needAttention) {
            const a = attentionRow(out.attention!, row, N, p.srcLen ? p.srcLen[b] : null);
            if (parent.attention) attention = [...parent.attention, a];
            if (parent.coverage) {
              coverage = Float64Array.from(parent.coverage);
              for (let i = 0; i < coverage.length && i < a.length; i++) coverage[i] += a[i];
            }
          }
          return { tokens: [...parent.tokens, c.token], logProb: c.score, attention, coverage };
        };
        const finish = (beam: Beam, ended: boolean) => {
          const h: Hypothesis = { tokens: beam.tokens, logProb: beam.logProb, score: finalScore(beam.logProb, beam.tokens.length, beam.coverage), finished: ended };
          if (beam.attention) h.attention = beam.attention;
          addFinished(b, h);
        };
        for (let r = 0; r < best.length && filled < K; r++) {
          const c = best[r];
          if (c.token === eos) {
            if (r < K) finish(grow(c), true);
            continue;
          }
          const beam = grow(c);
          if (last) { finish(beam, false); filled++; continue; }
          rows[base + filled] = base + c.beam;
          tokens[base + filled] = c.token;
          next[filled++] = beam;
        }
        for (let j = last ? 0 : filled; j < K; j++) { rows[base + j] = base; tokens[base + j] = eos; next[j] = null; }
        live[b] = last ? new Array(K).fill(null) : next;
        // Stopping rule (see the top of the file).
        let bestLive = -Infinity;
        for (const beam of live[b]) if (beam !== null && beam.logProb > bestLive) bestLive = beam.logProb;
        const list = finished[b];
        const bound = bestLive > 0 ? bestLive / lengthPenalty(lpSpec, t + 1) : bestLive / lengthPenalty(lpSpec, p.maxLen[b]);
        if (last || bestLive === -Infinity || (early && list.length >= K && bound <= list[list.length - 1].score)) done[b] = 1;
      }
      if (done.every((d) => d === 1)) break;
      state = model.select(out.state, rows);
    }
  } finally {
    top?.idx.release(); top?.val.release();
  }
  return finished.map((list) => list.slice(0, nBest));
}
