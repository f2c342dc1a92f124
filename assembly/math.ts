// Scalar and four-lane math shared by kernel files (not exported from the module).
import { madd } from './simd';

/** Logistic function, written so that exp never overflows. */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

// Four-lane versions, for the fused recurrent kernels. Clamps use pmin/pmax (one x86
// instruction each; wasm's min/max need several for their NaN rules) and polynomials use madd
// (fused in the relaxed build).
//
// exp4: Cephes' expf (Stephen L. Moshier, Cephes Math Library, expf.c): x = n·ln2 + r with
// n = round(x·log2 e) and ln2 split in two (C1 + C2) so that r is nearly exact, |r| ≤ ln2/2;
// e^r by Cephes' polynomial; 2^n put into the exponent bits. Cephes states a relative error of
// about 1 ulp on [-88, 88] for these coefficients. The rounding adds 1.5·2^23 so that n is in
// the low mantissa bits of the sum (the usual trick; saves wasm's costly float→int conversion).
// Inputs are clamped to [-87.3, 88.37] (the normal range), so the result is never inf or NaN
// for finite x.
//
// tanh4: the odd rational minimax p(x)/q(x) of degrees 13/6 used by Eigen (ptanh_float),
// XLA and ONNX Runtime's MLAS (MlasTanhConstants), clamped at ±7.90531110763549805 where tanh
// rounds to ±1 in f32. Odd in x, so small arguments keep their relative accuracy. Measured
// here against float64 tanh (test/nn/recurrent-math.test.ts, 40k points on [-10, 10]): max
// abs and relative error 3.5e-7 (simd build) and 2.4e-7 (relaxed, fused), about 4-6 ulp.
//
// sigmoid4: 1/(1 + e^{−x}) with exp4; finite for any finite x (σ(x) underflows to about 1e-38,
// not 0, far left). Measured on [-90, 90]: max abs error 8.8e-8, relative 1.3e-7.

// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.37));
  const shifter = f32x4.splat(12582912.0); // 1.5·2^23
  const t = madd(x, f32x4.splat(1.44269504088896341), shifter);
  const n = f32x4.sub(t, shifter);
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = f32x4.splat(1.9875691500E-4);
  p = madd(p, r, f32x4.splat(1.3981999507E-3));
  p = madd(p, r, f32x4.splat(8.3334519073E-3));
  p = madd(p, r, f32x4.splat(4.1665795894E-2));
  p = madd(p, r, f32x4.splat(1.6666665459E-1));
  p = madd(p, r, f32x4.splat(5.0000001201E-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  // 2^n: the bits of t are 0x4B400000 + n; n + 127 goes into the exponent field.
  const pow2 = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4B400000)), 23);
  return f32x4.mul(p, pow2);
}

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = madd(p, z, f32x4.splat(2.00018790482477e-13));
  p = madd(p, z, f32x4.splat(-8.60467152213735e-11));
  p = madd(p, z, f32x4.splat(5.12229709037114e-08));
  p = madd(p, z, f32x4.splat(1.48572235717979e-05));
  p = madd(p, z, f32x4.splat(6.37261928875436e-04));
  p = madd(p, z, f32x4.splat(4.89352455891786e-03));
  let q = f32x4.splat(1.19825839466702e-06);
  q = madd(q, z, f32x4.splat(1.18534705686654e-04));
  q = madd(q, z, f32x4.splat(2.26843463243900e-03));
  q = madd(q, z, f32x4.splat(4.89352518554385e-03));
  return f32x4.div(f32x4.mul(p, x), q);
}
