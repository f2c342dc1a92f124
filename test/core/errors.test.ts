// Bad input to every op gets a SeqwasmError with the right code, and wasm memory is untouched.
import { describe, it, expect, beforeAll } from 'vitest';
import { createBackend, SeqwasmError } from '../../src/node.js';
import type { Backend } from '../../src/core/backend.js';
import { matmul, matvec, dot, axpy, copy } from '../../src/ops/blas.js';
import { sigmoid, tanhBackward } from '../../src/ops/activations.js';
import { softmax, softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../../src/ops/softmax.js';

let be: Backend;
beforeAll(async () => { be = await createBackend({ build: 'simd' }); });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SeqwasmError)) throw e;
    return e.code;
  }
  return 'no error';
}

describe('bad input', () => {
  it('is rejected with a typed error and leaves memory as it was', () => {
    const a = be.tensor([[1, 2, 3], [4, 5, 6]]);
    const b = be.tensor([[1, 2], [3, 4]]);
    const v3 = be.tensor([1, 2, 3]);
    const ids = be.tensor([0, 1], undefined, { dtype: 'int32' });
    const snapshot = new Uint8Array(be.kernels.memory.buffer).slice();
    const cases: [string, () => unknown][] = [
      ['bad_shape', () => matmul(a, b)],
      ['bad_shape', () => matmul(v3, b)],
      ['bad_shape', () => matmul(a, a, { out: v3, transB: true })],
      ['bad_argument', () => matmul(a, [[1]] as never)],
      ['bad_argument', () => matmul(b, b, { beta: 1 })],
      ['bad_argument', () => matmul(b, b, { alpha: NaN })],
      ['bad_dtype', () => matmul(ids as never, b)],
      ['bad_shape', () => matvec(a, b)],
      ['bad_shape', () => matvec(a, be.tensor([1, 2]))],
      ['bad_size', () => dot(v3, be.tensor([1, 2]))],
      ['bad_size', () => axpy(1, v3, b)],
      ['bad_argument', () => axpy(Infinity, v3, v3)],
      ['bad_size', () => copy(v3, b)],
      ['bad_size', () => sigmoid(a, b)],
      ['bad_size', () => tanhBackward(a, b)],
      ['bad_shape', () => softmax(be.tensor(new Float32Array([1]), []))],
      ['out_of_range', () => softmaxCrossEntropy(b, be.tensor([0, 2], undefined, { dtype: 'int32' }))],
      ['out_of_range', () => softmaxCrossEntropy(b, be.tensor([-1, 0], undefined, { dtype: 'int32' }))],
      ['bad_shape', () => softmaxCrossEntropy(b, be.tensor([0], undefined, { dtype: 'int32' }))],
      ['bad_dtype', () => softmaxCrossEntropy(b, b)],
      ['bad_argument', () => softmaxCrossEntropy(b, ids, { labelSmoothing: 2 })],
      ['bad_argument', () => softmaxCrossEntropy(b, ids, { reduction: 'none' as never })],
      ['bad_argument', () => softmaxCrossEntropyBackward(b, ids, { gradOutput: NaN })],
      ['bad_argument', () => be.seed(-1)],
    ];
    // Tensors made inside the cases change memory; compare only what existed before.
    cases.forEach(([code, fn], i) => expect([i, codeOf(fn)]).toEqual([i, code]));
    const after = new Uint8Array(be.kernels.memory.buffer, 0, snapshot.length);
    for (const t of [a, b, v3, ids]) {
      const start = t.ptr, end = t.ptr + t.size * 4;
      expect(Buffer.compare(after.subarray(start, end), snapshot.subarray(start, end))).toBe(0);
    }
  });

  it('messages say what was expected and what was received', () => {
    const a = be.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => matmul(a, a)).toThrow('inner dimensions differ: op(A) is 2×3 (A [2, 3]), op(B) is 2×3 (B [2, 3])');
    const logits = be.tensor([[1, 2]]);
    expect(() => softmaxCrossEntropy(logits, be.tensor([5], undefined, { dtype: 'int32' })))
      .toThrow('target 5 at row 0 is out of range: expected 0 ≤ target < 2 or -100 (ignored)');
  });
});
