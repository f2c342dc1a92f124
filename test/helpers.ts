// Shared by the tests: both builds of the module, a seeded generator for test data, and
// comparison helpers with tolerances stated relative to a float64 reference.
import { createBackend } from '../src/node.js';
import type { Backend } from '../src/core/backend.js';
import { relaxedSimdSupported } from '../src/core/init.js';
import { expect } from 'vitest';

export async function bothBuilds(): Promise<Backend[]> {
  if (!relaxedSimdSupported()) throw new Error('tests need relaxed SIMD (run with --experimental-wasm-relaxed-simd on Node 20)');
  return [await createBackend({ build: 'simd' }), await createBackend({ build: 'relaxed' })];
}

/** Deterministic test data (mulberry32), independent of the module under test. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** |a − b| ≤ atol + rtol·|b| elementwise, reporting the worst index on failure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`mismatch at index ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}
