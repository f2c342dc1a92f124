// Row-wise softmax and log-softmax over (rows, cols) matrices, and softmax cross-entropy.
// Row sums end in f64: a row can be long (a vocabulary) and the loss is summed over many rows.
import { exp4 } from './math';

/**
 * Largest entry of a row, NaN if the row holds one (the callers' outputs are then NaN for the
 * whole row). Four independent f32x4.pmax chains: pmax is one x86 instruction, while f32x4.max's
 * NaN rules cost several on the loop's dependency chain; NaN is tracked by a separate mask.
 */
function rowMax(x: usize, cols: i32): f32 {
  let m0 = f32x4.splat(-Infinity), m1 = m0, m2 = m0, m3 = m0;
  let nan = v128.splat<i32>(0);
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    const p = x + (<usize>j << 2);
    const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    m0 = f32x4.pmax(m0, v0); m1 = f32x4.pmax(m1, v1); m2 = f32x4.pmax(m2, v2); m3 = f32x4.pmax(m3, v3);
    nan = v128.or(nan, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
  }
  for (; j + 4 <= cols; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    m0 = f32x4.pmax(m0, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  const mv = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  return m;
}

/** e^(x − m) for four lanes, exactly 0 where x is −∞ (exp4 alone would give ~1e-38 there). */
// @ts-ignore: decorator
@inline function expShifted4(v: v128, m: v128): v128 {
  return v128.and(exp4(f32x4.sub(v, m)), f32x4.gt(v, f32x4.splat(-Infinity)));
}

/**
 * Σ (x_j − m)-shifted exponentials of a row; also written to `out` unless it is 0. Each run of
 * 64 entries is summed in f32x4 (at most 16 terms a lane, each ≤ 1: no loss worth the name),
 * and the runs in f64, so a long row (a vocabulary) loses nothing in the sum.
 */
function rowSumExp(x: usize, cols: i32, m: f32, out: usize): f64 {
  const mv = f32x4.splat(m);
  let s: f64 = 0;
  let j = 0;
  while (j + 4 <= cols) {
    const end = min(j + 64, cols & ~3);
    let a = f32x4.splat(0), b = f32x4.splat(0);
    for (; j + 8 <= end; j += 8) {
      const off = <usize>j << 2;
      const e0 = expShifted4(v128.load(x + off), mv), e1 = expShifted4(v128.load(x + off, 16), mv);
      if (out) { v128.store(out + off, e0); v128.store(out + off, e1, 16); }
      a = f32x4.add(a, e0); b = f32x4.add(b, e1);
    }
    if (j < end) {
      const e = expShifted4(v128.load(x + (<usize>j << 2)), mv);
      if (out) v128.store(out + (<usize>j << 2), e);
      a = f32x4.add(a, e);
      j += 4;
    }
    a = f32x4.add(a, b);
    s += <f64>f32x4.extract_lane(a, 0) + <f64>f32x4.extract_lane(a, 1) + <f64>f32x4.extract_lane(a, 2) + <f64>f32x4.extract_lane(a, 3);
  }
  for (; j < cols; j++) {
    const e = Math.exp(<f64>(load<f32>(x + (<usize>j << 2)) - m));
    if (out) store<f32>(out + (<usize>j << 2), <f32>e);
    s += e;
  }
  return s;
}

/** y = a · x over n values (y may be x). */
function scaleInto(y: usize, x: usize, n: i32, a: f32): void {
  const av = f32x4.splat(a);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(y + (<usize>j << 2), f32x4.mul(v128.load(x + (<usize>j << 2)), av));
  for (; j < n; j++) store<f32>(y + (<usize>j << 2), load<f32>(x + (<usize>j << 2)) * a);
}

// The exponentials are exp4 (Cephes' expf in four lanes, about 1 ulp; assembly/math.ts) of
// x − max ≤ 0, summed as rowSumExp describes.

export function softmaxForward(y: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2), yr = y + (<usize>(r * cols) << 2);
    const s = rowSumExp(xr, cols, rowMax(xr, cols), yr);
    scaleInto(yr, yr, cols, <f32>(1 / s));
  }
}

