// The three models on small synthetic tasks, reproducibility, early stopping, truncated BPTT,
// non-finite handling, memory plateau and bad-input errors, on both builds.
import { describe, it, beforeAll, expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import { SeqwasmError } from '../../src/errors.js';
import { SequenceClassifier } from '../../src/models/sequence-classifier.js';
import { SequenceTagger } from '../../src/models/sequence-tagger.js';
import { LanguageModel, sampleLogits } from '../../src/models/language-model.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../../src/ops/softmax.js';
import { bothBuilds, rng, expectClose } from '../helpers.js';

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

/** Random sequences of ids in [lo, V) with lengths in [minLen, maxLen]. */
function sequences(n: number, V: number, minLen: number, maxLen: number, seed: number, lo = 0): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: minLen + Math.floor(r() * (maxLen - minLen + 1)) }, () => lo + Math.floor(r() * (V - lo))));
}
/** Half the sequences contain token 3, half do not; label 1 when they do. */
function containsThree(n: number, seed: number): [number[][], number[]] {
  const r = rng(seed + 1);
  const xs = sequences(n, 8, 3, 10, seed).map((s) => s.map((v) => (v === 3 ? 4 : v)));
  const ys = xs.map((s, i) => {
    if (i % 2 === 0) return 0;
    s[Math.floor(r() * s.length)] = 3;
    return 1;
  });
  return [xs, ys];
}
const prefixParity = (s: number[]) => { let p = 0; return s.map((v) => (p ^= v)); };
const sameWeights = (a: { stateDict(): Record<string, { data: Float32Array }> }, b: typeof a) => {
  const sa = a.stateDict(), sb = b.stateDict();
  for (const k of Object.keys(sa)) expect(Buffer.from(sa[k].data.buffer).equals(Buffer.from(sb[k].data.buffer)), k).toBe(true);
};

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  const be = () => builds[name === 'simd' ? 0 : 1];

  it.each(['last', 'mean', 'max'] as const)('SequenceClassifier (%s pooling) learns "contains token 3"', (pooling) => {
    const [xs, ys] = containsThree(400, 1);
    const [tx, ty] = containsThree(200, 2);
    const m = new SequenceClassifier({ vocabSize: 8, numClasses: 2, hiddenSize: 24, embeddingDim: 8, pooling, bidirectional: pooling === 'last', seed: 3 }, be());
    const h = m.fit(xs, ys, { epochs: 12, batchSize: 16, lr: 2e-2, seed: 4, validationData: [tx, ty] });
    expect(h.valAccuracy.length).toBe(12);
    expect(m.evaluate(tx, ty).accuracy).toBeGreaterThanOrEqual(0.97);
    expect(m.predict(tx).filter((p, i) => p === ty[i]).length / ty.length).toBeGreaterThanOrEqual(0.97);
    m.release();
  });

  it('SequenceTagger (bidirectional) learns a per-step copy of the next token and prefix parity', () => {
    // tag = token at t+1 (needs the reverse direction) — 0 at the end.
    const xs = sequences(400, 4, 2, 12, 5);
    const tags = xs.map((s) => s.map((_, t) => (t + 1 < s.length ? s[t + 1] : 0)));
    const m = new SequenceTagger({ vocabSize: 4, numTags: 4, hiddenSize: 24, embeddingDim: 8, seed: 1 }, be());
    expect(m.rnn.bidirectional).toBe(true);
    m.fit(xs, tags, { epochs: 15, batchSize: 16, lr: 2e-2, seed: 2 });
    const txs = sequences(100, 4, 2, 12, 6);
    const ttags = txs.map((s) => s.map((_, t) => (t + 1 < s.length ? s[t + 1] : 0)));
    expect(m.evaluate(txs, ttags).accuracy).toBeGreaterThanOrEqual(0.98);
    const pred = m.predict(txs.slice(0, 5));
    pred.forEach((p, i) => expect(p.length).toBe(txs[i].length));
    m.release();

    const bits = sequences(400, 2, 2, 10, 7);
    const par = new SequenceTagger({ vocabSize: 2, numTags: 2, hiddenSize: 16, embeddingDim: 4, bidirectional: false, cell: 'GRU', seed: 1 }, be());
    par.fit(bits, bits.map(prefixParity), { epochs: 25, batchSize: 16, lr: 3e-2, seed: 2 });
    const tb = sequences(100, 2, 2, 10, 8);
    expect(par.evaluate(tb, tb.map(prefixParity)).accuracy).toBeGreaterThanOrEqual(0.98);
    par.release();
  });

  it('LanguageModel learns a deterministic cyclic sequence (sequences and truncated BPTT)', () => {
    const cycle = (start: number, n: number) => Array.from({ length: n }, (_, i) => (start + i) % 5);
    const seqs = Array.from({ length: 40 }, (_, i) => cycle(i % 5, 8));
    const m = new LanguageModel({ vocabSize: 5, hiddenSize: 16, embeddingDim: 8, seed: 1 }, be());
    m.fit(seqs, { epochs: 20, batchSize: 8, lr: 3e-2, seed: 1 });
    expect(m.perplexity(seqs)).toBeLessThan(1.1);
    expect(m.generate([0], { maxLength: 6, temperature: 0 })).toEqual([1, 2, 3, 4, 0, 1]);
    m.release();
    const s = new LanguageModel({ vocabSize: 5, hiddenSize: 16, embeddingDim: 8, seed: 1 }, be());
    const stream = cycle(0, 2000);
    const h = s.fit(stream, { bptt: 10, batchSize: 8, epochs: 4, lr: 3e-2, validationSplit: 0.1 });
    expect(h.valLoss.length).toBe(4);
    expect(s.perplexity(stream.slice(0, 300), { bptt: 10, batchSize: 4 })).toBeLessThan(1.1);
    s.release();
  });

  it.each(['LSTM', 'GRU'] as const)('LanguageModel.generate (%s) samples as a from-scratch forward of the whole text would', (cell) => {
    // Oracle: at each step, run embedding → stack → head over prompt + tokens so far from a zero
    // state and draw from the last row with the same seeded generator. generate feeds the prompt
    // at once and then carries the state one token at a time; the draws must agree.
    const m = new LanguageModel({ vocabSize: 11, hiddenSize: 12, embeddingDim: 6, numLayers: 2, cell, seed: 9 }, be());
    // Weights scaled up from PyTorch's small initialisation, so that the distribution depends on
    // the whole context rather than on the head's bias alone.
    const sd = m.stateDict();
    for (const p of Object.values(sd)) p.data = p.data.map((v) => v * 3);
    m.loadStateDict(sd);
    const prompt = [3, 1, 4, 1, 5, 9, 2];
    const got = m.generate(prompt, { maxLength: 12, seed: 5 });
    const text = [...prompt];
    be().seed(5);
    for (let step = 0; step < 12; step++) {
      const ids = be().tensor(Int32Array.from(text), [text.length, 1], { dtype: 'int32' });
      const logits = m.head.forward(m.rnn.forward(m.embedding.forward(ids)).output).toArray() as Float32Array;
      text.push(sampleLogits(logits.subarray((text.length - 1) * 11), 1, 0, 1, () => be().random()));
      ids.release();
    }
    expect(got).toEqual(text.slice(prompt.length));
    expect(new Set(got).size).toBeGreaterThan(3);
    m.release();
  });

  it('LanguageModel.generateBatch continues prompts of different lengths as separate from-scratch forwards would, drawing row by row', () => {
    const V = 11;
    const m = new LanguageModel({ vocabSize: V, hiddenSize: 12, embeddingDim: 6, numLayers: 2, cell: 'LSTM', seed: 4 }, be());
    // Larger weights and no output bias: the draws depend on each row's state, so reading a
    // row's output at the wrong step (the padded zeros) changes them.
    const sd = m.stateDict();
    for (const [name, p] of Object.entries(sd)) p.data = p.data.map((v) => (name === 'head.bias' ? 0 : v * (name === 'head.weight' ? 6 : 3)));
    m.loadStateDict(sd);
    const prompts = [[3, 1, 4, 1, 5], [9], [2, 6, 5]];
    const maxLength = 10;
    // Oracle: the same draws in the same order (each step, rows in order, finished rows skipped),
    // each from a forward of that row's whole text from a zero state.
    const oracle = (stopToken?: number) => {
      be().seed(8);
      const texts = prompts.map((p) => [...p]);
      const want: number[][] = prompts.map(() => []);
      const done = prompts.map(() => false);
      for (let step = 0; step < maxLength; step++) {
        texts.forEach((text, b) => {
          if (done[b]) return;
          const ids = be().tensor(Int32Array.from(text), [text.length, 1], { dtype: 'int32' });
          const logits = m.head.forward(m.rnn.forward(m.embedding.forward(ids)).output).toArray() as Float32Array;
          ids.release();
          const next = sampleLogits(logits.subarray((text.length - 1) * V), 1, 0, 1, () => be().random());
          if (next === stopToken) { done[b] = true; return; }
          text.push(next);
          want[b].push(next);
        });
      }
      return want;
    };
    const free = m.generateBatch(prompts, { maxLength, seed: 8 });
    expect(free).toEqual(oracle());
    expect(free.map((g) => g.length)).toEqual([10, 10, 10]);
    // A stop token that row 0 draws part-way: rows end at different lengths.
    const stopToken = free[0][4];
    const cut = m.generateBatch(prompts, { maxLength, seed: 8, stopToken });
    expect(cut).toEqual(oracle(stopToken));
    expect(cut[0].length).toBeLessThan(10);
    m.release();
  });

  it('runs are reproducible bit for bit with a seed, and a different seed differs', () => {
    const [xs, ys] = containsThree(64, 9);
    const run = (seed: number) => {
      const m = new SequenceClassifier({ vocabSize: 8, numClasses: 2, hiddenSize: 8, dropout: 0.2, numLayers: 2, seed: 5 }, be());
      const h = m.fit(xs, ys, { epochs: 2, batchSize: 8, seed, validationSplit: 0.25 });
      return { m, h };
    };
    const a = run(1), b = run(1), c = run(2);
    expect(a.h.loss).toEqual(b.h.loss);
    expect(a.h.valLoss).toEqual(b.h.valLoss);
    sameWeights(a.m, b.m);
    expect(c.h.loss).not.toEqual(a.h.loss);
    [a, b, c].forEach((r) => r.m.release());
    const lm = () => {
      const m = new LanguageModel({ vocabSize: 8, hiddenSize: 8, numLayers: 2, dropout: 0.3, cell: 'GRU', seed: 3 }, be());
      const h = m.fit(sequences(1, 8, 500, 500, 4)[0], { bptt: 7, batchSize: 3, epochs: 2, seed: 9, validationSplit: 0.2 });
      return { m, h };
    };
    const x = lm(), y = lm();
    expect(x.h.loss).toEqual(y.h.loss);
    sameWeights(x.m, y.m);
    const tg = () => new SequenceTagger({ vocabSize: 8, numTags: 8, hiddenSize: 8, seed: 3 }, be());
    const t1 = tg(), t2 = tg();
    t1.fit(xs, xs, { epochs: 2, batchSize: 8, seed: 4 });
    t2.fit(xs, xs, { epochs: 2, batchSize: 8, seed: 4 });
    sameWeights(t1, t2);
    [x.m, y.m, t1, t2].forEach((m) => m.release());
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', () => {
    const [xs, ys] = containsThree(64, 11);
    // Validation labels flipped: the validation loss rises as the model learns.
    const [vx, vy] = containsThree(64, 12);
    const m = new SequenceClassifier({ vocabSize: 8, numClasses: 2, hiddenSize: 16, seed: 1 }, be());
    const snapshots: Record<string, { data: Float32Array }>[] = [];
    const h = m.fit(xs, ys, {
      epochs: 30, batchSize: 8, lr: 2e-2, validationData: [vx, vy.map((y) => 1 - y)], patience: 3,
      onEpochEnd: () => snapshots.push(m.stateDict()),
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.epochs.length).toBe(h.bestEpoch + 4);
    const best = Math.min(...h.valLoss);
    expect(h.valLoss[h.bestEpoch]).toBe(best);
    const now = m.stateDict();
    for (const k of Object.keys(now)) expect(now[k].data).toEqual(snapshots[h.bestEpoch][k].data);
    expect(m.evaluate(vx, vy.map((y) => 1 - y)).loss).toBeCloseTo(best, 5);
    m.release();
  });

  it('truncated BPTT carries the state but not the gradient across the cut', () => {
    const V = 6, H = 5, B = 2, bptt = 4;
    const stream = sequences(1, V, 2 * bptt * B + 1, 2 * bptt * B + 1, 13)[0];
    const m = new LanguageModel({ vocabSize: V, hiddenSize: H, embeddingDim: 3, seed: 2 }, be());
    const weights = m.stateDict();
    // lr 0: the weights stay; the gradients left behind are those of the last chunk.
    m.fit(stream, { bptt, batchSize: B, epochs: 1, lr: 0, optimizer: 'sgd', clipNorm: 0 });
    const truncated = m.parameters.map((p) => Float32Array.from(p.grad.data));
    m.loadStateDict(weights);

    // Oracle: chunk 1 forward only, then full BPTT over chunk 2 from chunk 1's final state.
    const N = (stream.length - 1) / B;
    const chunk = (start: number) => {
      const ids: number[][] = [], tg: number[] = [];
      for (let t = 0; t < bptt; t++) { ids.push([]); for (let b = 0; b < B; b++) { ids[t].push(stream[b * N + start + t]); tg.push(stream[b * N + start + t + 1]); } }
      return { ids, tg };
    };
    m.train();
    const c1 = chunk(0);
    let r = m.rnn.forward(m.embedding.forward(c1.ids));
    const h = r.hN.toArray() as Float32Array, c = r.cN!.toArray() as Float32Array;
    m.zeroGrad();
    const c2 = chunk(bptt);
    r = m.rnn.forward(m.embedding.forward(c2.ids), { h0: be().tensor(h, [1, B, H]), c0: be().tensor(c, [1, B, H]) });
    const logits = m.head.forward(r.output);
    const targets = be().tensor(c2.tg, [bptt * B], { dtype: 'int32' });
    const { probs } = softmaxCrossEntropy(logits.view([bptt * B, V]), targets);
    const dl = softmaxCrossEntropyBackward(probs, targets);
    m.embedding.backward(m.rnn.backward(m.head.backward(dl.view([bptt, B, V]))).dInput);
    m.parameters.forEach((p, i) => expectClose(truncated[i], p.grad.data, 1e-5, 1e-6));

    // And the carried state matters: from a zero state the gradients differ.
    m.zeroGrad();
    r = m.rnn.forward(m.embedding.forward(c2.ids));
    const l2 = m.head.forward(r.output);
    const p2 = softmaxCrossEntropy(l2.view([bptt * B, V]), targets).probs;
    m.embedding.backward(m.rnn.backward(m.head.backward(softmaxCrossEntropyBackward(p2, targets).view([bptt, B, V]))).dInput);
    const whh = m.parameters.findIndex((p) => p.name === 'rnn.weight_hh_l0');
    expect(Math.max(...Array.from(m.parameters[whh].grad.data, (g, j) => Math.abs(g - truncated[whh][j])))).toBeGreaterThan(1e-4);
    m.release();
  });

  it('a non-finite loss stops training with an error naming the epoch and step, or is skipped on request', () => {
    const [xs, ys] = containsThree(32, 14);
    const m = new SequenceClassifier({ vocabSize: 8, numClasses: 2, hiddenSize: 8, seed: 1 }, be());
    m.head.weight.value.data[0] = NaN;
    const before = m.stateDict();
    let err: unknown;
    try { m.fit(xs, ys, { epochs: 2, batchSize: 8 }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(SeqwasmError);
    expect((err as SeqwasmError).code).toBe('non_finite');
    expect((err as Error).message).toMatch(/epoch 1, step 1 .*skipNonFinite/);
    expect(m.stateDict()['rnn.weight_hh_l0'].data).toEqual(before['rnn.weight_hh_l0'].data);
    const h = m.fit(xs, ys, { epochs: 2, batchSize: 8, skipNonFinite: true });
    expect(h.skippedSteps).toBe(8);
    m.release();
  });

  it('1,000 training steps: liveBytes and memoryBytes stay flat after the first steps', () => {
    const [xs, ys] = containsThree(16, 15);
    const m = new SequenceClassifier({ vocabSize: 8, numClasses: 2, hiddenSize: 16, pooling: 'max', bidirectional: true, seed: 1 }, be());
    const seen: [number, number][] = [];
    m.fit(xs, ys, {
      epochs: 250, batchSize: 4, shuffle: true, validationSplit: 0,
      onProgress: ({ step }) => { if (step === 9 || step === 999) seen.push([be().liveBytes, be().memoryBytes]); },
    });
    expect(seen.length).toBe(2);
    expect(seen[1]).toEqual(seen[0]);
    const tg = new SequenceTagger({ vocabSize: 8, numTags: 8, hiddenSize: 16, seed: 1 }, be());
    const tseen: number[][] = [];
    tg.fit(xs, xs, { epochs: 250, batchSize: 4, onProgress: ({ step }) => { if (step === 9 || step === 999) tseen.push([be().liveBytes, be().memoryBytes]); } });
    expect(tseen[1]).toEqual(tseen[0]);
    const lm = new LanguageModel({ vocabSize: 8, hiddenSize: 16, seed: 1 }, be());
    const lseen: number[][] = [];
    lm.fit(sequences(1, 8, 4001, 4001, 3)[0], { bptt: 4, batchSize: 1, epochs: 1, onProgress: ({ step }) => { if (step === 9 || step === 999) lseen.push([be().liveBytes, be().memoryBytes]); } });
    expect(lseen[1]).toEqual(lseen[0]);
    [m, tg, lm].forEach((x) => x.release());
  });

  it('bad input gets a SeqwasmError naming the argument', () => {
    const m = new SequenceClassifier({ vocabSize: 5, numClasses: 3, hiddenSize: 4 }, be());
    const bad = (f: () => unknown, re: RegExp, code: string) => {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(SeqwasmError);
      expect((err as SeqwasmError).code).toBe(code);
      expect((err as Error).message).toMatch(re);
    };
    bad(() => m.fit([[1, 5]], [0]), /sequences\[0\]\[1\] is token id 5/, 'out_of_range');
    bad(() => m.fit([[1, 2], []], [0, 1]), /sequences\[1\] must be an array of at least 1/, 'bad_argument');
    bad(() => m.fit([], []), /sequences must hold at least one/, 'bad_argument');
    bad(() => m.fit([[1, 2]], [3]), /labels\[0\] is 3/, 'out_of_range');
    bad(() => m.fit([[1, 2], [3]], [1]), /labels must hold one label per sequence \(2\), received 1/, 'bad_shape');
    bad(() => m.fit([[1]], [0], { validationData: [[[1]], [7]] }), /validationData\[1\]\[0\] is 7/, 'out_of_range');
    bad(() => m.fit([[1]], [0], { epochs: 0 }), /epochs must be an integer/, 'bad_argument');
    bad(() => m.predict([[-1]]), /sequences\[0\]\[0\] is token id -1/, 'out_of_range');
    bad(() => new SequenceClassifier({ vocabSize: 5, numClasses: 1 }, be()), /numClasses/, 'bad_argument');
    bad(() => new SequenceClassifier({ vocabSize: 5, numClasses: 2, pooling: 'sum' as never }, be()), /pooling/, 'bad_argument');
    const t = new SequenceTagger({ vocabSize: 5, numTags: 2, hiddenSize: 4 }, be());
    bad(() => t.fit([[1, 2, 3]], [[0, 1]]), /tags\[0\] must hold one tag per token \(3\)/, 'bad_shape');
    bad(() => t.fit([[1, 2]], [[0, 2]]), /tags\[0\]\[1\] is 2/, 'out_of_range');
    const lm = new LanguageModel({ vocabSize: 5, hiddenSize: 4 }, be());
    bad(() => lm.fit([[1]]), /sequences\[0\] must be an array of at least 2 token ids/, 'bad_argument');
    bad(() => lm.fit([1, 2, 9], { bptt: 2 }), /data\[2\] is token id 9/, 'out_of_range');
    bad(() => lm.fit([1, 2, 3], { bptt: 0 }), /bptt must be/, 'bad_argument');
    bad(() => lm.generate([]), /prompt/, 'bad_argument');
    bad(() => lm.generateBatch([[1], []]), /prompts\[1\] must be an array of at least 1 token id/, 'bad_argument');
    bad(() => lm.generateBatch([]), /prompts must hold at least one sequence/, 'bad_argument');
    bad(() => lm.generate([1], { maxLength: 2.5 }), /maxLength must be an integer ≥ 0, received 2.5/, 'bad_argument');
    bad(() => lm.generate([1], { topK: -1 }), /topK must be an integer ≥ 0/, 'bad_argument');
    bad(() => lm.generate([1], { topP: 0 }), /topP must be in \(0, 1\]/, 'bad_argument');
    bad(() => lm.generate([1], { stopToken: 99 }), /stopToken must be an integer 0 ≤ id < \d+ \(vocabSize\), received 99/, 'out_of_range');
    bad(() => lm.generate([1], { stopToken: 1.5 }), /stopToken must be an integer .* received 1.5/, 'bad_argument');
    [m, t, lm].forEach((x) => x.release());
  });
});
