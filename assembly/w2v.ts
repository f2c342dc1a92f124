// word2vec: training kernels (skip-gram and CBOW, negative sampling and hierarchical softmax) and
// the query kernels behind KeyedVectors.
//
// The model follows Mikolov et al.'s word2vec.c (https://github.com/tmikolov/word2vec, word2vec.c)
// and gensim 4.2 (gensim/models/word2vec_inner.pyx): the same objectives, window shrinking,
// subsampling and sigmoid table. Code is our own; only the formulas and constants are theirs.
//
// One call trains one sentence (at most a few thousand words), so crossings between JS and wasm
// stay rare. Everything a call needs is described by a context block (`ctx`, layout below) that
// the TypeScript side fills once per model (src/w2v/context.ts mirrors the offsets).
import { hsum, madd } from './simd';

// ---- context block layout (bytes); all pointers are byte addresses in this module's memory ----
// @ts-ignore: decorator
@inline const C_SYN0: usize = 0;      // f32 (V, dim) input vectors
// @ts-ignore: decorator
@inline const C_SYN1NEG: usize = 4;   // f32 (V, dim) output vectors for negative sampling (0: off)
// @ts-ignore: decorator
@inline const C_SYN1: usize = 8;      // f32 (V-1, dim) inner-node vectors for hierarchical softmax (0: off)
// @ts-ignore: decorator
@inline const C_DIM: usize = 12;
// @ts-ignore: decorator
@inline const C_WINDOW: usize = 16;
// @ts-ignore: decorator
@inline const C_NEG: usize = 20;      // negatives per positive example (0: no negative sampling)
// @ts-ignore: decorator
@inline const C_HS: usize = 24;       // 1: hierarchical softmax on
// @ts-ignore: decorator
@inline const C_CBOW: usize = 28;     // 1: CBOW, 0: skip-gram
// @ts-ignore: decorator
@inline const C_CBOWMEAN: usize = 32; // 1: mean of the context vectors, 0: sum
// @ts-ignore: decorator
@inline const C_KEEP: usize = 36;     // f32 (V) probability of keeping each word (0: no subsampling)
// @ts-ignore: decorator
@inline const C_APROB: usize = 40;    // u32 (V) alias table: acceptance thresholds (× 2^-32)
// @ts-ignore: decorator
@inline const C_AIDX: usize = 44;     // i32 (V) alias table: aliases
// @ts-ignore: decorator
@inline const C_V: usize = 48;        // vocabulary size
// @ts-ignore: decorator
@inline const C_EXP: usize = 52;      // f32 (EXP_TABLE_SIZE) sigmoid table
// @ts-ignore: decorator
@inline const C_LOGT: usize = 56;     // f32 (EXP_TABLE_SIZE) −log σ table (loss)
// @ts-ignore: decorator
@inline const C_CODES: usize = 60;    // u8 (Σ code lengths) Huffman codes, word after word
// @ts-ignore: decorator
@inline const C_POINTS: usize = 64;   // i32 (Σ code lengths) inner-node indices, word after word
// @ts-ignore: decorator
@inline const C_CODELEN: usize = 68;  // i32 (V)
// @ts-ignore: decorator
@inline const C_CODEOFF: usize = 72;  // i32 (V) offset of each word's code in codes/points
// @ts-ignore: decorator
@inline const C_RNG: usize = 76;      // 16 bytes of xoshiro128** state (assembly/random.ts)
// @ts-ignore: decorator
@inline const C_WORK: usize = 80;     // f32 (2·dim) + i32 (max sentence length) scratch
// @ts-ignore: decorator
@inline const C_FLAGS: usize = 84;    // bit 0: exact sigmoid (tests), bit 1: no window shrinking
// @ts-ignore: decorator
@inline const C_LOSS: usize = 88;     // f64 accumulated loss (Σ −log σ over every prediction)
// @ts-ignore: decorator
@inline const C_LOSSN: usize = 96;    // f64 number of predictions in C_LOSS
// @ts-ignore: decorator
@inline const C_HOT: usize = 104;     // threads: rows [0, C_HOT) of syn1neg trained in a private copy
// @ts-ignore: decorator
@inline const C_HOTROWS: usize = 108; // f32 (2, C_HOT, dim): the private copy, then its last sync
// @ts-ignore: decorator
@inline const C_HSHOT: usize = 112;   // threads: rows [V−1−C_HSHOT, V−1) of syn1 likewise
// @ts-ignore: decorator
@inline const C_HSHOTROWS: usize = 116; // f32 (2, C_HSHOT, dim)
// @ts-ignore: decorator
@inline const C_LOCK: usize = 120;    // i32 shared by a model's contexts: held while one syncs