/** dx += y ⊙ (dy − Σ_j dy_j y_j), per row. */
export function softmaxBackward(dx: usize, y: usize, dy: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const off = base + (<usize>j << 2);
      s += <f64>load<f32>(dy + off) * <f64>load<f32>(y + off);
    }
    for (let j = 0; j < cols; j++) {
      const off = base + (<usize>j << 2);
      const yj = load<f32>(y + off);
      store<f32>(dx + off, load<f32>(dx + off) + yj * (load<f32>(dy + off) - <f32>s));
    }
  }
}

export function logSoftmaxForward(y: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2), yr = y + (<usize>(r * cols) << 2);
    const m = rowMax(xr, cols);
    const lse = <f32>(<f64>m + Math.log(rowSumExp(xr, cols, m, 0)));
    const lv = f32x4.splat(lse);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(yr + (<usize>j << 2), f32x4.sub(v128.load(xr + (<usize>j << 2)), lv));
    for (; j < cols; j++) store<f32>(yr + (<usize>j << 2), load<f32>(xr + (<usize>j << 2)) - lse);
  }
}

/** dx += dy − exp(y) · Σ_j dy_j, per row (y is the log-softmax output). */
export function logSoftmaxBackward(dx: usize, y: usize, dy: usize, rows: i32, cols: i32): void {
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) s += <f64>load<f32>(dy + base + (<usize>j << 2));
    const sv = f32x4.splat(<f32>s);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = base + (<usize>j << 2);
      const p = expShifted4(v128.load(y + off), zero); // softmax = exp(log-softmax)
      v128.store(dx + off, f32x4.add(v128.load(dx + off), f32x4.sub(v128.load(dy + off), f32x4.mul(p, sv))));
    }
    for (; j < cols; j++) {
      const off = base + (<usize>j << 2);
      const g = <f64>load<f32>(dy + off) - Math.exp(<f64>load<f32>(y + off)) * s;
      store<f32>(dx + off, load<f32>(dx + off) + <f32>g);
    }
  }
}

/**
 * Softmax cross-entropy, summed over the rows whose target is not `ignoreIndex`.
 * With label smoothing ε the target distribution is (1−ε)·onehot + ε/cols, as in PyTorch's
 * `cross_entropy(label_smoothing=ε)`. Writes the softmax of every row to `probs` (backward
 * needs it) and returns the summed loss; the caller divides by the count for the mean.
 * Targets must already be checked to lie in [0, cols) or equal ignoreIndex.
 */
export function softmaxCrossEntropyForward(probs: usize, logits: usize, targets: usize,
                                           rows: i32, cols: i32, ignoreIndex: i32, smoothing: f32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const xr = logits + (<usize>(r * cols) << 2), pr = probs + (<usize>(r * cols) << 2);
    // One exponential per entry: e^(x − m) is stored, then scaled by 1/Σ.
    const m = rowMax(xr, cols);
    const s = rowSumExp(xr, cols, m, pr);
    scaleInto(pr, pr, cols, <f32>(1 / s));
    const t = load<i32>(targets + (<usize>r << 2));
    if (t == ignoreIndex) continue;
    const lse = <f64>m + Math.log(s);
    const nll = lse - <f64>load<f32>(xr + (<usize>t << 2));
    if (smoothing == 0) {
      total += nll;
      continue;
    }
    // Σ_j log p_j = Σ_j x_j − cols · lse.
    let sumX: f64 = 0;
    for (let j = 0; j < cols; j++) sumX += <f64>load<f32>(xr + (<usize>j << 2));
    total += (1 - <f64>smoothing) * nll - <f64>smoothing * (sumX - <f64>cols * lse) / <f64>cols;
  }
  return total;
}

