// Tensors, the allocator and loading: creation and copy-out, release, use after release,
// memory growth with live views, and a memory plateau under repeated calls.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createBackend, init, tensor, getBackend, SeqwasmError } from '../../src/node.js';
import type { Backend } from '../../src/core/backend.js';
import { Allocator } from '../../src/core/allocator.js';
import { matmul } from '../../src/ops/blas.js';
import { softmaxCrossEntropy } from '../../src/ops/softmax.js';
import { rng } from '../helpers.js';

let be: Backend;
beforeAll(async () => { be = await createBackend({ build: 'simd' }); });

describe('Tensor', () => {
  it('round-trips nested arrays and flat data with a shape', () => {
    const t = be.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toNested()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const f = be.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(f.toNested()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const i = be.tensor([3, -1, 7], undefined, { dtype: 'int32' });
    expect(Array.from(i.data)).toEqual([3, -1, 7]);
    expect(i.data).toBeInstanceOf(Int32Array);
    expect(be.tensor([]).shape).toEqual([0]);
    [t, f, i].forEach((x) => x.release());
  });

  it('rejects ragged arrays, size mismatches, non-finite values and bad ints with typed errors', () => {
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { expect(e).toBeInstanceOf(SeqwasmError); return (e as SeqwasmError).code; } return 'no error'; };
    expect(code(() => be.tensor([[1, 2], [3]]))).toBe('bad_shape');
    expect(code(() => be.tensor([[1, 2], 3] as never))).toBe('bad_shape');
    expect(code(() => be.tensor([1, 2, 3], [2, 2]))).toBe('bad_size');
    expect(code(() => be.tensor([1, NaN]))).toBe('non_finite');
    expect(code(() => be.tensor(new Float32Array([Infinity]), [1]))).toBe('non_finite');
    expect(code(() => be.tensor([1.5], undefined, { dtype: 'int32' }))).toBe('bad_dtype');
    expect(code(() => be.tensor([1], [-1]))).toBe('bad_shape');
    expect(code(() => be.tensor([1], undefined, { dtype: 'float64' as never }))).toBe('bad_dtype');
    expect(() => be.tensor([1, 2, 3], [2, 2])).toThrow(/needs 4 values, received 3/);
    const nan = be.tensor([NaN], undefined, { allowNonFinite: true });
    expect(Number.isNaN(nan.data[0])).toBe(true);
  });

  it('throws on use after release, not a read of reused memory', () => {
    const a = be.tensor([[1, 2], [3, 4]]);
    a.release();
    a.release(); // twice is harmless
    expect(() => a.data).toThrow(SeqwasmError);
    expect(() => matmul(a, a)).toThrow(/after release/);
    const slab = be.slab(1024);
    const s = slab.zeros([4, 4]);
    expect(() => s.release()).toThrow(/slab/);
    slab.release();
    expect(() => s.data).toThrow(/after release/);
  });

  it('keeps values across memory growth (views are rebuilt)', () => {
    const a = be.tensor([1, 2, 3]);
    const before = be.memoryBytes;
    const big = be.empty([16 * 1024 * 1024]); // 64 MiB forces memory.grow
    expect(be.memoryBytes).toBeGreaterThan(before);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    big.release();
    a.release();
  });

  it('reaches a memory plateau over 10,000 repeated calls', () => {
    const x = be.tensor(new Float32Array(64 * 32).fill(0.5), [64, 32]);
    const w = be.tensor(new Float32Array(32 * 10).fill(0.1), [32, 10]);
    const t = be.tensor(new Array(64).fill(3), undefined, { dtype: 'int32' });
    const sizes: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const y = matmul(x, w);
      const { probs } = softmaxCrossEntropy(y, t);
      y.release();
      probs.release();
      if (i % 1000 === 999) sizes.push(be.memoryBytes);
    }
    expect(new Set(sizes.slice(1)).size).toBe(1);
    expect(be.liveBytes).toBeLessThan(be.memoryBytes);
    [x, w, t].forEach((v) => v.release());
  });
});

describe('Allocator', () => {
  it('never hands out overlapping or misaligned blocks and coalesces on free (random trace)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const alloc = new Allocator(memory, 100);
    const r = rng(5);
    const live = new Map<number, number>();
    for (let step = 0; step < 5000; step++) {
      if (live.size > 0 && r() < 0.45) {
        const ptrs = [...live.keys()];
        const p = ptrs[Math.floor(r() * ptrs.length)];
        alloc.free(p);
        live.delete(p);
      } else {
        const size = Math.floor(r() * 5000);
        const p = alloc.alloc(size);
        expect(p % 16).toBe(0);
        expect(p).toBeGreaterThanOrEqual(100);
        for (const [q, s] of live) expect(p + size <= q || q + s <= p).toBe(true);
        live.set(p, Math.max(size, 1));
      }
    }
    for (const p of live.keys()) alloc.free(p);
    expect(alloc.liveBytes).toBe(0);
    // Everything coalesced back: one block as large as all memory above the base fits again.
    const all = memory.buffer.byteLength - 112;
    expect(alloc.alloc(all)).toBe(112);
    expect(() => alloc.free(999)).toThrow(SeqwasmError);
  });
});

describe('init', () => {
  it('makes a default backend for the free functions, and says so when missing', async () => {
    const b = await init({ build: 'simd' });
    expect(getBackend()).toBe(b);
    expect(b.build).toBe('simd');
    expect(tensor([1, 2]).backend).toBe(b);
  });

  it('accepts a module, bytes or a URL from the caller', async () => {
    const bytes = readFileSync(new URL('../../build/seqwasm-relaxed.wasm', import.meta.url));
    expect((await createBackend({ module: new Uint8Array(bytes) })).build).toBe('relaxed');
    expect((await createBackend({ module: new WebAssembly.Module(bytes) })).build).toBe('relaxed');
    await expect(createBackend({ module: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/not a valid WebAssembly module/);
    await expect(createBackend({ module: 42 as never })).rejects.toThrow(SeqwasmError);
    await expect(createBackend({ build: 'fast' as never })).rejects.toThrow(/'auto', 'simd' or 'relaxed'/);
    const notOurs = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    await expect(createBackend({ module: notOurs })).rejects.toThrow(/missing exports/);
  });
});
