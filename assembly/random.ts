// A seedable generator, the same on every runtime: xoshiro128** (Blackman & Vigna, 2018,
// https://prng.di.unimi.it/xoshiro128starstar.c) over a 4×u32 state the caller owns, seeded
// through splitmix64 as its authors recommend. All arithmetic is integer or wasm-implemented
// Math, so a seed gives the same numbers in Node, browsers, Deno and Workers.

/** Fills the 16-byte state at `state` from a seed (a non-negative integer below 2^53). */
export function rngSeed(state: usize, seed: f64): void {
  let z: u64 = <u64>seed;
  for (let i = 0; i < 2; i++) {
    z += 0x9E3779B97F4A7C15;
    let x = z;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
    x = x ^ (x >> 31);
    store<u64>(state + (<usize>i << 3), x);
  }
  // An all-zero state would stay zero forever.
  if (load<u64>(state) == 0 && load<u64>(state, 8) == 0) store<u32>(state, 1);
}

/** Next 32 random bits. */
export function rngNextU32(state: usize): u32 {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(state, s0); store<u32>(state, s1, 4); store<u32>(state, s2, 8); store<u32>(state, s3, 12);
  return result;
}

/** Uniform in [0, 1) with 24 random bits: every value is exactly representable in f32. */
// @ts-ignore: decorator
@inline function uniform01(state: usize): f32 {
  return <f32>(rngNextU32(state) >>> 8) * (1.0 / 16777216.0);
}

/** Uniform in [0, 1) with 53 random bits, for callers that need a double. */
export function rngNextFloat(state: usize): f64 {
  const hi = <u64>(rngNextU32(state) >>> 5), lo = <u64>(rngNextU32(state) >>> 6);
  return <f64>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

/** out[i] ~ U[lo, hi). */
export function randUniform(out: usize, n: i32, state: usize, lo: f32, hi: f32): void {
  const width = hi - lo;
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), lo + width * uniform01(state));
}

/** out[i] ~ N(mean, std²), by the Box–Muller transform (pairs of uniforms). */
export function randNormal(out: usize, n: i32, state: usize, mean: f32, std: f32): void {
  for (let i = 0; i < n; i += 2) {
    const u1 = 1.0 - rngNextFloat(state); // (0, 1]: log stays finite
    const u2 = rngNextFloat(state);
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const theta = 2.0 * Math.PI * u2;
    store<f32>(out + (<usize>i << 2), mean + std * <f32>(r * Math.cos(theta)));
    if (i + 1 < n) store<f32>(out + (<usize>(i + 1) << 2), mean + std * <f32>(r * Math.sin(theta)));
  }
}

/** Inverted dropout mask: each entry is 0 with probability p, else 1/(1−p) (PyTorch's scaling). */
export function dropoutMask(mask: usize, n: i32, state: usize, p: f32): void {
  const keep: f32 = 1 / (1 - p);
  for (let i = 0; i < n; i++) store<f32>(mask + (<usize>i << 2), uniform01(state) >= p ? keep : 0);
}
