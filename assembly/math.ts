// Scalar math shared by kernel files (not exported from the module).

/** Logistic function, written so that exp never overflows. */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

// Four-lane versions, for the fused recurrent kernels.
//
// exp4: Cephes' expf (Stephen L. Moshier, Cephes Math Library, expf.c): x = n·ln2 + r with
// n = round(x·log2 e) and ln2 split in two (C1 + C2) so that r is exact, |r| ≤ ln2/2; e^r by
// Cephes' degree-7 polynomial; 2^n put into the exponent bits. Cephes states a relative error
// of about 1 ulp (peak 1.7e-7 on [-88, 88]) for these coefficients. Inputs are clamped to
// [-87.3, 88.37] (the normal range), so the result is never inf, NaN or denormal.
//
// tanh4: Cephes' tanhf (tanhf.c): for |x| ≥ 0.625, 1 − 2/(e^{2|x|} + 1) with the sign of x;
// below, x + x³·P(x²) with Cephes' degree-4 polynomial (relative error about 1.4e-7 per Cephes),
// which avoids the cancellation of the exp form near 0.
//
// sigmoid4: 1/(1 + e^{−x}); the clamp inside exp4 keeps it finite for any x (σ(x) rounds to 0
// or 1 far out, as the scalar sigmoid1 does). Error: that of exp4 plus two roundings.

// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.37));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500E-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507E-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073E-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894E-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459E-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201E-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  // 2^n: n + 127 in the exponent field (n in [-126, 127] after the clamp).
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2);
}

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const one = f32x4.splat(1);
  const ax = f32x4.abs(x);
  // Large branch: 1 − 2/(e^{2|x|} + 1), sign restored below (exp4 clamps, so no overflow).
  let big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(ax, ax)), one)));
  const sign = v128.and(x, i32x4.splat(0x80000000));
  big = v128.or(big, sign);
  // Small branch: x + x·z·P(z), z = x².
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745E-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954E-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531E-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036E-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422E-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(big, small, f32x4.ge(ax, f32x4.splat(0.625)));
}
