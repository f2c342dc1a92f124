// Hogwild training (Recht et al. 2011, as word2vec.c and gensim do it) across Node worker_threads
// over one shared WebAssembly.Memory: every worker instantiates the shared-memory build of the
// module (asconfig target w2v-shared / w2v-shared-relaxed) on the same memory and trains the
// batches the main thread tokenizes, each with its own context (generator state and scratch)
// and no locks on the weights. Workers wait on messages, never spin.
import { SeqwasmError, ErrorCode } from '../errors.js';
import { Backend, type Build } from '../core/backend.js';
import type { Word2Vec, Progress } from './word2vec.js';
import { batches, type CorpusSource, MAX_SENTENCE } from './corpus.js';
import { nodeModule } from '../core/node-module.js';
import { alphaAfter, progressRecord } from './schedule.js';

const FILES: Record<Build, string> = { simd: 'seqwasm-shared.wasm', relaxed: 'seqwasm-shared-relaxed.wasm' };
const modules = new WeakMap<Backend, { module: WebAssembly.Module; memory: WebAssembly.Memory }>();

/** Whether this runtime can run threads here (Node with worker_threads and shared memory). */
export function threadsSupported(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof process !== 'undefined' && !!process.versions?.node;
}

/** Whether the shared-memory build is where createSharedBackend looks for it. */
export async function sharedBuildAvailable(build: Build): Promise<boolean> {
  if (!threadsSupported()) return false;
  const { access } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
  for (const rel of [`../${FILES[build]}`, `../../build/${FILES[build]}`]) {
    try { await access(fileURLToPath(new URL(rel, import.meta.url))); return true; } catch { /* next */ }
  }
  return false;
}

/** A backend over a shared memory, from the shared-memory build of the given flavour. */
export async function createSharedBackend(build: Build): Promise<Backend> {
  if (!threadsSupported()) throw new SeqwasmError(ErrorCode.badArgument, 'threads > 1 needs Node (worker_threads and SharedArrayBuffer)');
  const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
  const candidates = [new URL(`../${FILES[build]}`, import.meta.url), new URL(`../../build/${FILES[build]}`, import.meta.url)];
  let module: WebAssembly.Module | undefined;
  for (const url of candidates) {
    let bytes: Uint8Array<ArrayBuffer>;
    try { bytes = new Uint8Array(await readFile(fileURLToPath(url))); } catch { continue; }
    module = await WebAssembly.compile(bytes);
    break;
  }
  if (!module) {
    throw new SeqwasmError(ErrorCode.badModule, `cannot find ${FILES[build]} (looked at ${candidates.map((u) => fileURLToPath(u)).join(', ')}); run npm run build:wasm`);
  }
  const imp = WebAssembly.Module.imports(module).find((i) => i.kind === 'memory');
  if (!imp) throw new SeqwasmError(ErrorCode.badModule, `${FILES[build]} does not import a shared memory`);
  // Limits as compiled (asconfig: initialMemory 32 pages, maximumMemory 65536 pages = 4 GiB).
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(): never { throw new SeqwasmError(ErrorCode.badModule, 'wasm assertion failed'); },
    },
  });
  const backend = new Backend(instance);
  modules.set(backend, { module, memory });
  return backend;
}

export function isShared(backend: Backend): boolean {
  return modules.has(backend);
}

