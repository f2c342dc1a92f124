// Dense linear algebra on row-major f32 matrices: GEMM, GEMV and the level-1 vector kernels.
//
// GEMM follows the GotoBLAS/BLIS scheme: C is computed in 4×8 tiles by a register-blocked
// f32x4 micro-kernel (8 accumulators, 2 B vectors, 1 broadcast A value: 11 of the 16 vector
// registers V8 uses on x86-64), over blocks of A and B packed into contiguous panels so that a
// B micro-panel (KC×8) stays in L1 and an A block (MC×KC) in L2 while it is reused.
import { madd, hsum } from './simd';

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const NR: i32 = 8;
// @ts-ignore: decorator
@inline const MC: i32 = 128;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const NC: i32 = 1024;

/** Bytes of workspace `gemm` needs: packed A block, packed B block and one 4×8 edge tile. */
export function gemmWorkspaceBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

// @ts-ignore: decorator
@inline function at(base: usize, row: i32, ld: i32, col: i32): usize {
  return base + ((<usize>row * <usize>ld + <usize>col) << 2);
}

/**
 * Writes the 4×4 block at `p` (rows `ld` floats apart) transposed: column q of the block goes to
 * dst + dstRow·q + off. packA uses it with 16-byte packed rows, packB with 32-byte rows (off 0
 * or 16 picks the half).
 */
// @ts-ignore: decorator
@inline function transpose4(dst: usize, dstRow: usize, p: usize, ld: i32, off: usize): void {
  const stride = <usize>ld << 2;
  const r0 = v128.load(p), r1 = v128.load(p + stride), r2 = v128.load(p + 2 * stride), r3 = v128.load(p + 3 * stride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst + off, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstRow + off, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstRow + off, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstRow + off, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs rows [i0, i0+mc) × columns [k0, k0+kc) of op(A) as panels of MR rows, each stored
 * k-major (MR values per k), zero-padded past the last row.
 */
function packA(dst: usize, a: usize, lda: i32, transA: bool, i0: i32, mc: i32, k0: i32, kc: i32): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const i = i0 + ip;
    if (transA && rows == MR) {
      // op(A)[i..i+3][k] = A[k][i..i+3]: contiguous in memory.
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(at(a, k0 + k, lda, i)));
        dst += 16;
      }
    } else if (rows == MR) {
      // Four k-values of the panel's 4 rows, transposed by shuffles into four packed k-columns.
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        transpose4(dst, 16, at(a, i, lda, k0 + k), lda, 0);
        dst += 64;
      }
      for (; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst, load<f32>(at(a, i + r, lda, k0 + k)));
          dst += 4;
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          let v: f32 = 0;
          if (r < rows) {
            v = transA ? load<f32>(at(a, k0 + k, lda, i + r)) : load<f32>(at(a, i + r, lda, k0 + k));
          }
          store<f32>(dst, v);
          dst += 4;
        }
      }
    }
  }
}

/**
 * Packs rows [k0, k0+kc) × columns [j0, j0+nc) of op(B) as panels of NR columns, each stored
 * k-major (NR values per k), zero-padded past the last column.
 */
