// Parity with PyTorch of the whole Seq2Seq: each fixture in test/fixtures/seq2seq (written by
// tools/torch_seq2seq_golden.py in float64 from float32-valued weights) gives a model config,
// one padded batch, the weights, and PyTorch's logits (T, B, V), mean token loss and every
// parameter's gradient, compared to 1e-4 relative and 1e-5 absolute on both builds. Several
// gradient tensors peak at a few 1e-3, where a fixed 1e-5 would let a wrong entry pass, so the
// absolute part is also at most 1e-4 of the tensor's largest reference entry.
import { describe, it, beforeAll, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { Seq2Seq, type Seq2SeqOptions } from '../../src/seq2seq/index.js';
import { bothBuilds, expectClose } from '../helpers.js';

interface T { shape: number[]; data: number[] }
interface Case {
  config: Seq2SeqOptions; labelSmoothing: number; sources: number[][]; targets: number[][];
  weights: Record<string, T>; logits: T; loss: number; grads: Record<string, T>;
}

const dir = new URL('../fixtures/seq2seq/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

function close(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  let peak = 0;
  for (let i = 0; i < expected.length; i++) peak = Math.max(peak, Math.abs(expected[i]));
  try {
    expectClose(actual, expected, 1e-4, Math.min(1e-5, 1e-4 * peak));
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(4));

  it.each(files)('%s: logits, loss and every gradient match PyTorch', (file) => {
    const c: Case = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    const model = new Seq2Seq(c.config, builds[name === 'simd' ? 0 : 1]);
    // Both ways, so a parameter without a reference gradient (or the reverse) fails.
    const names = model.parameters.map((p) => p.name).sort();
    expect(Object.keys(c.weights).sort()).toEqual(names);
    expect(Object.keys(c.grads).sort()).toEqual(names);
    model.loadStateDict(c.weights);
    model.zeroGrad();
    const r = model.loss(c.sources, c.targets, { backward: true, returnLogits: true, labelSmoothing: c.labelSmoothing });
    const [T, B, V] = c.logits.shape;
    expect([T, B, V]).toEqual([Math.max(...c.targets.map((t) => t.length)) + 1, c.sources.length, c.config.tgtVocabSize]);
    close('logits', r.logits!, c.logits.data);
    close('loss', [r.loss], [c.loss]);
    expect(r.count).toBe(c.targets.reduce((n, t) => n + t.length + 1, 0));
    for (const p of model.parameters) close(`gradient of ${p.name}`, p.grad.data, c.grads[p.name].data);
    model.release();
  });
});
