// The context block a training kernel reads (assembly/w2v.ts, C_* offsets), and the wasm memory
// that holds a model's weights and tables.
import type { Backend } from '../core/backend.js';
import type { Vocabulary } from './vocab.js';
import { aliasTable } from './vocab.js';
import { MAX_SENTENCE } from './corpus.js';

export const CTX = {
  syn0: 0, syn1neg: 4, syn1: 8, dim: 12, window: 16, negative: 20, hs: 24, cbow: 28, cbowMean: 32,
  keep: 36, aprob: 40, aidx: 44, vocab: 48, exp: 52, logt: 56, codes: 60, points: 64, codeLen: 68,
  codeOff: 72, rng: 76, work: 80, flags: 84, loss: 88, lossN: 96, hot: 104, hotRows: 108, hsHot: 112, hsHotRows: 116, lock: 120,
} as const;

export interface ModelShape {
  dim: number;
  window: number;
  negative: number;
  hs: boolean;
  cbow: boolean;
  cbowMean: boolean;
  sample: number;
  nsExponent: number;
  /** bit 0: exact sigmoid (tests), bit 1: no window shrinking. */
  flags: number;
}

/** Weights and tables of one model in one module's memory; `ctx` is the first thread's context. */
export class ModelMemory {
  readonly blocks: number[] = [];
  readonly syn0: number;
  readonly syn1neg: number;
  readonly syn1: number;
  readonly ctx: number;
  readonly tables: Record<string, number> = {};
  /** Rows of private output vectors allocated per context (setHotRows). */
  private readonly hotCapacity = new Map<number, number>();
  /** Contexts of threads 1, 2, … (thread 0 uses `ctx`), kept for the next threaded training. */
  private readonly threadCtxs: number[] = [];

  constructor(readonly backend: Backend, readonly vocab: Vocabulary, readonly shape: ModelShape) {
    const k = backend.kernels;
    const V = vocab.size, d = shape.dim;
    const alloc = (bytes: number): number => {
      const p = backend.allocator.alloc(Math.max(16, bytes));
      this.blocks.push(p);
      return p;
    };
    const u8 = () => new Uint8Array(k.memory.buffer);
    this.syn0 = alloc(V * d * 4);
    this.syn1neg = shape.negative > 0 ? alloc(V * d * 4) : 0;
    this.syn1 = shape.hs ? alloc(Math.max(1, V - 1) * d * 4) : 0;
    if (this.syn1neg) u8().fill(0, this.syn1neg, this.syn1neg + V * d * 4);
    if (this.syn1) u8().fill(0, this.syn1, this.syn1 + Math.max(1, V - 1) * d * 4);

    const E = k.w2vExpTableSize();
    const exp = alloc(E * 4), logt = alloc(E * 4);
    k.w2vInitTables(exp, logt);
    const put = (data: ArrayBufferView): number => {
      const p = alloc(data.byteLength);
      u8().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
      return p;
    };
    const keepArr = vocab.keepProbabilities(shape.sample);
    const keep = keepArr ? put(keepArr) : 0;
    let aprob = 0, aidx = 0;
    if (shape.negative > 0) {
      const t = aliasTable(vocab.noiseWeights(shape.nsExponent));
      aprob = put(t.thresholds);
      aidx = put(t.aliases);
    }
    let codes = 0, points = 0, codeLen = 0, codeOff = 0;
    if (shape.hs) {
      const h = vocab.huffman();
      codes = put(h.codes); points = put(h.points); codeLen = put(h.lengths); codeOff = put(h.offsets);
    }
    // The word the threads' contexts take turns on to sync their private rows (hotAll in assembly/w2v.ts).
    const lock = alloc(16);
    u8().fill(0, lock, lock + 16);
    Object.assign(this.tables, { exp, logt, keep, aprob, aidx, codes, points, codeLen, codeOff, lock });
    this.ctx = this.newContext();
  }

