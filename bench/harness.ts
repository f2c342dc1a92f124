// The benchmark harness's shared types and helpers. Every workload file in bench/workloads/
// exports `workloads: Workload[]`; bench/run.ts runs the ones asked for and prints ratios.
import Benchmark from 'benchmark';

/** One measured figure, as written to `--json FILE`. */
export interface Figure {
  workload: string;
  unit: string;
  /** seqwasm's figure on the plain SIMD build (the build every runtime has). */
  seqwasm: number;
  /** seqwasm's figure on the relaxed-SIMD build, where this runtime validates it. */
  relaxed?: number;
  /** Peers measured in the same run, by name (absent when the peer is not installed). */
  peers: Record<string, number>;
  /** Free-form notes: sizes, what was skipped and why. */
  note?: string;
}

export interface Workload {
  name: string;
  unit: string;
  /** true for throughputs (GFLOP/s, words/s), false for times (ms). */
  higherIsBetter: boolean;
  /** `peers: false` when run by `seqwasm bench` (seqwasm's own builds only). */
  run(opts: { peers: boolean }): Promise<Figure>;
}

/**
 * Mean time of one call of `fn` in milliseconds, measured by benchmark.js (which picks the
 * number of repetitions itself, so short and long calls are both timed well).
 */
export function timeMs(fn: () => void, minTime = 0.5): number {
  const bench = new Benchmark(fn, { minSamples: 5, minTime, maxTime: 3 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return bench.stats.mean * 1000;
}

/** The same for an async function, timed by hand: `reps` calls after one warm-up call. */
export async function timeMsAsync(fn: () => Promise<void>, reps = 5): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}
