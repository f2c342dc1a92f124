// Attention over encoder outputs for one decoder step, batched: scores, masked softmax over the
// source positions, context vector, and their backward passes.
//
// Shapes: B batch rows, S source positions (padded), H key/query width, Hv value width, A width
// of the additive (Bahdanau/Luong concat) hidden layer. Per-sample source lengths: `lengths`
// points at B i32 lengths, or is 0 when every sample spans all S positions. A position i is
// masked when i ≥ length: its score is −∞, its weight exactly 0, and it receives no gradient.
// A sample of length 0 gets all-zero weights and a zero context.
//
// The projections that do not depend on the decoder step are done once per source by the caller
// with the GEMM (blas.ts): for `general`, keys = H·W (so the per-step score is a dot product);
// for `additive`, U·hᵢ for every i. Per step, the caller does W·q (+ b) for `additive`, also a
// GEMM. These kernels do the rest, one call each per step.
import { madd, hsum } from './simd';

// @ts-ignore: decorator
@inline function len(lengths: usize, b: i32, S: i32): i32 {
  if (lengths == 0) return S;
  const l = load<i32>(lengths + (<usize>b << 2));
  return l < 0 ? 0 : (l > S ? S : l);
}

// @ts-ignore: decorator
@inline function fl(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** Σ x[k]·y[k], n values, SIMD with a scalar tail. */
// @ts-ignore: decorator
@inline function dotN(x: usize, y: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    acc = madd(v128.load(x + o), v128.load(y + o), acc);
  }
  let s = hsum(acc);
  for (; k < n; k++) s += fl(x, k) * fl(y, k);
  return s;
}

/** y[k] += a·x[k], n values. */
// @ts-ignore: decorator
@inline function axpyN(y: usize, a: f32, x: usize, n: i32): void {
  const va = f32x4.splat(a);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
  }
  for (; k < n; k++) {
    const p = y + (<usize>k << 2);
    store<f32>(p, load<f32>(p) + a * fl(x, k));
  }
}

/**
 * Dot-product scores: scores[b,i] = q[b]·keys[b,i] for i < length[b], −∞ past it.
 * Used by `dot` (keys = encoder outputs) and `general` (keys = encoder outputs · W).
 */
export function attnDotScoresForward(scores: usize,  // (B, S)
                                     q: usize,       // (B, H)
                                     keys: usize,    // (B, S, H)
                                     B: i32, S: i32, H: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const qb = q + ((<usize>b * H) << 2);
    const sb = scores + ((<usize>b * S) << 2);
    for (let i = 0; i < S; i++) {
      const v: f32 = i < L ? dotN(qb, keys + (((<usize>b * S + i) * H) << 2), H) : -Infinity;
      store<f32>(sb + (<usize>i << 2), v);
    }
  }
}

/** Backward of attnDotScoresForward: dq += Σᵢ dScores[b,i]·keys[b,i]; dKeys[b,i] += dScores[b,i]·q[b]. */
export function attnDotScoresBackward(dq: usize,      // (B, H), added into
                                      dKeys: usize,   // (B, S, H), added into (0: skip)
                                      dScores: usize, // (B, S)
                                      q: usize,       // (B, H)
                                      keys: usize,    // (B, S, H)
                                      B: i32, S: i32, H: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const qb = q + ((<usize>b * H) << 2);
    const dqb = dq + ((<usize>b * H) << 2);
    for (let i = 0; i < L; i++) {
      const ds = fl(dScores + ((<usize>b * S) << 2), i);
      if (ds == 0) continue;
      const off = ((<usize>b * S + i) * H) << 2;
      axpyN(dqb, ds, keys + off, H);
      if (dKeys != 0) axpyN(dKeys + off, ds, qb, H);
    }
  }
}

/**
 * Additive scores: hidden[b,i] = tanh(wq[b] + uh[b,i]), scores[b,i] = v·hidden[b,i] for
 * i < length[b]; −∞ and a zero hidden row past it. `hidden` is kept for backward.
 */
export function attnAdditiveScoresForward(scores: usize, // (B, S)
                                          hidden: usize, // (B, S, A)
                                          wq: usize,     // (B, A): W·q (+ b)
                                          uh: usize,     // (B, S, A): U·hᵢ
                                          v: usize,      // (A)
                                          B: i32, S: i32, A: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const wb = wq + ((<usize>b * A) << 2);
    for (let i = 0; i < S; i++) {
      const off = ((<usize>b * S + i) * A) << 2;
      const hrow = hidden + off;
      if (i >= L) {
        memory.fill(hrow, 0, <usize>A << 2);
        store<f32>(scores + ((<usize>b * S + i) << 2), -Infinity);
        continue;
      }
      const urow = uh + off;
      let s: f32 = 0;
      for (let k = 0; k < A; k++) {
        const h = Mathf.tanh(fl(wb, k) + fl(urow, k));
        store<f32>(hrow + (<usize>k << 2), h);
        s += h * fl(v, k);
      }
      store<f32>(scores + ((<usize>b * S + i) << 2), s);
    }
  }
}

/**
 * Backward of attnAdditiveScoresForward. With g = dScores[b,i]·v ⊙ (1 − hidden²):
 * dWq[b] += Σᵢ g, dUh[b,i] += g, dv += Σ_b Σᵢ dScores[b,i]·hidden[b,i].
 */
