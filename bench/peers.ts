// Loading the peers a user would pick instead, measured in the same run as seqwasm.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createBackend } from '../src/node.js';
import type { Backend, Build } from '../src/core/backend.js';
import type { OwnWorkload } from '../src/bench/gemm.js';
import { timeMs, type Figure } from './harness.js';
import { relaxedSimdSupported } from '../src/core/init.js';

const require = createRequire(import.meta.url);

/** seqwasm's builds this runtime runs: simd always, relaxed where validated. */
export async function seqwasmBuilds(): Promise<Partial<Record<Build, Backend>>> {
  const out: Partial<Record<Build, Backend>> = { simd: await createBackend({ build: 'simd' }) };
  if (relaxedSimdSupported()) out.relaxed = await createBackend({ build: 'relaxed' });
  return out;
}

/** seqwasm's side of a figure: the workload on each build this runtime runs, in its unit. */
export async function measureOwn(own: OwnWorkload): Promise<Figure> {
  const builds = await seqwasmBuilds();
  const measure = (build: Build) => {
    const backend = builds[build];
    if (!backend) return undefined;
    const c = own.setup(backend);
    const v = c.value(timeMs(c.run));
    c.release();
    return v;
  };
  return { workload: own.name, unit: own.unit, seqwasm: measure('simd')!, relaxed: measure('relaxed'), peers: {} };
}

type Tf = typeof import('@tensorflow/tfjs-core');
let tfPromise: Promise<Tf> | undefined;

/**
 * TensorFlow.js with one backend selected. The wasm backend runs on one thread (its SIMD
 * build); the cpu backend is its plain-JavaScript kernels.
 */
export function tfjs(backend: 'wasm' | 'cpu'): Promise<Tf> {
  tfPromise ??= (async () => {
    // Loaded through require (CommonJS) so that the backends and the gradient registrations
    // (which training needs and tfjs-core leaves out) share one tfjs-core instance.
    const tf = require('@tensorflow/tfjs-core') as Tf;
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    require('@tensorflow/tfjs-backend-cpu');
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
    wasm.setThreadsCount(1);
    return tf;
  })();
  return tfPromise.then(async (tf) => {
    await tf.setBackend(backend);
    await tf.ready();
    return tf;
  });
}

/** Whether Debian's python3 with a module is here; peers in Python are optional. */
export function pythonHas(module: string): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs a Python script that prints one JSON line; returns it parsed. */
export function runPython(script: string, args: string[], timeoutMs = 600_000): Record<string, number> {
  const r = spawnSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
