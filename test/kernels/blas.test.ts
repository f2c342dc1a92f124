// GEMM, GEMV and the vector kernels against float64 loops, on sizes that hit every SIMD tail and
// block edge (0, 1, 3, 7, 33, 1001; more than MC=128 rows, KC=256 depth, NC=1024 columns), on
// both builds.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { matmul, matvec, dot, axpy, scale, fill, copy } from '../../src/ops/blas.js';
import { bothBuilds, randomArray, expectClose } from '../helpers.js';

/** op(A)·op(B) in float64, A stored (M,K) or (K,M), B stored (K,N) or (N,K). */
function refGemm(a: Float32Array, b: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i] : a[i * K + k]) * (tB ? b[j * K + k] : b[k * N + j]);
      c[i * N + j] = s;
    }
  }
  return c;
}

const SIZES = [0, 1, 3, 7, 33, 1001];
const shapes: [number, number, number][] = [];
for (const M of SIZES) for (const N of SIZES) for (const K of SIZES) if (M * N * K <= 2e6) shapes.push([M, N, K]);
shapes.push([130, 260, 300], [5, 1030, 3], [129, 9, 257], [200, 1025, 17]);

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it('gemm matches a float64 reference for NN, NT, TN and TT on awkward sizes', () => {
    let seed = 1;
    for (const [M, N, K] of shapes) {
      for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]]) {
        const av = randomArray(M * K, seed++), bv = randomArray(K * N, seed++);
        const a = be().tensor(av, tA ? [K, M] : [M, K]);
        const b = be().tensor(bv, tB ? [N, K] : [K, N]);
        const c = matmul(a, b, { transA: tA, transB: tB });
        expect(c.shape).toEqual([M, N]);
        expectClose(c.data, refGemm(av, bv, M, N, K, tA, tB), 1e-5, 2e-6 * Math.max(1, K));
        [a, b, c].forEach((t) => t.release());
      }
    }
  });

  it('gemm accumulates C = αAB + βC, and with β = 0 ignores NaN already in C', () => {
    for (const [M, N, K] of [[7, 9, 5], [1, 33, 7], [40, 3, 300]]) {
      const av = randomArray(M * K, 11), bv = randomArray(K * N, 12), cv = randomArray(M * N, 13);
      const a = be().tensor(av, [M, K]), b = be().tensor(bv, [K, N]);
      const c = be().tensor(cv, [M, N]);
      matmul(a, b, { alpha: 0.5, beta: 2, out: c });
      const ref = refGemm(av, bv, M, N, K, false, false).map((v, i) => 0.5 * v + 2 * cv[i]);
      expectClose(c.data, ref, 1e-5, 1e-5 * K);
      c.data.fill(NaN);
      matmul(a, b, { alpha: -1, out: c });
      expectClose(c.data, refGemm(av, bv, M, N, K, false, false).map((v) => -v), 1e-5, 1e-5 * K);
      [a, b, c].forEach((t) => t.release());
    }
  });

  it('gemm honours leading dimensions larger than the row (sub-matrices)', () => {
    const k = be().kernels;
    const M = 5, N = 11, K = 6, lda = 9, ldb = 15, ldc = 13;
    const A = be().tensor(randomArray(M * lda, 21), [M, lda]);
    const B = be().tensor(randomArray(K * ldb, 22), [K, ldb]);
    const C = be().tensor(randomArray(M * ldc, 23), [M, ldc]);
    const before = C.toArray();
    k.gemm(0, 0, M, N, K, 1, A.ptr, lda, B.ptr, ldb, 0, C.ptr, ldc, be().gemmWork);
    const a = A.data, b = B.data, c = C.data;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < ldc; j++) {
        if (j >= N) { expect(c[i * ldc + j]).toBe(before[i * ldc + j]); continue; }
        let s = 0;
        for (let p = 0; p < K; p++) s += a[i * lda + p] * b[p * ldb + j];
        expect(c[i * ldc + j]).toBeCloseTo(s, 5);
      }
    }
    [A, B, C].forEach((t) => t.release());
  });

  it('gemmPacked with weights packed once (packWeights) matches gemm\'s reference, op(A) and op(B) either way', () => {
    const k = be().kernels;
    let seed = 31;
    // K above KC = 256 (two packed blocks), N not a multiple of 8, M above MC = 128.
    for (const [M, N, K] of [[1, 1, 1], [32, 1024, 256], [3, 13, 300], [130, 9, 7], [7, 1030, 600]]) {
      for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]]) {
        const av = randomArray(M * K, seed++), bv = randomArray(K * N, seed++), cv = randomArray(M * N, seed++);
        const a = be().tensor(av, tA ? [K, M] : [M, K]);
        const b = be().tensor(bv, tB ? [N, K] : [K, N]);
        const c = be().tensor(cv, [M, N]);
        const packed = be().zeros([k.packedBytes(K, N) / 4]);
        k.packWeights(packed.ptr, b.ptr, tB ? K : N, tB ? 1 : 0, K, N);
        k.gemmPacked(tA ? 1 : 0, M, N, K, 0.5, a.ptr, tA ? M : K, packed.ptr, -1, c.ptr, N, be().gemmWork);
        const ref = refGemm(av, bv, M, N, K, tA, tB).map((v, i) => 0.5 * v - cv[i]);
        expectClose(c.data, ref, 1e-5, 2e-6 * Math.max(1, K));
        [a, b, c, packed].forEach((t) => t.release());
      }
    }
  });

  it('gemv matches a float64 reference, plain and transposed, with α and β', () => {
    for (const M of SIZES) {
      for (const N of SIZES) {
        if (M * N > 1.1e6) continue;
        const av = randomArray(M * N, M * 7 + N), a = be().tensor(av, [M, N]);
        for (const trans of [false, true]) {
          const [inLen, outLen] = trans ? [M, N] : [N, M];
          const xv = randomArray(inLen, 3), yv = randomArray(outLen, 4);
          const x = be().tensor(xv, [inLen]), y = be().tensor(yv, [outLen]);
          matvec(a, x, { trans, alpha: 1.5, beta: -0.5, out: y });
          const ref = new Float64Array(outLen);
          for (let o = 0; o < outLen; o++) {
            let s = 0;
            for (let i = 0; i < inLen; i++) s += (trans ? av[i * N + o] : av[o * N + i]) * xv[i];
            ref[o] = 1.5 * s - 0.5 * yv[o];
          }
          expectClose(y.data, ref, 1e-5, 4e-6 * Math.max(1, inLen));
          [x, y].forEach((t) => t.release());
        }
        a.release();
      }
    }
  });

  it('dot, axpy, scale, fill and copy match plain loops on every tail length', () => {
    for (const n of [...SIZES, 2, 4, 5, 8, 9, 16, 17]) {
      const xv = randomArray(n, n + 100), yv = randomArray(n, n + 200);
      const x = be().tensor(xv, [n]), y = be().tensor(yv, [n]);
      let ref = 0;
      for (let i = 0; i < n; i++) ref += xv[i] * yv[i];
      expect(Math.abs(dot(x, y) - ref)).toBeLessThanOrEqual(1e-6 * Math.max(1, n));
      axpy(0.25, x, y);
      expectClose(y.data, Array.from(yv, (v, i) => v + 0.25 * xv[i]));
      scale(x, -3);
      expectClose(x.data, Array.from(xv, (v) => -3 * v));
      copy(x, y);
      expect(Array.from(y.data)).toEqual(Array.from(x.data));
      fill(y, 7.5);
      expect(Array.from(y.data)).toEqual(new Array(n).fill(7.5));
      [x, y].forEach((t) => t.release());
    }
  });
});