function packB(dst: usize, b: usize, ldb: i32, transB: bool, k0: i32, kc: i32, j0: i32, nc: i32): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    const j = j0 + jp;
    if (!transB && cols == NR) {
      for (let k = 0; k < kc; k++) {
        const src = at(b, k0 + k, ldb, j);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else if (transB && cols == NR) {
      // Bᵀ stored (N, K): each of the panel's 8 columns is a contiguous row of B. Four k-values
      // of the 8 rows are read as 8 vectors and turned into four packed k-rows by two 4×4
      // shuffle transposes (the scalar loop below costs a branch and a strided load per value).
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        transpose4(dst, 32, at(b, j, ldb, k0 + k), ldb, 0);
        transpose4(dst, 32, at(b, j + 4, ldb, k0 + k), ldb, 16);
        dst += 128;
      }
      for (; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst, load<f32>(at(b, j + c, ldb, k0 + k)));
          dst += 4;
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          let v: f32 = 0;
          if (c < cols) {
            v = transB ? load<f32>(at(b, j + c, ldb, k0 + k)) : load<f32>(at(b, k0 + k, ldb, j + c));
          }
          store<f32>(dst, v);
          dst += 4;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function storeRow(c: usize, acc0: v128, acc1: v128, alpha: v128, beta: f32): void {
  let r0 = f32x4.mul(acc0, alpha);
  let r1 = f32x4.mul(acc1, alpha);
  if (beta != 0) {
    const vb = f32x4.splat(beta);
    r0 = madd(v128.load(c), vb, r0);
    r1 = madd(v128.load(c, 16), vb, r1);
  }
  v128.store(c, r0);
  v128.store(c, r1, 16);
}

/**
 * C[0:mr, 0:nr] = alpha * Apanel · Bpanel + beta * C. `bStride` is the byte distance between
 * consecutive k rows of the B panel: 32 when packed, ldb*4 when B is read in place.
 * When beta is 0, C is not read (it may hold anything, NaN included), as in BLAS.
 */
function micro4x8(kc: i32, pa: usize, pb: usize, bStride: usize, c: usize, ldc: i32,
                  alpha: f32, beta: f32, mr: i32, nr: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16;
    pb += bStride;
  }
  const va = f32x4.splat(alpha);
  const rowBytes = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, va, beta);
    storeRow(c + rowBytes, c10, c11, va, beta);
    storeRow(c + 2 * rowBytes, c20, c21, va, beta);
    storeRow(c + 3 * rowBytes, c30, c31, va, beta);
    return;
  }
  // Edge tile: compute the whole 4×8 into scratch, then copy out only the valid part.
  storeRow(tile, c00, c01, va, 0);
  storeRow(tile + 32, c10, c11, va, 0);
  storeRow(tile + 64, c20, c21, va, 0);
  storeRow(tile + 96, c30, c31, va, 0);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const p = c + <usize>r * rowBytes + (<usize>j << 2);
      let v = load<f32>(tile + ((<usize>(r * NR + j)) << 2));
      if (beta != 0) v += beta * load<f32>(p);
      store<f32>(p, v);
    }
  }
}

/** C (M, N) = beta * C; with beta 0, C is overwritten with zeros without being read. */
function scaleMatrix(c: usize, ldc: i32, M: i32, N: i32, beta: f32): void {
  for (let i = 0; i < M; i++) {
    const row = at(c, i, ldc, 0);
    if (beta == 0) fill(N, 0, row);
    else scale(N, beta, row);
  }
}

/**
 * The product of one packed A block (mc rows, kc deep) with B's column panels, into C:
 * C[ic.., jc..jc+nc) = alpha · Ablock · B + beta · C. Panels left of column `nIn` are read in
 * place at `bIn` (k rows `bInStride` bytes apart); the rest are packed (kc × NR each) from `bPacked`.
 */
function blockProduct(pa: usize, mc: i32, kc: i32, bIn: usize, bInStride: usize, nIn: i32, bPacked: usize,
                      nc: i32, c: usize, ldc: i32, alpha: f32, beta: f32, tile: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    let panel: usize, stride: usize;
    if (jr < nIn) {
      panel = bIn + (<usize>jr << 2);
      stride = bInStride;
    } else {
      panel = bPacked + (<usize>((jr - nIn) * kc) << 2);
      stride = NR * 4;
    }
    for (let ir = 0; ir < mc; ir += MR) {
      micro4x8(kc, pa + (<usize>(ir * kc) << 2), panel, stride,
        at(c, ir, ldc, jr), ldc, alpha, beta, min(MR, mc - ir), nr, tile);
    }
  }
}

/**
 * C = alpha · op(A) · op(B) + beta · C, row-major.
 * op(A) is (M, K): A is (M, K) with row stride lda, or (K, M) when transA.
 * op(B) is (K, N): B is (K, N) with row stride ldb, or (N, K) when transB.
 * C is (M, N) with row stride ldc. `work` points at gemmWorkspaceBytes() bytes, 16-aligned.
 */
export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                     a: usize, lda: i32, b: usize, ldb: i32, beta: f32,
                     c: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) { scaleMatrix(c, ldc, M, N, beta); return; }
  const pa = work;
  const pb = pa + (<usize>(MC * KC) << 2);
  const tile = pb + (<usize>(KC * NC) << 2);
  // With a single block of rows each packed B panel would be read only once, so full-width
  // panels of an untransposed B are read in place; only a ragged last panel gets packed.
  const direct = transB == 0 && M <= MC;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    const nFull = direct ? nc & ~(NR - 1) : 0;
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const betaBlock: f32 = pc == 0 ? beta : 1;
      if (nFull < nc) packB(pb, b, ldb, transB != 0, pc, kc, jc + nFull, nc - nFull);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(pa, a, lda, transA != 0, ic, mc, pc, kc);
        blockProduct(pa, mc, kc, at(b, pc, ldb, jc), <usize>ldb << 2, nFull, pb, nc,
          at(c, ic, ldc, jc), ldc, alpha, betaBlock, tile);
      }
    }
  }
}

