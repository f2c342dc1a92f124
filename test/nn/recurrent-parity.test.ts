// Parity with PyTorch: every case in test/fixtures/rnn (made by tools/torch_rnn_golden.py in
// float64 from float32-valued weights and inputs) is loaded by name, run forward and backward,
// and compared: outputs, final states, every parameter's gradient and the input's and initial
// states' gradients, to 1e-4 relative and 1e-5 absolute. Both builds.
import { describe, it, beforeAll, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import type { Backend } from '../../src/core/backend.js';
import { RecurrentBase, type RecurrentMode } from '../../src/nn/recurrent.js';
import { bothBuilds, expectClose } from '../helpers.js';

interface T { shape: number[]; data: number[] }
interface Case {
  mode: RecurrentMode; inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean;
  batchFirst: boolean; bias: boolean; lengths: number[] | null; input: T; h0: T; c0?: T;
  weights: Record<string, T>; Ro: T; Rh: T; Rc?: T; output: T; hN: T; cN?: T; loss: number;
  grads: Record<string, T>; gradInput: T; gradH0: T; gradC0?: T;
}

const dir = new URL('../fixtures/rnn/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('cell'));

let builds: Backend[];
beforeAll(async () => { builds = await bothBuilds(); });

describe.each(['simd', 'relaxed'])('%s build', (name) => {
  it.each(files)('%s', (file) => {
    const be = builds[name === 'simd' ? 0 : 1];
    const c: Case = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    const layer = new RecurrentBase(c.mode, {
      inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
      bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias,
    }, be);
    layer.loadStateDict(c.weights);
    const t = (x: T) => be.tensor(x.data, x.shape);
    const { output, hN, cN } = layer.forward(t(c.input), {
      lengths: c.lengths ?? undefined, h0: t(c.h0), c0: c.c0 ? t(c.c0) : undefined,
    });
    expect(output.shape).toEqual(c.output.shape);
    expectClose(output.data, c.output.data, 1e-4, 1e-5);
    expectClose(hN.data, c.hN.data, 1e-4, 1e-5);
    if (c.cN) expectClose(cN!.data, c.cN.data, 1e-4, 1e-5);
    layer.zeroGrad();
    const { dInput, dh0, dc0 } = layer.backward(t(c.Ro), { dhN: t(c.Rh), dcN: c.Rc ? t(c.Rc) : undefined });
    expectClose(dInput.data, c.gradInput.data, 1e-4, 1e-5);
    expectClose(dh0.data, c.gradH0.data, 1e-4, 1e-5);
    if (c.gradC0) expectClose(dc0!.data, c.gradC0.data, 1e-4, 1e-5);
    for (const p of layer.parameters) expectClose(p.grad.data, c.grads[p.name].data, 1e-4, 1e-5);
    expect(Object.keys(c.grads).sort()).toEqual(layer.parameters.map((p) => p.name).sort());
    layer.release();
  });
});