/** dlogits += scale · (probs − target distribution), for the rows not ignored. */
export function softmaxCrossEntropyBackward(dlogits: usize, probs: usize, targets: usize,
                                            rows: i32, cols: i32, ignoreIndex: i32,
                                            smoothing: f32, scale: f32): void {
  const uniform = smoothing / <f32>cols;
  const sv = f32x4.splat(scale), uv = f32x4.splat(uniform);
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    if (t == ignoreIndex) continue;
    const base = <usize>(r * cols) << 2;
    // scale · (p − ε/cols) everywhere, then the target's extra −scale · (1 − ε).
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = base + (<usize>j << 2);
      v128.store(dlogits + off, f32x4.add(v128.load(dlogits + off), f32x4.mul(sv, f32x4.sub(v128.load(probs + off), uv))));
    }
    for (; j < cols; j++) {
      const off = base + (<usize>j << 2);
      store<f32>(dlogits + off, load<f32>(dlogits + off) + scale * (load<f32>(probs + off) - uniform));
    }
    const off = base + (<usize>t << 2);
    store<f32>(dlogits + off, load<f32>(dlogits + off) - scale * (<f32>1 - smoothing));
  }
}

/** out[r] = the index of row r's largest entry (the lowest index on ties). */
export function rowArgmax(out: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const m = rowMax(xr, cols);
    const mv = f32x4.splat(m);
    let j = 0;
    while (j + 4 <= cols && !v128.any_true(f32x4.eq(v128.load(xr + (<usize>j << 2)), mv))) j += 4;
    while (j < cols - 1 && load<f32>(xr + (<usize>j << 2)) != m) j++;
    store<i32>(out + (<usize>r << 2), j);
  }
}

/**
 * The index of the first entry of x (n values) that is NaN or +∞, or −1: what a decoder must
 * refuse in log-probabilities (−∞, a banned token, is allowed). Four lanes at a time, so
 * checking a (rows, vocabulary) step output costs little beside computing it.
 */
export function firstInvalidLogProb(x: usize, n: i32): i32 {
  const inf = f32x4.splat(Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    if (v128.any_true(v128.or(f32x4.ne(v, v), f32x4.eq(v, inf)))) break;
  }
  for (; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    if (v != v || v == Infinity) return j;
  }
  return -1;
}

/**
 * The k largest entries of each row, largest first, the lower index first among equals:
 * idx (rows, k) i32 and val (rows, k) f32. Entries that are −∞ or NaN are never taken; a row
 * with fewer than k others ends with index −1. Beam search needs only a few candidates per row
 * of a vocabulary: four entries at a time are compared with the current k-th value, and only
 * those above it are inserted.
 */
export function rowTopK(idx: usize, val: usize, x: usize, rows: i32, cols: i32, k: i32): void {
  if (k <= 0) return;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const ir = idx + (<usize>(r * k) << 2), vr = val + (<usize>(r * k) << 2);
    let n = 0;
    let floor: f32 = -Infinity;
    let j = 0;
    while (j < cols) {
      if (j + 4 <= cols && !v128.any_true(f32x4.gt(v128.load(xr + (<usize>j << 2)), f32x4.splat(floor)))) {
        j += 4;
        continue;
      }
      const end = min(j + 4, cols);
      for (; j < end; j++) {
        const v = load<f32>(xr + (<usize>j << 2));
        if (!(v > floor)) continue;
        // Insert after every kept entry ≥ v (equal values keep index order), dropping the k-th.
        let i = n < k ? n++ : k - 1;
        while (i > 0 && load<f32>(vr + (<usize>(i - 1) << 2)) < v) {
          store<f32>(vr + (<usize>i << 2), load<f32>(vr + (<usize>(i - 1) << 2)));
          store<i32>(ir + (<usize>i << 2), load<i32>(ir + (<usize>(i - 1) << 2)));
          i--;
        }
        store<f32>(vr + (<usize>i << 2), v);
        store<i32>(ir + (<usize>i << 2), j);
        if (n == k) floor = load<f32>(vr + (<usize>(k - 1) << 2));
      }
    }
    for (let i = n; i < k; i++) store<i32>(ir + (<usize>i << 2), -1);
  }
}