/** Bytes of a context block. */
export function w2vContextBytes(): i32 {
  return 128;
}

// word2vec.c: `#define EXP_TABLE_SIZE 1000`, `#define MAX_EXP 6` (gensim uses the same values).
// @ts-ignore: decorator
@inline const EXP_TABLE_SIZE: i32 = 1000;
// @ts-ignore: decorator
@inline const MAX_EXP: f32 = 6;

export function w2vExpTableSize(): i32 {
  return EXP_TABLE_SIZE;
}

/**
 * Fills the sigmoid table (word2vec.c: expTable[i] = σ((i / EXP_TABLE_SIZE · 2 − 1) · MAX_EXP))
 * and the matching −log σ table used for the loss.
 */
export function w2vInitTables(expTable: usize, logTable: usize): void {
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const x = (<f64>i / <f64>EXP_TABLE_SIZE * 2.0 - 1.0) * <f64>MAX_EXP;
    const e = Math.exp(x);
    store<f32>(expTable + (<usize>i << 2), <f32>(e / (e + 1.0)));
    store<f32>(logTable + (<usize>i << 2), <f32>Math.log1p(Math.exp(-x)));
  }
}

// ---- random numbers: xoshiro128** (same stepping as assembly/random.ts), state held in globals
// for the length of one call and written back at its end.
let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

// @ts-ignore: decorator
@inline function rngLoad(p: usize): void {
  s0 = load<u32>(p); s1 = load<u32>(p, 4); s2 = load<u32>(p, 8); s3 = load<u32>(p, 12);
}
// @ts-ignore: decorator
@inline function rngStore(p: usize): void {
  store<u32>(p, s0); store<u32>(p, s1, 4); store<u32>(p, s2, 8); store<u32>(p, s3, 12);
}
// @ts-ignore: decorator
@inline function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

// ---- vector helpers (f32x4 with scalar tails) ----

// @ts-ignore: decorator
@inline function dotv(a: usize, b: usize, dim: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>i << 2;
    acc0 = madd(v128.load(a + o), v128.load(b + o), acc0);
    acc1 = madd(v128.load(a + o, 16), v128.load(b + o, 16), acc1);
  }
  if (i + 4 <= dim) {
    const o = <usize>i << 2;
    acc0 = madd(v128.load(a + o), v128.load(b + o), acc0);
    i += 4;
  }
  let s = hsum(f32x4.add(acc0, acc1));
  for (; i < dim; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

/** y += a·x */
// @ts-ignore: decorator
@inline function axpyv(y: usize, a: f32, x: usize, dim: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** e += g·s; s += g·l1 (the two updates of one output vector, reading s once). */
// @ts-ignore: decorator
@inline function updatePair(e: usize, s: usize, l1: usize, g: f32, dim: i32): void {
  const vg = f32x4.splat(g);
  let i = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>i << 2;
    const sv = v128.load(s + o);
    v128.store(e + o, madd(vg, sv, v128.load(e + o)));
    v128.store(s + o, madd(vg, v128.load(l1 + o), sv));
  }
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    const sv = load<f32>(s + o);
    store<f32>(e + o, load<f32>(e + o) + g * sv);
    store<f32>(s + o, sv + g * load<f32>(l1 + o));
  }
}

// @ts-ignore: decorator
@inline function zerov(p: usize, dim: i32): void {
  memory.fill(p, 0, <usize>dim << 2);
}

// ---- per-call state (globals: set at the start of each call) ----
let gDim: i32 = 0;
let gExact: bool = false;
let gExp: usize = 0;
let gLogT: usize = 0;
let gLoss: f64 = 0;
let gLossN: f64 = 0;
// Private rows are on only inside w2vTrainBatch (hotOn … hotOff), so a sentence trained on its
// own always works in place.
let gHot: i32 = 0;                   // syn1neg rows [0, gHot) are private
let gHotRows: usize = 0;
let gHsFrom: i32 = i32.MAX_VALUE;    // syn1 rows [gHsFrom, V−1) are private
let gHsRows: usize = 0;
let gHotOn: bool = false;
let gSinceSync: i32 = 0;