export function attnAdditiveScoresBackward(dWq: usize,     // (B, A), added into
                                           dUh: usize,     // (B, S, A), added into
                                           dv: usize,      // (A), added into (0: skip)
                                           dScores: usize, // (B, S)
                                           hidden: usize,  // (B, S, A)
                                           v: usize,       // (A)
                                           B: i32, S: i32, A: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const dwb = dWq + ((<usize>b * A) << 2);
    for (let i = 0; i < L; i++) {
      const ds = fl(dScores + ((<usize>b * S) << 2), i);
      if (ds == 0) continue;
      const off = ((<usize>b * S + i) * A) << 2;
      const hrow = hidden + off, drow = dUh + off;
      for (let k = 0; k < A; k++) {
        const h = fl(hrow, k);
        const g = ds * fl(v, k) * (1 - h * h);
        const pw = dwb + (<usize>k << 2), pu = drow + (<usize>k << 2);
        store<f32>(pw, load<f32>(pw) + g);
        store<f32>(pu, load<f32>(pu) + g);
      }
      if (dv != 0) axpyN(dv, ds, hrow, A);
    }
  }
}

/**
 * Masked softmax over the source positions and the context vector:
 * weights[b,i] = exp(scores[b,i] − max) / Σⱼ exp(scores[b,j] − max) over i < length[b] (0 past
 * it), context[b] = Σᵢ weights[b,i]·values[b,i].
 */
export function attnSoftmaxContextForward(weights: usize, // (B, S)
                                          context: usize, // (B, Hv)
                                          scores: usize,  // (B, S)
                                          values: usize,  // (B, S, Hv)
                                          B: i32, S: i32, Hv: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const sb = scores + ((<usize>b * S) << 2);
    const wb = weights + ((<usize>b * S) << 2);
    const cb = context + ((<usize>b * Hv) << 2);
    memory.fill(cb, 0, <usize>Hv << 2);
    memory.fill(wb, 0, <usize>S << 2);
    if (L == 0) continue;
    let m = fl(sb, 0);
    for (let i = 1; i < L; i++) m = max(m, fl(sb, i));
    let total: f32 = 0;
    for (let i = 0; i < L; i++) {
      const e = Mathf.exp(fl(sb, i) - m);
      store<f32>(wb + (<usize>i << 2), e);
      total += e;
    }
    const inv: f32 = 1 / total;
    for (let i = 0; i < L; i++) {
      const a = fl(wb, i) * inv;
      store<f32>(wb + (<usize>i << 2), a);
      axpyN(cb, a, values + (((<usize>b * S + i) * Hv) << 2), Hv);
    }
  }
}

/**
 * Backward of attnSoftmaxContextForward. With gᵢ = dWeights[b,i] + dContext[b]·values[b,i]:
 * dScores[b,i] = weights[b,i]·(gᵢ − Σⱼ weights[b,j]·gⱼ) (written, 0 past the length),
 * dValues[b,i] += weights[b,i]·dContext[b]. `dWeights` may be 0 (no gradient on the weights).
 */
export function attnSoftmaxContextBackward(dScores: usize,  // (B, S), written
                                           dValues: usize,  // (B, S, Hv), added into
                                           dContext: usize, // (B, Hv)
                                           dWeights: usize, // (B, S) or 0
                                           weights: usize,  // (B, S)
                                           values: usize,   // (B, S, Hv)
                                           B: i32, S: i32, Hv: i32, lengths: usize): void {
  for (let b = 0; b < B; b++) {
    const L = len(lengths, b, S);
    const db = dScores + ((<usize>b * S) << 2);
    const wb = weights + ((<usize>b * S) << 2);
    const dcb = dContext + ((<usize>b * Hv) << 2);
    memory.fill(db, 0, <usize>S << 2);
    let dotWG: f32 = 0;
    for (let i = 0; i < L; i++) {
      const off = ((<usize>b * S + i) * Hv) << 2;
      let g = dotN(dcb, values + off, Hv);
      if (dWeights != 0) g += fl(dWeights + ((<usize>b * S) << 2), i);
      store<f32>(db + (<usize>i << 2), g);
      const a = fl(wb, i);
      dotWG += a * g;
      axpyN(dValues + off, a, dcb, Hv);
    }
    for (let i = 0; i < L; i++) {
      const p = db + (<usize>i << 2);
      store<f32>(p, fl(wb, i) * (load<f32>(p) - dotWG));
    }
  }
}

/**
 * Row gather for beams: dst row r = src row rows[r], rows of `width` f32 values. Expands a
 * batch's per-sentence data to B·K beam rows, or reorders beam states after a step. The caller
 * checks 0 ≤ rows[r] < the source's row count.
 */
export function gatherRows(dst: usize,  // (N, width)
                           src: usize,  // (M, width)
                           rows: usize, // (N) i32
                           N: i32, width: i32): void {
  const bytes = <usize>width << 2;
  for (let r = 0; r < N; r++) {
    const s = <usize>load<i32>(rows + (<usize>r << 2));
    memory.copy(dst + <usize>r * bytes, src + s * bytes, bytes);
  }
}
