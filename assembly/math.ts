// Scalar math shared by kernel files (not exported from the module).

/** Logistic function, written so that exp never overflows. */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}