// ---- hot output rows under Hogwild ----
// With several threads, some output vectors are written by every thread all the time, and each
// write takes the row's cache lines away from the other core: with negative sampling those of
// the most frequent words (the first rows of syn1neg: the vocabulary is sorted by count), since
// negatives are drawn from count^0.75; with hierarchical softmax the inner nodes nearest the root
// (the last rows of syn1: a node is visited in proportion to its count, and nodes are numbered
// in increasing count). Measured on the 100 MB corpus (skip-gram, 2 threads, 1 epoch): ×1.64
// over one thread with count^0.75 noise, ×2.03 with uniform noise. So each thread trains those
// rows in a private copy and adds what it changed to the shared rows every HOT_SYNC_WORDS centre
// words: delayed Hogwild for a few hundred rows, plain Hogwild for the rest (docs/word2vec.md
// has the measurements). One thread never uses it (C_HOT and C_HSHOT are 0), so single-thread
// runs keep word2vec.c's exact updates.

// @ts-ignore: decorator
@inline const HOT_SYNC_WORDS: i32 = 1024;

/** Private copy and its snapshot (n floats each, back to back at priv) ← the shared rows. */
function regionAttach(shared: usize, priv: usize, n: i32): void {
  const bytes = <usize>n << 2;
  memory.copy(priv, shared, bytes);
  memory.copy(priv + bytes, priv, bytes); // from the copy: the shared rows are read once
}

/** shared += private − snapshot; then private = snapshot = shared (with the other threads' changes). */
function regionSync(shared: usize, priv: usize, n: i32): void {
  const snap = priv + (<usize>n << 2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.add(v128.load(shared + o), f32x4.sub(v128.load(priv + o), v128.load(snap + o)));
    v128.store(shared + o, v);
    v128.store(priv + o, v);
    v128.store(snap + o, v);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(shared + o) + (load<f32>(priv + o) - load<f32>(snap + o));
    store<f32>(shared + o, v);
    store<f32>(priv + o, v);
    store<f32>(snap + o, v);
  }
}

/**
 * Attach (sync false) or sync every private region of the context. Only one context at a time:
 * two syncs reading and writing the same shared rows at once would lose one thread's changes
 * of a whole interval. Only the shared-memory build has threads, and atomics.
 */
function hotAll(ctx: usize, sync: bool): void {
  let lock: usize = 0;
  if (ASC_FEATURE_THREADS) {
    lock = load<usize>(ctx + C_LOCK);
    while (atomic.cmpxchg<i32>(lock, 0, 1) != 0) {}
  }
  const rowBytes = <usize>gDim << 2;
  if (gHot > 0) {
    const shared = load<usize>(ctx + C_SYN1NEG);
    if (sync) regionSync(shared, gHotRows, gHot * gDim);
    else regionAttach(shared, gHotRows, gHot * gDim);
  }
  if (gHsFrom != i32.MAX_VALUE) {
    const shared = load<usize>(ctx + C_SYN1) + <usize>gHsFrom * rowBytes;
    const n = load<i32>(ctx + C_HSHOT) * gDim;
    if (sync) regionSync(shared, gHsRows, n);
    else regionAttach(shared, gHsRows, n);
  }
  if (ASC_FEATURE_THREADS) atomic.store<i32>(lock, 0);
  gSinceSync = 0;
}

/** Turns the context's private regions on (and copies the shared rows in) when it has any. */
function hotOn(ctx: usize): void {
  gHot = load<i32>(ctx + C_HOT);
  gHotRows = load<usize>(ctx + C_HOTROWS);
  const hs = load<i32>(ctx + C_HSHOT);
  gHsFrom = hs > 0 ? load<i32>(ctx + C_V) - 1 - hs : i32.MAX_VALUE;
  gHsRows = load<usize>(ctx + C_HSHOTROWS);
  gHotOn = gHot > 0 || hs > 0;
  if (gHotOn) hotAll(ctx, false);
}

/** Adds what the private regions changed to the shared rows, and turns them off. */
function hotOff(ctx: usize): void {
  if (gHotOn) hotAll(ctx, true);
  gHot = 0;
  gHsFrom = i32.MAX_VALUE;
  gHotOn = false;
}

/**
 * Byte offset of x ∈ (−MAX_EXP, MAX_EXP) in the σ and −log σ tables: word2vec.c's index
 * (x + MAX_EXP)·(EXP_TABLE_SIZE / MAX_EXP / 2), clamped because f32 rounding takes x just
 * below MAX_EXP (5.9999995) to EXP_TABLE_SIZE, one past the last entry.
 */
