// Encoder-decoder workloads (issue 6): a GRU encoder-decoder with attention, hidden 256,
// embedding 256, vocabulary 8,000 on both sides, batch 32, sources and targets of 20 tokens.
// The encoder is unidirectional (its final state is the decoder's h₀, so there is no bridge);
// attention 'general', input feeding on. PyTorch on one thread runs the same model
// (tools/torch_seq2seq_bench.py) in the same run.
//
// - seq2seq-train-b32: ms per training step: zero gradients, teacher-forced loss with backward
//   (21 decoder steps: 20 target tokens + </s>), one Adam step; no clipping on either side.
// - seq2seq-greedy-b32, seq2seq-beam5-b32: sentences/s of decoding the 32 sources, encoding
//   included, with exactly 20 output tokens: minLength = maxLength = 20 (EOS blocked before
//   the 20th token), because a random model may emit </s> at any step and the two sides
//   would then do different amounts of work. PyTorch masks EOS the same way.
import type { Workload } from '../harness.js';
import type { OwnWorkload } from '../../src/bench/gemm.js';
import type { Backend } from '../../src/core/backend.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { Adam } from '../../src/train/optim.js';
import { greedy, beamSearch } from '../../src/decode/index.js';
import { measureOwn, pythonHas, runPython } from '../peers.js';

const SEQ2SEQ_SIZES = { vocab: 8000, embedding: 256, hidden: 256, batch: 32, srcLen: 20, tgtLen: 20, outLen: 20, beam: 5 };
const { vocab, embedding, hidden, batch, srcLen, tgtLen, outLen, beam } = SEQ2SEQ_SIZES;
/** Parameters of the last model made: printed beside PyTorch's count, as a check of "same model". */
let ownParameters = 0;

function makeModel(backend: Backend): { model: Seq2Seq; sources: number[][]; targets: number[][] } {
  const model = new Seq2Seq({
    srcVocabSize: vocab, tgtVocabSize: vocab, embeddingDim: embedding, hiddenSize: hidden,
    cell: 'GRU', bidirectional: false, attention: 'general', inputFeeding: true, seed: 0,
  }, backend);
  // Token ids 3.. (0-2 are <pad>, <s>, </s>), drawn from the backend's seeded generator.
  const ids = (n: number) => Array.from({ length: batch }, () => Array.from({ length: n }, () => 3 + Math.floor(backend.random() * (vocab - 3))));
  ownParameters = model.parameters.reduce((n, p) => n + p.value.size, 0);
  return { model, sources: ids(srcLen), targets: ids(tgtLen) };
}

const trainCase: OwnWorkload = {
  name: 'seq2seq-train-b32',
  unit: 'ms',
  higherIsBetter: false,
  setup(backend) {
    const { model, sources, targets } = makeModel(backend);
    const adam = new Adam(model.parameters, { lr: 1e-3 });
    const run = () => {
      model.zeroGrad();
      model.loss(sources, targets, { backward: true });
      adam.step();
    };
    return { run, value: (ms) => ms, release: () => { adam.release(); model.release(); } };
  },
};

function decodeCase(beamSize: number): OwnWorkload {
  return {
    name: beamSize === 1 ? 'seq2seq-greedy-b32' : `seq2seq-beam${beamSize}-b32`,
    unit: 'sentences/s',
    higherIsBetter: true,
    setup(backend) {
      const { model, sources } = makeModel(backend);
      model.eval();
      // What translate() does, with the decoders called directly so that minLength can be given.
      const run = () => {
        try {
          const common = { initialState: model.start(sources), batchSize: batch, bos: model.bos, eos: model.eos, maxLength: outLen, minLength: outLen };
          if (beamSize === 1) greedy(model, common);
          else beamSearch(model, { ...common, beamSize });
        } finally {
          model.releaseStates();
        }
      };
      return { run, value: (ms) => (batch / ms) * 1000, release: () => model.release() };
    },
  };
}

/** seqwasm's side alone (also handy for profiling one build). */
export const seq2seqOwn: OwnWorkload[] = [trainCase, decodeCase(1), decodeCase(beam)];

export const workloads: Workload[] = seq2seqOwn.map((w) => ({
  name: w.name,
  unit: w.unit,
  higherIsBetter: w.higherIsBetter,
  async run({ peers }) {
    const figure = await measureOwn(w);
    if (!peers) return figure;
    if (pythonHas('torch')) {
      const r = runPython(new URL('../../tools/torch_seq2seq_bench.py', import.meta.url).pathname, [w.name]);
      figure.peers.pytorch = r[w.name];
      figure.note = `parameters: seqwasm ${ownParameters}, PyTorch ${r.parameters}`;
    } else {
      figure.note = 'pytorch skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)';
    }
    return figure;
  },
}));