/** Bytes that packWeights needs for a (K, N) op(B): every NR-column panel, zero-padded. */
export function packedBytes(K: i32, N: i32): i32 {
  return K * ((N + NR - 1) & ~(NR - 1)) * 4;
}

/**
 * Packs the whole of op(B) (K, N) once, in the layout gemmPacked reads: blocks of KC rows, each
 * a run of kc × NR panels. For a matrix multiplied many times (a recurrent layer's W_hh, every
 * step), this leaves the per-call GEMM only A to pack, and B's panels are contiguous, so the
 * hardware prefetcher streams them (in place, each k row of a panel is a separate 4 KiB page).
 */
export function packWeights(dst: usize, b: usize, ldb: i32, transB: i32, K: i32, N: i32): void {
  const np = (N + NR - 1) & ~(NR - 1);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packB(dst + (<usize>(pc * np) << 2), b, ldb, transB != 0, pc, kc, 0, N);
  }
}

/** C = alpha · op(A) · B + beta · C with B packed by packWeights(…, K, N); as gemm otherwise. */
export function gemmPacked(transA: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32,
                           packed: usize, beta: f32, c: usize, ldc: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) { scaleMatrix(c, ldc, M, N, beta); return; }
  const pa = work;
  const tile = pa + (<usize>(MC * KC + KC * NC) << 2);
  const np = (N + NR - 1) & ~(NR - 1);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const betaBlock: f32 = pc == 0 ? beta : 1;
    for (let ic = 0; ic < M; ic += MC) {
      const mc = min(MC, M - ic);
      packA(pa, a, lda, transA != 0, ic, mc, pc, kc);
      blockProduct(pa, mc, kc, 0, 0, 0, packed + (<usize>(pc * np) << 2), N, at(c, ic, ldc, 0), ldc, alpha, betaBlock, tile);
    }
  }
}

/**
 * y = alpha · op(A) · x + beta · y. A is (M, N) row-major with row stride lda.
 * Without trans: x has N entries, y has M. With trans (y = Aᵀx): x has M entries, y has N.
 * With beta 0, y is not read.
 */