// @ts-ignore: decorator
@inline function tableOffset(x: f32): usize {
  return <usize>min(<i32>((x + MAX_EXP) * (<f32>EXP_TABLE_SIZE / MAX_EXP / 2)), EXP_TABLE_SIZE - 1) << 2;
}

/** −log σ(y), from the table inside [−MAX_EXP, MAX_EXP), exactly outside (rare). */
// @ts-ignore: decorator
@inline function negLogSigmoid(y: f32): f64 {
  if (!gExact && y > -MAX_EXP && y < MAX_EXP) {
    return <f64>load<f32>(gLogT + tableOffset(y));
  }
  const x = <f64>y;
  return x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
}

/**
 * One logistic prediction with score f = l1·s and label 1 or 0. Returns the
 * gradient scale g = (label − σ(l1·s))·alpha that word2vec.c applies. Outside ±MAX_EXP the table
 * mode clips σ to 0 or 1 as word2vec.c does for negative sampling (gensim skips those instead).
 */
// @ts-ignore: decorator
@inline function predict(f: f32, label: f32, alpha: f32): f32 {
  let sig: f32;
  if (gExact) {
    sig = <f32>(1.0 / (1.0 + Math.exp(-<f64>f)));
  } else if (f >= MAX_EXP) {
    sig = 1;
  } else if (f <= -MAX_EXP) {
    sig = 0;
  } else {
    sig = load<f32>(gExp + tableOffset(f));
  }
  gLoss += negLogSigmoid(label > 0 ? f : -f);
  gLossN += 1;
  return (label - sig) * alpha;
}

/**
 * The output side of one training example: input vector l1 predicts word `target`.
 * Accumulates the gradient for l1 into `e` (zeroed by the caller), updates the output vectors
 * unless `update` is 0.
 */
function trainTarget(ctx: usize, l1: usize, e: usize, target: i32, alpha: f32, update: bool): void {
  const dim = gDim;
  const rowBytes = <usize>dim << 2;
  if (load<i32>(ctx + C_HS) != 0) {
    // Hierarchical softmax (word2vec.c): one binary decision per inner node on the word's path;
    // label = 1 − code. word2vec.c skips nodes with |f| ≥ MAX_EXP; so do we in table mode.
    const syn1 = load<usize>(ctx + C_SYN1);
    const off = load<i32>(load<usize>(ctx + C_CODEOFF) + (<usize>target << 2));
    const len = load<i32>(load<usize>(ctx + C_CODELEN) + (<usize>target << 2));
    const codes = load<usize>(ctx + C_CODES) + <usize>off;
    const points = load<usize>(ctx + C_POINTS) + (<usize>off << 2);
    for (let d = 0; d < len; d++) {
      const node = load<i32>(points + (<usize>d << 2));
      const s = node >= gHsFrom ? gHsRows + <usize>(node - gHsFrom) * rowBytes : syn1 + <usize>node * rowBytes;
      const label: f32 = 1 - <f32>load<u8>(codes + <usize>d);
      const f = dotv(l1, s, dim);
      if (!gExact && (f <= -MAX_EXP || f >= MAX_EXP)) continue;
      const g = predict(f, label, alpha);
      if (update) updatePair(e, s, l1, g, dim);
      else axpyv(e, g, s, dim);
    }
  }
  const neg = load<i32>(ctx + C_NEG);
  if (neg > 0) {
    // Negative sampling (Mikolov et al. 2013): the target with label 1, then `neg` words drawn
    // from the noise distribution with label 0; a draw equal to the target is skipped
    // (word2vec.c and gensim do the same).
    const syn1neg = load<usize>(ctx + C_SYN1NEG);
    const aprob = load<usize>(ctx + C_APROB);
    const aidx = load<usize>(ctx + C_AIDX);
    const V = <u64>load<i32>(ctx + C_V);
    for (let d = 0; d <= neg; d++) {
      let w = target;
      let label: f32 = 1;
      if (d > 0) {
        // Alias method (Walker 1977, Vose 1991): a uniform column, then its threshold.
        const col = <i32>((<u64>nextU32() * V) >> 32);
        w = nextU32() < load<u32>(aprob + (<usize>col << 2)) ? col : load<i32>(aidx + (<usize>col << 2));
        if (w == target) continue;
        label = 0;
      }
      const s = (w < gHot ? gHotRows : syn1neg) + <usize>w * rowBytes;
      const g = predict(dotv(l1, s, dim), label, alpha);
      if (update) updatePair(e, s, l1, g, dim);
      else axpyv(e, g, s, dim);
    }
  }
}

