// Pooling of a recurrent output x (T, B, C), time-major, over each sample's steps 0…len−1 into
// y (B, C), and the backward of each mode. `lengths` (B, i32) are checked by the caller to lie in
// [1, T]. f32x4 over channels with scalar tails; the sums start at zero and they and the
// division by the length are rounded to f32 at each step, so the results are those of a plain
// float32 loop (test/models/pooling.test.ts compares them bit for bit).

/**
 * last: channels [0, half) from step len−1 (where the forward direction finished) and channels
 * [half, C) from step 0 (where the reverse direction finished); half = C with one direction.
 */
export function poolLastForward(y: usize, x: usize, lengths: usize, B: i32, C: i32, half: i32): void {
  const row = <usize>C << 2;
  for (let b = 0; b < B; b++) {
    const tf = load<i32>(lengths + (<usize>b << 2)) - 1;
    const dst = y + <usize>b * row;
    memory.copy(dst, x + (<usize>tf * <usize>B + <usize>b) * row, <usize>half << 2);
    memory.copy(dst + (<usize>half << 2), x + <usize>b * row + (<usize>half << 2), <usize>(C - half) << 2);
  }
}

/** dx (T, B, C) = dy placed where poolLastForward read it, zero elsewhere. */
export function poolLastBackward(dx: usize, dy: usize, lengths: usize, T: i32, B: i32, C: i32, half: i32): void {
  const row = <usize>C << 2;
  memory.fill(dx, 0, <usize>T * <usize>B * row);
  for (let b = 0; b < B; b++) {
    const tf = load<i32>(lengths + (<usize>b << 2)) - 1;
    const src = dy + <usize>b * row;
    memory.copy(dx + (<usize>tf * <usize>B + <usize>b) * row, src, <usize>half << 2);
    memory.copy(dx + <usize>b * row + (<usize>half << 2), src + (<usize>half << 2), <usize>(C - half) << 2);
  }
}

/** y = the mean of x over steps 0…len−1 (summed in step order, then divided by len). */
export function poolMeanForward(y: usize, x: usize, lengths: usize, B: i32, C: i32): void {
  const row = <usize>C << 2, stride = <usize>B * row;
  for (let b = 0; b < B; b++) {
    const n = load<i32>(lengths + (<usize>b << 2));
    const dst = y + <usize>b * row, first = x + <usize>b * row;
    const n4 = f32x4.splat(<f32>n);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      let acc = f32x4.splat(0);
      for (let t = 0; t < n; t++) acc = f32x4.add(acc, v128.load(first + <usize>t * stride + o));
      v128.store(dst + o, f32x4.div(acc, n4));
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      let acc: f32 = 0;
      for (let t = 0; t < n; t++) acc += load<f32>(first + <usize>t * stride + o);
      store<f32>(dst + o, acc / <f32>n);
    }
  }
}

/** dx = dy / len at steps 0…len−1 of each sample, zero at its padded steps. */
export function poolMeanBackward(dx: usize, dy: usize, lengths: usize, T: i32, B: i32, C: i32): void {
  const row = <usize>C << 2, stride = <usize>B * row;
  for (let b = 0; b < B; b++) {
    const n = load<i32>(lengths + (<usize>b << 2));
    const src = dy + <usize>b * row, first = dx + <usize>b * row;
    const n4 = f32x4.splat(<f32>n);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      const g = f32x4.div(v128.load(src + o), n4);
      for (let t = 0; t < n; t++) v128.store(first + <usize>t * stride + o, g);
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      const g = load<f32>(src + o) / <f32>n;
      for (let t = 0; t < n; t++) store<f32>(first + <usize>t * stride + o, g);
    }
    for (let t = n; t < T; t++) memory.fill(first + <usize>t * stride, 0, row);
  }
}

/**
 * y = the elementwise maximum over steps 0…len−1; arg (B, C, i32) = the first step reaching it
 * (a NaN never replaces the running maximum, as with `>` in a plain loop).
 */
export function poolMaxForward(y: usize, arg: usize, x: usize, lengths: usize, B: i32, C: i32): void {
  const row = <usize>C << 2, stride = <usize>B * row;
  for (let b = 0; b < B; b++) {
    const n = load<i32>(lengths + (<usize>b << 2));
    const dst = y + <usize>b * row, idx = arg + <usize>b * row, first = x + <usize>b * row;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      let best = v128.load(first + o);
      let at = i32x4.splat(0);
      for (let t = 1; t < n; t++) {
        const v = v128.load(first + <usize>t * stride + o);
        const more = f32x4.gt(v, best);
        best = v128.bitselect(v, best, more);
        at = v128.bitselect(i32x4.splat(t), at, more);
      }
      v128.store(dst + o, best);
      v128.store(idx + o, at);
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      let best = load<f32>(first + o);
      let at = 0;
      for (let t = 1; t < n; t++) {
        const v = load<f32>(first + <usize>t * stride + o);
        if (v > best) { best = v; at = t; }
      }
      store<f32>(dst + o, best);
      store<i32>(idx + o, at);
    }
  }
}

/** dx = dy at each channel's arg max step, zero elsewhere. */
export function poolMaxBackward(dx: usize, dy: usize, arg: usize, T: i32, B: i32, C: i32): void {
  const row = <usize>C << 2;
  memory.fill(dx, 0, <usize>T * <usize>B * row);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const o = <usize>b * row + (<usize>c << 2);
      const t = load<i32>(arg + o);
      store<f32>(dx + <usize>t * <usize>B * row + o, load<f32>(dy + o));
    }
  }
}
