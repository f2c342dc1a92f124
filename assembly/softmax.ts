// Row-wise softmax and log-softmax over (rows, cols) matrices, and softmax cross-entropy.
// Sums are kept in f64: a row can be long (a vocabulary) and the loss is summed over many rows.

/** Largest entry of a row. */
function rowMax(x: usize, cols: i32): f32 {
  let m: f32 = -Infinity;
  for (let j = 0; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  return m;
}

/** log Σ exp(x_j) of a row, computed around its maximum so nothing overflows. */
function rowLogSumExp(x: usize, cols: i32): f64 {
  const m = rowMax(x, cols);
  let s: f64 = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(<f64>(load<f32>(x + (<usize>j << 2)) - m));
  return <f64>m + Math.log(s);
}

export function softmaxForward(y: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2), yr = y + (<usize>(r * cols) << 2);
    const lse = rowLogSumExp(xr, cols);
    for (let j = 0; j < cols; j++) {
      const off = <usize>j << 2;
      store<f32>(yr + off, <f32>Math.exp(<f64>load<f32>(xr + off) - lse));
    }
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
    const lse = rowLogSumExp(xr, cols);
    for (let j = 0; j < cols; j++) {
      const off = <usize>j << 2;
      store<f32>(yr + off, <f32>(<f64>load<f32>(xr + off) - lse));
    }
  }
}

/** dx += dy − exp(y) · Σ_j dy_j, per row (y is the log-softmax output). */
export function logSoftmaxBackward(dx: usize, y: usize, dy: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) s += <f64>load<f32>(dy + base + (<usize>j << 2));
    for (let j = 0; j < cols; j++) {
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
    const lse = rowLogSumExp(xr, cols);
    let sumLogp: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const off = <usize>j << 2;
      const logp = <f64>load<f32>(xr + off) - lse;
      sumLogp += logp;
      store<f32>(pr + off, <f32>Math.exp(logp));
    }
    const t = load<i32>(targets + (<usize>r << 2));
    if (t == ignoreIndex) continue;
    const nll = lse - <f64>load<f32>(xr + (<usize>t << 2));
    total += (1 - <f64>smoothing) * nll - <f64>smoothing * sumLogp / <f64>cols;
  }
  return total;
}

/** dlogits += scale · (probs − target distribution), for the rows not ignored. */
export function softmaxCrossEntropyBackward(dlogits: usize, probs: usize, targets: usize,
                                            rows: i32, cols: i32, ignoreIndex: i32,
                                            smoothing: f32, scale: f32): void {
  const uniform = smoothing / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    if (t == ignoreIndex) continue;
    const base = <usize>(r * cols) << 2;
    for (let j = 0; j < cols; j++) {
      const off = base + (<usize>j << 2);
      const target: f32 = (j == t ? <f32>1 - smoothing : <f32>0) + uniform;
      store<f32>(dlogits + off, load<f32>(dlogits + off) + scale * (load<f32>(probs + off) - target));
    }
  }
}