/**
 * Trains on one sentence: `words` (n) are vocabulary indices (out-of-vocabulary words already
 * dropped by the caller; indices outside [0, V) are ignored). Subsampling, window shrinking and
 * negative draws use the generator state in the context. With `update` 0 nothing is written
 * except the loss and the generator state: the loss of the sentence at the current weights
 * (the tests differentiate it). Returns the number of words kept after subsampling.
 */
export function w2vTrainSentence(ctx: usize, words: usize /* (n) i32 */, n: i32, alpha: f32, update: i32): i32 {
  const dim = load<i32>(ctx + C_DIM);
  gDim = dim;
  const flags = load<i32>(ctx + C_FLAGS);
  gExact = (flags & 1) != 0;
  gExp = load<usize>(ctx + C_EXP);
  gLogT = load<usize>(ctx + C_LOGT);
  gLoss = 0;
  gLossN = 0;
  const rngPtr = load<usize>(ctx + C_RNG);
  rngLoad(rngPtr);

  const syn0 = load<usize>(ctx + C_SYN0);
  const V = load<i32>(ctx + C_V);
  const keep = load<usize>(ctx + C_KEEP);
  const work = load<usize>(ctx + C_WORK);
  const neu1 = work;
  const neu1e = work + (<usize>dim << 2);
  const sent = work + (<usize>dim << 3); // i32 (n): the kept words
  const rowBytes = <usize>dim << 2;
  const upd = update != 0;

  // Subsampling of frequent words (word2vec.c): keep with probability
  // (sqrt(f/(sample·total)) + 1)·(sample·total)/f, precomputed per word into `keep`.
  let m = 0;
  for (let i = 0; i < n; i++) {
    const w = load<i32>(words + (<usize>i << 2));
    if (<u32>w >= <u32>V) continue;
    if (keep != 0) {
      const p = load<f32>(keep + (<usize>w << 2));
      if (p < 1 && <f32>(nextU32() >>> 8) * (1.0 / 16777216.0) >= p) continue;
    }
    store<i32>(sent + (<usize>m << 2), w);
    m++;
  }

  const window = load<i32>(ctx + C_WINDOW);
  const shrink = (flags & 2) == 0 && window > 0;
  const cbow = load<i32>(ctx + C_CBOW) != 0;
  const cbowMean = load<i32>(ctx + C_CBOWMEAN) != 0;
  for (let i = 0; i < m; i++) {
    if (gHotOn && ++gSinceSync >= HOT_SYNC_WORDS) hotAll(ctx, true);
    const word = load<i32>(sent + (<usize>i << 2));
    // Window shrinking: word2vec.c draws b = random % window and uses window − b on each side.
    const b = shrink ? <i32>(nextU32() % <u32>window) : 0;
    const lo = max(0, i - window + b);
    const hi = min(m, i + window + 1 - b);
    if (cbow) {
      zerov(neu1, dim);
      let cw = 0;
      for (let j = lo; j < hi; j++) {
        if (j == i) continue;
        axpyv(neu1, 1, syn0 + <usize>load<i32>(sent + (<usize>j << 2)) * rowBytes, dim);
        cw++;
      }
      if (cw == 0) continue;
      if (cbowMean) {
        const inv: f32 = 1 / <f32>cw;
        for (let k = 0; k < dim; k++) store<f32>(neu1 + (<usize>k << 2), load<f32>(neu1 + (<usize>k << 2)) * inv);
      }
      zerov(neu1e, dim);
      trainTarget(ctx, neu1, neu1e, word, alpha, upd);
      // word2vec.c adds the hidden-layer error to every context vector unscaled, also with the
      // mean (so the step is cw times the exact gradient of the mean); we do the same.
      if (upd) {
        for (let j = lo; j < hi; j++) {
          if (j == i) continue;
          axpyv(syn0 + <usize>load<i32>(sent + (<usize>j << 2)) * rowBytes, 1, neu1e, dim);
        }
      }
    } else {
      // Skip-gram: each context word's input vector predicts the centre word (word2vec.c and
      // gensim's train_sg_pair orientation), and that input vector gets the update.
      for (let j = lo; j < hi; j++) {
        if (j == i) continue;
        const l1 = syn0 + <usize>load<i32>(sent + (<usize>j << 2)) * rowBytes;
        zerov(neu1e, dim);
        trainTarget(ctx, l1, neu1e, word, alpha, upd);
        if (upd) axpyv(l1, 1, neu1e, dim);
      }
    }
  }

  rngStore(rngPtr);
  store<f64>(ctx + C_LOSS, load<f64>(ctx + C_LOSS) + gLoss);
  store<f64>(ctx + C_LOSSN, load<f64>(ctx + C_LOSSN) + gLossN);
  return m;
}

