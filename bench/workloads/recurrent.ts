// Recurrent workloads (ms per call, lower is better): seqwasm's builds, PyTorch on one thread
// (when Debian's python3-torch is installed), and TensorFlow.js's wasm and cpu backends running
// the same LSTM/GRU written with tfjs-core ops (tf.basicLSTMCell, matMul) and trained with
// tf.variableGrads + tf.train.adam.
import type { Workload } from '../harness.js';
import { timeMs } from '../harness.js';
import { recurrentWorkloads, RECURRENT_SIZES } from '../../src/bench/recurrent.js';
import { measureOwn, tfjs, pythonHas, runPython } from '../peers.js';

type Tf = Awaited<ReturnType<typeof tfjs>>;

/** The workload in TensorFlow.js; returns one call of it. */
function tfjsCase(tf: Tf, name: string): () => void {
  const u = (shape: number[], k: number) => tf.variable(tf.randomUniform(shape, -k, k));
  if (name.startsWith('lstm-infer')) {
    const { input, hidden, steps } = RECURRENT_SIZES.infer;
    const batch = Number(name.split('-b')[1]);
    const kernel = u([input + hidden, 4 * hidden], 1 / Math.sqrt(hidden)), bias = u([4 * hidden], 1 / Math.sqrt(hidden));
    const xs = tf.unstack(tf.randomUniform([steps, batch, input], -1, 1));
    const forget = tf.scalar(1);
    return () => tf.tidy(() => {
      let c = tf.zeros([batch, hidden]) as import('@tensorflow/tfjs-core').Tensor2D, h = c;
      for (const x of xs) [c, h] = tf.basicLSTMCell(forget, kernel as never, bias as never, x as never, c, h);
      h.dataSync();
    });
  }
  const { input, hidden, steps, batch, classes } = RECURRENT_SIZES.train;
  const isLstm = name.startsWith('lstm');
  const G = isLstm ? 4 : 3;
  const k = 1 / Math.sqrt(hidden);
  const wx = u([input, G * hidden], k), wh = u([hidden, G * hidden], k), b = u([G * hidden], k), bh = u([G * hidden], k);
  const wo = u([hidden, classes], k), bo = u([classes], k);
  const xs = tf.unstack(tf.randomUniform([steps, batch, input], -1, 1));
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes);
  const opt = tf.train.adam(1e-3);
  const vars = [wx, wh, b, bh, wo, bo];
  const loss = () => {
    let h = tf.zeros([batch, hidden]), c = tf.zeros([batch, hidden]);
    for (const x of xs) {
      const gx = tf.add(tf.matMul(x, wx), b), gh = tf.add(tf.matMul(h, wh), bh);
      if (isLstm) {
        const [i, f, g, o] = tf.split(tf.add(gx, gh), 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      } else {
        const [xr, xz, xn] = tf.split(gx, 3, 1), [hr, hz, hn] = tf.split(gh, 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr)), z = tf.sigmoid(tf.add(xz, hz));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
      }
    }
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, wo), bo)) as import('@tensorflow/tfjs-core').Scalar;
  };
  return () => tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, vars as never);
    opt.applyGradients(grads as never);
  });
}

export const workloads: Workload[] = recurrentWorkloads.map((own) => ({
  name: own.name,
  unit: own.unit,
  higherIsBetter: false,
  async run({ peers }) {
    const figure = await measureOwn(own);
    if (!peers) return figure;
    if (pythonHas('torch')) {
      figure.peers.pytorch = runPython(new URL('../../tools/torch_rnn_bench.py', import.meta.url).pathname, [own.name])[own.name];
    } else {
      figure.note = 'pytorch skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)';
    }
    for (const backend of ['wasm', 'cpu'] as const) {
      const tf = await tfjs(backend);
      const call = tfjsCase(tf, own.name);
      // The cpu backend is slow; one timed round is enough to rank it.
      figure.peers[`tfjs-${backend}`] = timeMs(call, backend === 'cpu' ? 0.05 : 0.5);
    }
    return figure;
  },
}));
