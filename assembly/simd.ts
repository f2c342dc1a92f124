// Helpers shared by every kernel file: the one place where the plain-SIMD and relaxed-SIMD
// builds differ. `ASC_FEATURE_RELAXED_SIMD` is a compile-time constant, so each build keeps
// only one branch.

/** a * b + c, four lanes. Fused (one rounding) where the relaxed build's engine fuses it. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