export function gemv(trans: i32, M: i32, N: i32, alpha: f32, a: usize, lda: i32,
                     x: usize, beta: f32, y: usize): void {
  if (trans == 0) {
    // Four rows at a time share each load of x.
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const r0 = at(a, i, lda, 0), r1 = at(a, i + 1, lda, 0);
      const r2 = at(a, i + 2, lda, 0), r3 = at(a, i + 3, lda, 0);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= N; j += 4) {
        const off = <usize>j << 2;
        const xv = v128.load(x + off);
        s0 = madd(v128.load(r0 + off), xv, s0);
        s1 = madd(v128.load(r1 + off), xv, s1);
        s2 = madd(v128.load(r2 + off), xv, s2);
        s3 = madd(v128.load(r3 + off), xv, s3);
      }
      let d0 = hsum(s0), d1 = hsum(s1), d2 = hsum(s2), d3 = hsum(s3);
      for (; j < N; j++) {
        const off = <usize>j << 2;
        const xj = load<f32>(x + off);
        d0 += load<f32>(r0 + off) * xj; d1 += load<f32>(r1 + off) * xj;
        d2 += load<f32>(r2 + off) * xj; d3 += load<f32>(r3 + off) * xj;
      }
      const yp = y + (<usize>i << 2);
      store<f32>(yp, alpha * d0 + (beta != 0 ? beta * load<f32>(yp) : 0));
      store<f32>(yp, alpha * d1 + (beta != 0 ? beta * load<f32>(yp, 4) : 0), 4);
      store<f32>(yp, alpha * d2 + (beta != 0 ? beta * load<f32>(yp, 8) : 0), 8);
      store<f32>(yp, alpha * d3 + (beta != 0 ? beta * load<f32>(yp, 12) : 0), 12);
    }
    for (; i < M; i++) {
      const yp = y + (<usize>i << 2);
      const d = dot(N, at(a, i, lda, 0), x);
      store<f32>(yp, alpha * d + (beta != 0 ? beta * load<f32>(yp) : 0));
    }
    return;
  }
  // y = alpha Aᵀx + beta y: scale y once, then add four scaled rows of A per pass over y.
  if (beta == 0) fill(N, 0, y);
  else if (beta != 1) scale(N, beta, y);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const x0 = alpha * load<f32>(x + (<usize>i << 2)), x1 = alpha * load<f32>(x + (<usize>i << 2), 4);
    const x2 = alpha * load<f32>(x + (<usize>i << 2), 8), x3 = alpha * load<f32>(x + (<usize>i << 2), 12);
    const v0 = f32x4.splat(x0), v1 = f32x4.splat(x1), v2 = f32x4.splat(x2), v3 = f32x4.splat(x3);
    const r0 = at(a, i, lda, 0), r1 = at(a, i + 1, lda, 0);
    const r2 = at(a, i + 2, lda, 0), r3 = at(a, i + 3, lda, 0);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const off = <usize>j << 2;
      let acc = v128.load(y + off);
      acc = madd(v128.load(r0 + off), v0, acc);
      acc = madd(v128.load(r1 + off), v1, acc);
      acc = madd(v128.load(r2 + off), v2, acc);
      acc = madd(v128.load(r3 + off), v3, acc);
      v128.store(y + off, acc);
    }
    for (; j < N; j++) {
      const off = <usize>j << 2;
      store<f32>(y + off, load<f32>(y + off) + x0 * load<f32>(r0 + off) + x1 * load<f32>(r1 + off) +
        x2 * load<f32>(r2 + off) + x3 * load<f32>(r3 + off));
    }
  }
  for (; i < M; i++) axpy(N, alpha * load<f32>(x + (<usize>i << 2)), at(a, i, lda, 0), y);
}

/** Σ x[i]·y[i] over n entries. */
export function dot(n: i32, x: usize, y: usize): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    s0 = madd(v128.load(x + off), v128.load(y + off), s0);
    s1 = madd(v128.load(x + off, 16), v128.load(y + off, 16), s1);
  }
  let s = hsum(f32x4.add(s0, s1));
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
  return s;
}

/** y += alpha · x over n entries. */
export function axpy(n: i32, alpha: f32, x: usize, y: usize): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, madd(v128.load(x + off), va, v128.load(y + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, load<f32>(y + off) + alpha * load<f32>(x + off));
  }
}

/** x *= alpha over n entries. */
export function scale(n: i32, alpha: f32, x: usize): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(x + off, f32x4.mul(v128.load(x + off), va));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(x + off, load<f32>(x + off) * alpha);
  }
}

/** x[i] = value over n entries. */
export function fill(n: i32, value: f32, x: usize): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), value);
}

/** dst[i] = src[i] over n f32 entries; the ranges may overlap. */
export function copy(n: i32, src: usize, dst: usize): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** out = x ⊙ y over n entries (out may alias x or y). */
export function mul(n: i32, x: usize, y: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.mul(v128.load(x + off), v128.load(y + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, load<f32>(x + off) * load<f32>(y + off));
  }
}

/** Every row of out (rows, cols) set to v (cols): a bias, before a GEMM accumulates onto it. */
export function broadcastRows(out: usize, v: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(out + <usize>r * bytes, v, bytes);
}

/** out (cols) += Σ_r x[r] over the rows of x (rows, cols): a bias gradient. */
export function sumRows(out: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) axpy(cols, 1, x + ((<usize>r * <usize>cols) << 2), out);
}

/** out (cols, rows) = xᵀ for x (rows, cols). */
export function transpose(out: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(out + ((<usize>c * rows + r) << 2), load<f32>(x + ((<usize>r * cols + c) << 2)));
    }
  }
}

/** out (B, A, C) from x (A, B, C): batch-first ↔ time-first. */
export function swapLeadingAxes(out: usize, x: usize, A: i32, B: i32, C: i32): void {
  const bytes = <usize>C << 2;
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      memory.copy(out + (<usize>b * A + a) * bytes, x + (<usize>a * B + b) * bytes, bytes);
    }
  }
}