  /** A context for one thread: shared weights and tables, its own generator state and scratch. */
  newContext(): number {
    const k = this.backend.kernels;
    const ctx = this.backend.allocator.alloc(k.w2vContextBytes());
    const rng = this.backend.allocator.alloc(16);
    const work = this.backend.allocator.alloc(this.shape.dim * 8 + MAX_SENTENCE * 4 + 64);
    this.blocks.push(ctx, rng, work);
    const dv = new DataView(k.memory.buffer);
    const t = this.tables, s = this.shape;
    const set = (off: number, v: number) => dv.setInt32(ctx + off, v, true);
    new Uint8Array(k.memory.buffer).fill(0, ctx, ctx + k.w2vContextBytes());
    set(CTX.syn0, this.syn0); set(CTX.syn1neg, this.syn1neg); set(CTX.syn1, this.syn1);
    set(CTX.dim, s.dim); set(CTX.window, s.window); set(CTX.negative, s.negative);
    set(CTX.hs, s.hs ? 1 : 0); set(CTX.cbow, s.cbow ? 1 : 0); set(CTX.cbowMean, s.cbowMean ? 1 : 0);
    set(CTX.keep, t.keep); set(CTX.aprob, t.aprob); set(CTX.aidx, t.aidx); set(CTX.vocab, this.vocab.size);
    set(CTX.exp, t.exp); set(CTX.logt, t.logt); set(CTX.codes, t.codes); set(CTX.points, t.points);
    set(CTX.codeLen, t.codeLen); set(CTX.codeOff, t.codeOff); set(CTX.rng, rng); set(CTX.work, work);
    set(CTX.flags, s.flags); set(CTX.lock, t.lock);
    return ctx;
  }

  /** One context per thread, `ctx` first; made once and reused by later trainings. */
  threadContexts(n: number): number[] {
    while (this.threadCtxs.length < n - 1) this.threadCtxs.push(this.newContext());
    return [this.ctx, ...this.threadCtxs.slice(0, n - 1)];
  }

  /**
   * Threads only: the context trains the output vectors written most often, those of the `rows`
   * most frequent words (syn1neg) and of the `rows` inner nodes nearest the Huffman root (syn1),
   * in a private copy added to the shared rows every 1,024 words (assembly/w2v.ts, "hot output
   * rows"); 0 turns it off. The copy is allocated once per context.
   */
  setHotRows(ctx: number, rows: number): void {
    const V = this.vocab.size, d = this.shape.dim;
    const neg = this.syn1neg ? Math.min(rows, V) : 0;
    const hs = this.syn1 ? Math.min(rows, V - 1) : 0;
    const set = (off: number, v: number) => new DataView(this.backend.kernels.memory.buffer).setInt32(ctx + off, v, true);
    if (neg + hs > (this.hotCapacity.get(ctx) ?? 0)) {
      const p = this.backend.allocator.alloc(2 * (neg + hs) * d * 4);
      this.blocks.push(p);
      this.hotCapacity.set(ctx, neg + hs);
      set(CTX.hotRows, p);
      set(CTX.hsHotRows, p + 2 * neg * d * 4);
    }
    set(CTX.hot, neg);
    set(CTX.hsHot, hs);
  }

  rngOf(ctx: number): number {
    return new DataView(this.backend.kernels.memory.buffer).getInt32(ctx + CTX.rng, true);
  }

  /** Accumulated loss and number of predictions of a context; `reset` zeroes them. */
  lossOf(ctx: number, reset = false): [number, number] {
    const dv = new DataView(this.backend.kernels.memory.buffer);
    const r: [number, number] = [dv.getFloat64(ctx + CTX.loss, true), dv.getFloat64(ctx + CTX.lossN, true)];
    if (reset) { dv.setFloat64(ctx + CTX.loss, 0, true); dv.setFloat64(ctx + CTX.lossN, 0, true); }
    return r;
  }

  free(): void {
    for (const p of this.blocks) this.backend.allocator.free(p);
    this.blocks.length = 0;
  }
}