// The worker: CommonJS evaluated from a string, so it runs the same from src/ (tsx, vitest) and dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctx } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm assertion failed'); } } });
const k = inst.exports;
parentPort.on('message', (m) => {
  if (m === null) { parentPort.close(); return; }
  k.w2vTrainBatch(ctx, m.words, m.ends, m.count, m.a0, m.a1);
  parentPort.postMessage(m.slot);
});
`;

const BATCH_WORDS = 10000;

export async function trainThreaded(model: Word2Vec, corpus: CorpusSource, epochs: number, onProgress?: (p: Progress) => void):
    Promise<{ loss: number; predictions: number; seconds: number; wordsPerSec: number }> {
  const backend = model.backend;
  const shared = modules.get(backend);
  if (!shared) throw new SeqwasmError(ErrorCode.badArgument, 'internal: threaded training needs a shared-memory backend');
  const { Worker } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
  const mem = model.memory!;
  const vocab = model.vocab!;
  const o = model.options;
  const n = o.threads;
  const k = backend.kernels;
  // One context per worker: shared weights and tables, its own generator (seed + i) and scratch.
  const ctxs: number[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = i === 0 ? mem.ctx : mem.newContext();
    k.rngSeed(mem.rngOf(ctx), o.seed + 1 + i);
    mem.lossOf(ctx, true);
    ctxs.push(ctx);
  }
  // Two batch slots per worker, so the main thread fills one while the worker trains the other.
  const cap = BATCH_WORDS + MAX_SENTENCE;
  const nSlots = 2 * n;
  const slots: Array<{ words: number; ends: number }> = [];
  for (let s = 0; s < nSlots; s++) slots.push({ words: backend.allocator.alloc(cap * 4), ends: backend.allocator.alloc(cap * 4) });
  const workers = ctxs.map((ctx) => new Worker(WORKER, { eval: true, workerData: { module: shared.module, memory: shared.memory, ctx } }));
  const freeSlots: number[] = slots.map((_, i) => i);
  // Jobs go to a worker as soon as they are filled (each worker has at most two queued in its
  // message port), so a worker starts its next batch without waiting for the main thread.
  const inflight = workers.map(() => 0);
  let waiters: Array<() => void> = [];
  let failure: unknown = null;
  const wake = () => { const w = waiters; waiters = []; for (const f of w) f(); };
  const post = (job: { slot: number; count: number; a0: number; a1: number }) => {
    let wi = 0;
    for (let i = 1; i < workers.length; i++) if (inflight[i] < inflight[wi]) wi = i;
    inflight[wi]++;
    workers[wi].postMessage({ slot: job.slot, words: slots[job.slot].words, ends: slots[job.slot].ends, count: job.count, a0: job.a0, a1: job.a1 });
  };
  workers.forEach((w, wi) => {
    w.on('message', (slot: number) => { inflight[wi]--; freeSlots.push(slot); wake(); });
    w.on('error', (e) => { failure = e; wake(); });
  });
  const waitFor = async (cond: () => boolean) => {
    while (!cond()) {
      if (failure) throw failure;
      await new Promise<void>((r) => waiters.push(r));
    }
    if (failure) throw failure;
  };

  const total = model.corpusWords * epochs;
  const alphaAt = (w: number) => alphaAfter(w, total, o.alpha, o.minAlpha);
  const t0 = performance.now();
  let lastReport = t0, done = 0, alpha = o.alpha;
  const interval = o.progressInterval ?? 500;
  const lossNow = (): [number, number] => {
    let l = 0, p = 0;
    for (const c of ctxs) { const [a, b] = mem.lossOf(c); l += a; p += b; }
    return [l, p];
  };
  const report = (epoch: number) => {
    if (!onProgress) return;
    const [loss, predictions] = lossNow();
    onProgress(progressRecord({ epoch, epochs, done, total, startMs: t0, alpha, loss, predictions }));
  };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for await (const b of batches(corpus, model.cachedFor(corpus), vocab.index, BATCH_WORDS)) {
        await waitFor(() => freeSlots.length > 0);
        const slot = freeSlots.shift()!;
        const m32 = new Int32Array(k.memory.buffer);
        m32.set(b.ids.subarray(0, b.n), slots[slot].words >> 2);
        m32.set(b.ends.subarray(0, b.count), slots[slot].ends >> 2);
        const a0 = alphaAt(done), a1 = alphaAt(done + b.raw);
        post({ slot, count: b.count, a0, a1 });
        done += b.raw;
        alpha = a1;
        const now = performance.now();
        if (onProgress && now - lastReport >= interval) { lastReport = now; report(epoch); }
      }
      if (epoch === epochs - 1) await waitFor(() => freeSlots.length === nSlots);
      report(epoch);
    }
  } finally {
    for (const w of workers) w.postMessage(null);
    await Promise.all(workers.map((w) => w.terminate()));
    for (const s of slots) { backend.allocator.free(s.words); backend.allocator.free(s.ends); }
  }
  const [loss, predictions] = lossNow();
  const seconds = (performance.now() - t0) / 1000;
  return { loss, predictions, seconds, wordsPerSec: done / seconds };
}
