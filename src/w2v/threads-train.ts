// Hogwild training over one shared WebAssembly.Memory: every worker instantiates the shared-memory
// build on the same memory and trains the batches the main thread tokenizes, each with its own
// context (generator state and scratch) and no locks on the weights. Workers wait on messages,
// never spin. This loop is the same in every runtime; only how a worker is made and spoken to
// differs (threads-node.ts: worker_threads, threads-web.ts: Web Workers).
import { SeqwasmError, ErrorCode } from '../errors.js';
import { BATCH_WORDS, type Word2Vec, type Progress, type TrainResult } from './word2vec.js';
import { batches, type CorpusSource, MAX_SENTENCE } from './corpus.js';
import { alphaAfter, progressRecord } from './schedule.js';
import { sharedOf, threadsHost } from './threads.js';

/** One worker as the loop sees it. */
export interface ThreadWorker {
  post(message: unknown): void;
  terminate(): Promise<void>;
}

/** Makes workers that run WORKER_BODY in one runtime. */
export interface WorkerHost {
  /** `onDone` receives every slot the worker finished; `onError` anything that failed in it. */
  spawn(onDone: (slot: number) => void, onError: (error: unknown) => void): ThreadWorker;
  /** Frees what spawning needed, once every worker is terminated. */
  close(): void;
}

/**
 * The worker, plain JavaScript that runs as CommonJS (worker_threads, eval) and as a module (Web
 * Workers); each host puts `on(handler)` and `post(value)` in front of it. The first message
 * is the module, the shared memory and this worker's context; every later one is a batch.
 */
export const WORKER_BODY = `
let kernels = null, ctx = 0;
on((m) => {
  if (kernels === null) {
    const env = { memory: m.memory, abort() { throw new Error('wasm assertion failed'); } };
    kernels = new WebAssembly.Instance(m.module, { env }).exports;
    ctx = m.ctx;
    return;
  }
  kernels.w2vTrainBatch(ctx, m.words, m.ends, m.count, m.a0, m.a1);
  post(m.slot);
});
`;

/** Rows of each output matrix a thread trains in a private copy (the most written; context.ts). */
const HOT_ROWS = 256;

async function workerHost(): Promise<WorkerHost> {
  const where = threadsHost();
  if (where.host === null) throw new SeqwasmError(ErrorCode.badArgument, where.reason);
  return where.host === 'web' ? (await import('./threads-web.js')).webHost() : (await import('./threads-node.js')).nodeHost();
}

export async function trainThreaded(model: Word2Vec, corpus: CorpusSource, epochs: number, onProgress?: (p: Progress) => void): Promise<TrainResult> {
  const backend = model.backend;
  const shared = sharedOf(backend);
  if (!shared) throw new SeqwasmError(ErrorCode.badArgument, 'internal: threaded training needs a shared-memory backend');
  const host = await workerHost();
  const mem = model.memory!;
  const vocab = model.vocab!;
  const o = model.options;
  const n = o.threads;
  const k = backend.kernels;
  // One context per worker: shared weights and tables, its own generator (seed + i) and scratch.
  const ctxs = mem.threadContexts(n);
  ctxs.forEach((ctx, i) => {
    k.rngSeed(mem.rngOf(ctx), o.seed + 1 + i);
    mem.lossOf(ctx, true);
    mem.setHotRows(ctx, HOT_ROWS);
  });
  // Two batch slots per worker, so the main thread fills one while the worker trains the other.
  const cap = BATCH_WORDS + MAX_SENTENCE;
  const nSlots = 2 * n;
  const slots: Array<{ words: number; ends: number }> = [];
  for (let s = 0; s < nSlots; s++) slots.push({ words: backend.allocator.alloc(cap * 4), ends: backend.allocator.alloc(cap * 4) });
  const freeSlots: number[] = slots.map((_, i) => i);
  // Jobs go to a worker as soon as they are filled (each worker has at most two queued in its
  // message port), so a worker starts its next batch without waiting for the main thread.
  const inflight = ctxs.map(() => 0);
  let waiters: Array<() => void> = [];
  let failure: unknown = null;
  const wake = () => { const w = waiters; waiters = []; for (const f of w) f(); };
  const next = () => new Promise<void>((r) => waiters.push(r));
  const waitFor = async (cond: () => boolean) => {
    while (!cond()) {
      if (failure !== null) throw failure;
      await next();
    }
    if (failure !== null) throw failure;
  };
  const workers: ThreadWorker[] = [];
  const post = (job: { slot: number; count: number; a0: number; a1: number }) => {
    let wi = 0;
    for (let i = 1; i < workers.length; i++) if (inflight[i] < inflight[wi]) wi = i;
    inflight[wi]++;
    workers[wi].post({ slot: job.slot, words: slots[job.slot].words, ends: slots[job.slot].ends, count: job.count, a0: job.a0, a1: job.a1 });
  };

  const total = model.corpusWords * epochs;
  const alphaAt = (w: number) => alphaAfter(w, total, o.alpha, o.minAlpha);
  const t0 = performance.now();
  let lastReport = t0, done = 0, alpha = o.alpha;
  const interval = o.progressInterval ?? 500;
  const perThread = () => ctxs.map((c) => { const [loss, predictions] = mem.lossOf(c); return { loss, predictions }; });
  const lossNow = (): [number, number] => perThread().reduce<[number, number]>(([l, p], t) => [l + t.loss, p + t.predictions], [0, 0]);
  const report = (epoch: number) => {
    if (!onProgress) return;
    const [loss, predictions] = lossNow();
    onProgress(progressRecord({ epoch, epochs, done, total, startMs: t0, alpha, loss, predictions }));
  };
  try {
    for (const ctx of ctxs) {
      const wi = workers.length;
      const w = host.spawn((slot) => { inflight[wi]--; freeSlots.push(slot); wake(); }, (e) => { failure ??= e; wake(); });
      workers.push(w);
      w.post({ module: shared.module, memory: shared.memory, ctx });
    }
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
    // After a failure in the corpus, workers may still be reading their slots: let them finish
    // before the slots are freed and reused (a worker that failed will not answer).
    while (failure === null && freeSlots.length < nSlots) await next();
    await Promise.all(workers.map((w) => w.terminate()));
    host.close();
    for (const s of slots) { backend.allocator.free(s.words); backend.allocator.free(s.ends); }
    // The first context is also the single-thread path's, which trains every row in place.
    for (const ctx of ctxs) mem.setHotRows(ctx, 0);
  }
  const [loss, predictions] = lossNow();
  const seconds = (performance.now() - t0) / 1000;
  return { loss, predictions, seconds, wordsPerSec: done / seconds, perThread: perThread() };
}
