// seqwasm's side of the recurrent workloads (issue sizes), shared by `seqwasm bench` and bench/:
// LSTM inference (input 128, hidden 256, 100 steps) at batch 1 and 32, and one training step
// (forward, backward, Adam) at batch 32 over 50 steps of input 64, hidden 256, with the last
// state → Linear(10) → cross-entropy.
import type { Backend } from '../core/backend.js';
import { RecurrentBase, type RecurrentMode } from '../nn/recurrent.js';
import { Linear } from '../nn/layers.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../ops/softmax.js';
import { Adam } from '../train/optim.js';
import type { OwnWorkload } from './gemm.js';

export const RECURRENT_SIZES = {
  infer: { input: 128, hidden: 256, steps: 100 },
  train: { input: 64, hidden: 256, steps: 50, batch: 32, classes: 10 },
};

function inferCase(batch: number): OwnWorkload {
  const { input, hidden, steps } = RECURRENT_SIZES.infer;
  return {
    name: `lstm-infer-b${batch}`,
    unit: 'ms',
    higherIsBetter: false,
    setup(backend) {
      const lstm = new RecurrentBase('LSTM', { inputSize: input, hiddenSize: hidden }, backend).eval();
      const x = backend.randomUniform([steps, batch, input], -1, 1);
      return { run: () => void lstm.forward(x), value: (ms) => ms, release: () => { lstm.release(); x.release(); } };
    },
  };
}

function trainCase(mode: RecurrentMode): OwnWorkload {
  const { input, hidden, steps, batch, classes } = RECURRENT_SIZES.train;
  return {
    name: `${mode.toLowerCase()}-train-b${batch}`,
    unit: 'ms',
    higherIsBetter: false,
    setup(backend: Backend) {
      const rnn = new RecurrentBase(mode, { inputSize: input, hiddenSize: hidden }, backend);
      const head = new Linear(hidden, classes, {}, backend);
      const params = [...rnn.parameters, ...head.parameters];
      const adam = new Adam(params, { lr: 1e-3 });
      const x = backend.randomUniform([steps, batch, input], -1, 1);
      const y = backend.tensor(Array.from({ length: batch }, (_, i) => i % classes), undefined, { dtype: 'int32' });
      const dLast = backend.zeros([steps, batch, hidden]);
      const run = () => {
        for (const p of params) backend.kernels.fill(p.grad.size, 0, p.grad.ptr);
        const { hN } = rnn.forward(x);
        const logits = head.forward(hN.view([batch, hidden]));
        const { probs } = softmaxCrossEntropy(logits, y);
        const dLogits = softmaxCrossEntropyBackward(probs, y);
        const dh = head.backward(dLogits);
        rnn.backward(dLast, { dhN: dh.view([1, batch, hidden]) });
        adam.step();
        probs.release();
        dLogits.release();
      };
      return { run, value: (ms) => ms, release: () => { rnn.release(); head.release(); adam.release(); [x, y, dLast].forEach((t) => t.release()); } };
    },
  };
}

export const recurrentWorkloads: OwnWorkload[] = [inferCase(1), inferCase(32), trainCase('LSTM'), trainCase('GRU')];