/**
 * Trains on many sentences in one call: `words` holds them back to back, `ends` (count) the
 * end offset of each. alpha decays linearly from alpha0 to alpha1 across the batch, by sentence.
 * Returns the number of words kept after subsampling.
 */
export function w2vTrainBatch(ctx: usize, words: usize, ends: usize, count: i32,
                              alpha0: f32, alpha1: f32): i32 {
  let start = 0, kept = 0;
  const total = count > 0 ? load<i32>(ends + (<usize>(count - 1) << 2)) : 0;
  gDim = load<i32>(ctx + C_DIM);
  hotOn(ctx);
  for (let k = 0; k < count; k++) {
    const end = load<i32>(ends + (<usize>k << 2));
    const frac: f32 = total > 0 ? <f32>start / <f32>total : 0;
    kept += w2vTrainSentence(ctx, words + (<usize>start << 2), end - start, alpha0 + (alpha1 - alpha0) * frac, 1);
    start = end;
  }
  hotOff(ctx);
  return kept;
}

// ---- queries (KeyedVectors) ----

/** norms (rows) = ‖x_i‖₂; unit (rows, dim) = x_i / ‖x_i‖ (a zero row stays zero). unit may be x. */
export function w2vNormalizeRows(unit: usize, norms: usize, x: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = unit + <usize>r * rowBytes;
    const nrm = Mathf.sqrt(dotv(src, src, dim));
    store<f32>(norms + (<usize>r << 2), nrm);
    const inv: f32 = nrm > 0 ? 1 / nrm : 1;
    const vi = f32x4.splat(inv);
    let i = 0;
    for (; i + 4 <= dim; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), vi));
    for (; i < dim; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * inv);
  }
}

/** out (rows) = mat (rows, dim) · q (dim). */
export function w2vDotRows(out: usize, mat: usize, rows: i32, dim: i32, q: usize): void {
  const rowBytes = <usize>dim << 2;
  let r = 0;
  // Four rows at a time share each load of q.
  if ((dim & 3) == 0) {
    for (; r + 4 <= rows; r += 4) {
      const a = mat + <usize>r * rowBytes;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let i = 0; i < dim; i += 4) {
        const o = <usize>i << 2;
        const qv = v128.load(q + o);
        c0 = madd(v128.load(a + o), qv, c0);
        c1 = madd(v128.load(a + rowBytes + o), qv, c1);
        c2 = madd(v128.load(a + 2 * rowBytes + o), qv, c2);
        c3 = madd(v128.load(a + 3 * rowBytes + o), qv, c3);
      }
      store<f32>(out + (<usize>r << 2), hsum(c0));
      store<f32>(out + (<usize>(r + 1) << 2), hsum(c1));
      store<f32>(out + (<usize>(r + 2) << 2), hsum(c2));
      store<f32>(out + (<usize>(r + 3) << 2), hsum(c3));
    }
  }
  for (; r < rows; r++) store<f32>(out + (<usize>r << 2), dotv(mat + <usize>r * rowBytes, q, dim));
}

/** norms (rows) = ‖x_i‖₂ of x (rows, dim). */
export function w2vRowNorms(norms: usize, x: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    store<f32>(norms + (<usize>r << 2), Mathf.sqrt(dotv(src, src, dim)));
  }
}

/** out (n) i32: n draws from the context's noise distribution (the sampler training uses). */
export function w2vSampleNoise(ctx: usize, out: usize, n: i32): void {
  const rngPtr = load<usize>(ctx + C_RNG);
  rngLoad(rngPtr);
  const aprob = load<usize>(ctx + C_APROB);
  const aidx = load<usize>(ctx + C_AIDX);
  const V = <u64>load<i32>(ctx + C_V);
  for (let i = 0; i < n; i++) {
    const col = <i32>((<u64>nextU32() * V) >> 32);
    store<i32>(out + (<usize>i << 2), nextU32() < load<u32>(aprob + (<usize>col << 2)) ? col : load<i32>(aidx + (<usize>col << 2)));
  }
  rngStore(rngPtr);
}
