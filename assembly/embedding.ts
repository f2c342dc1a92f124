// Embedding lookup and its backward (a scatter-add). Ids are checked against the table size by
// the caller before they reach here.

/** out (n, dim): row i = weight[ids[i]]. */
export function embeddingForward(out: usize, weight: usize, ids: usize, n: i32, dim: i32): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * bytes, weight + <usize>id * bytes, bytes);
  }
}

/** dWeight[ids[i]] += dOut[i], skipping ids equal to paddingIdx (−1 for none), as PyTorch does. */
export function embeddingBackward(dWeight: usize, dOut: usize, ids: usize, n: i32, dim: i32, paddingIdx: i32): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id == paddingIdx) continue;
    const dst = dWeight + <usize>id * bytes, src = dOut + <usize>i * bytes;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      const off = <usize>j << 2;
      v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
    }
    for (; j < dim; j++) {
      const off = <usize>j << 2;
      store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off));
    }
  }
}
