// GEMM at 64³, 256³, 1024³ and GEMV at 1024², in GFLOP/s: seqwasm's simd and relaxed builds,
// TensorFlow.js's wasm backend on one thread, and a plain JavaScript loop.
import type { Workload } from '../harness.js';
import { timeMs } from '../harness.js';
import { linalgWorkloads } from '../../src/bench/gemm.js';
import { measureOwn, tfjs } from '../peers.js';

/** The loop a JavaScript programmer would write: i-k-j order over Float32Arrays. */
function jsGemm(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const bRow = k * n, cRow = i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += aik * b[bRow + j];
    }
  }
}

function jsGemv(a: Float32Array, x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    y[i] = s;
  }
}

function random(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

export const workloads: Workload[] = linalgWorkloads.map((own) => {
  const n = Number(own.name.split('-')[1]);
  const isGemm = own.name.startsWith('gemm');
  const flops = isGemm ? 2 * n * n * n : 2 * n * n;
  const gflops = (ms: number) => flops / (ms * 1e6);
  return {
    name: own.name,
    unit: own.unit,
    higherIsBetter: true,
    async run({ peers }) {
      const figure = await measureOwn(own);
      if (!peers) return figure;
      const tf = await tfjs('wasm');
      const a = tf.tensor(random(n * n), [n, n]);
      const bShape: [number, number] = isGemm ? [n, n] : [n, 1];
      const b = tf.tensor(random(isGemm ? n * n : n), bShape);
      figure.peers['tfjs-wasm'] = gflops(timeMs(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }));
      a.dispose();
      b.dispose();
      const av = random(n * n), bv = random(isGemm ? n * n : n), cv = new Float32Array(isGemm ? n * n : n);
      figure.peers['js-loop'] = gflops(timeMs(() => (isGemm ? jsGemm(av, bv, cv, n) : jsGemv(av, bv, cv, n)), 0.2));
      return figure;
    },
  };
});
