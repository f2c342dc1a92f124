// KeyedVectors: words and their vectors in wasm memory, with gensim 4.2's queries (semantics in
// test/fixtures/w2v/README.md). Scores over the whole vocabulary are computed in wasm
// (w2vDotRows, f32x4); selection and bookkeeping in JS.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { formatBinary, formatText, parseBinary, parseText } from './format.js';
import { pearson, spearman, correlationPValue } from './stats.js';
import { nodeModule } from '../core/node-module.js';
import { writeFileAtomic } from '../core/files.js';

export type Term = string | readonly [string, number];

export interface AnalogySection {
  section: string;
  correct: string[][];
  incorrect: string[][];
}
export interface AnalogyResult {
  /** correct / (correct + incorrect) over all sections (0 when nothing was evaluated). */
  score: number;
  sections: AnalogySection[];
  correct: number;
  evaluated: number;
  /** Quadruplets in the file that were skipped (a word outside the first restrictVocab). */
  skipped: number;
  questions: number;
}
export interface WordPairsResult {
  pearson: number;
  pearsonPValue: number;
  spearman: number;
  spearmanPValue: number;
  /** Percentage, as gensim. */
  oovRatio: number;
  pairs: number;
}

/** Keeps the k largest scores (ties: the earlier index first), in descending order. */
function topK(scores: Float32Array | Float64Array, k: number, n = scores.length): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (idx.length === k && !(s > val[k - 1])) continue;
    let j = idx.length === k ? k - 1 : idx.length;
    if (idx.length < k) { idx.push(0); val.push(0); }
    while (j > 0 && val[j - 1] < s) { idx[j] = idx[j - 1]; val[j] = val[j - 1]; j--; }
    idx[j] = i; val[j] = s;
  }
  return idx;
}

export class KeyedVectors {
  readonly backend: Backend;
  readonly words: string[];
  readonly index: Map<string, number>;
  readonly dim: number;
  /** Counts when known (a trained model), else null. */
  readonly counts: Float64Array | null;
  #ptr: number;
  #owned: boolean;
  #norms: Float32Array | null = null;
  #scratch = 0; // dim floats (query) + size floats (scores)
  #disposed = false;

  private constructor(backend: Backend, words: string[], ptr: number, dim: number, owned: boolean, counts: Float64Array | null) {
    this.backend = backend;
    this.words = words;
    this.dim = dim;
    this.#ptr = ptr;
    this.#owned = owned;
    this.counts = counts;
    this.index = new Map();
    words.forEach((w, i) => { if (!this.index.has(w)) this.index.set(w, i); });
  }

  /** A view over a model's input vectors (shares the memory; the model owns it). */
  static fromModel(backend: Backend, words: string[], counts: Float64Array, ptr: number, dim: number): KeyedVectors {
    return new KeyedVectors(backend, words, ptr, dim, false, counts);
  }

  /** Copies words and a (words.length, dim) matrix into wasm memory. */
  static fromArrays(words: readonly string[], vectors: Float32Array, dim: number, backend: Backend = getBackend()): KeyedVectors {
    if (!Number.isInteger(dim) || dim < 1) throw new SeqwasmError(ErrorCode.badArgument, `dim must be a positive integer, received ${describe(dim)}`);
    if (vectors.length !== words.length * dim) {
      throw new SeqwasmError(ErrorCode.badSize, `${words.length} words of ${dim} dimensions need ${words.length * dim} values, received ${vectors.length}`);
    }
    const seen = new Set<string>();
    for (const w of words) {
      if (typeof w !== 'string') throw new SeqwasmError(ErrorCode.badArgument, `words must be strings, received ${describe(w)}`);
      if (seen.has(w)) throw new SeqwasmError(ErrorCode.badArgument, `the word ${describe(w)} is listed twice`);
      seen.add(w);
    }
    const ptr = backend.allocator.alloc(Math.max(16, vectors.length * 4));
    new Float32Array(backend.kernels.memory.buffer, ptr, vectors.length).set(vectors);
    return new KeyedVectors(backend, [...words], ptr, dim, true, null);
  }

  /** Reads word2vec text or binary bytes (gensim's load_word2vec_format). */
  static fromBytes(bytes: Uint8Array, options: { binary: boolean; limit?: number; backend?: Backend }): KeyedVectors {
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
      throw new SeqwasmError(ErrorCode.badArgument, `limit must be a non-negative integer, received ${describe(options.limit)}`);
    }
    const p = options.binary ? parseBinary(bytes, options.limit) : parseText(bytes, options.limit);
    return KeyedVectors.fromArrays(p.words, p.vectors, p.dim, options.backend);
  }

  /** Reads a word2vec file (Node). `binary` defaults to true when the name ends in .bin. */
  static async load(path: string, options: { binary?: boolean; limit?: number; backend?: Backend } = {}): Promise<KeyedVectors> {
    const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      throw new SeqwasmError(ErrorCode.badFile, `cannot read ${describe(path)}: ${(e as Error).message}`);
    }
    return KeyedVectors.fromBytes(bytes, { ...options, binary: options.binary ?? path.endsWith('.bin') });
  }

  get size(): number {
    return this.words.length;
  }

  /** The vectors as a (size, dim) Float32Array view (valid until memory grows). */
  get vectors(): Float32Array {
    this.#check();
    return new Float32Array(this.backend.kernels.memory.buffer, this.#ptr, this.size * this.dim);
  }

  /** word2vec bytes in gensim's order: by descending count when counts are known. */
  toBytes(binary: boolean): Uint8Array {
    let words = this.words, vectors = this.vectors;
    if (this.counts) {
      const c = this.counts;
      const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => c[b] - c[a]);
      if (order.some((v, i) => v !== i)) {
        words = order.map((i) => this.words[i]);
        const src = vectors;
        vectors = new Float32Array(src.length);
        order.forEach((from, to) => vectors.set(src.subarray(from * this.dim, (from + 1) * this.dim), to * this.dim));
      }
    }
    return binary ? formatBinary(words, vectors, this.dim) : formatText(words, vectors, this.dim);
  }

  /** Writes a word2vec file (Node): to a temporary name first, then renamed over `path`. */
  async save(path: string, options: { binary?: boolean } = {}): Promise<void> {
    const binary = options.binary ?? path.endsWith('.bin');
    await writeFileAtomic(path, this.toBytes(binary));
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  #id(word: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw new SeqwasmError(ErrorCode.outOfRange, `the word ${describe(word)} is not in the vocabulary`);
    return i;
  }

  /** A copy of a word's vector. */
  get(word: string): Float32Array {
    const i = this.#id(word);
    return this.vectors.slice(i * this.dim, (i + 1) * this.dim);
  }

  #check(): void {
    if (this.#disposed) throw new SeqwasmError(ErrorCode.released, 'KeyedVectors used after dispose()');
  }

  /** L2 norms of every row (float32, computed once in wasm). */
  get norms(): Float32Array {
    this.#check();
    if (!this.#norms) {
      const k = this.backend.kernels;
      const p = this.backend.allocator.alloc(Math.max(16, this.size * 4));
      k.w2vRowNorms(p, this.#ptr, this.size, this.dim);
      this.#norms = new Float32Array(k.memory.buffer, p, this.size).slice();
      this.backend.allocator.free(p);
    }
    return this.#norms;
  }

  /** The model changed (training): forget the cached norms. */
  invalidate(): void {
    this.#norms = null;
  }

  /** A word's unit vector in float64. */
  unit(word: string | number): Float64Array {
    const i = typeof word === 'number' ? word : this.#id(word);
    const n = this.norms[i]; // first: it may allocate (and grow memory, detaching views)
    const v = this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
    const out = new Float64Array(this.dim);
    for (let k = 0; k < this.dim; k++) out[k] = n > 0 ? Math.fround(v[k] / n) : v[k];
    return out;
  }

  /**
   * Scores of every row (or the first `rows`) against q: dot(vectors[i], q) (wasm). The result
   * is a view of wasm memory: use it before anything else allocates.
   */
  #dots(q: ArrayLike<number>, rows = this.size): Float32Array {
    const k = this.backend.kernels;
    if (!this.#scratch) this.#scratch = this.backend.allocator.alloc((this.dim + this.size) * 4 + 16);
    const qp = this.#scratch, out = this.#scratch + this.dim * 4;
    new Float32Array(k.memory.buffer, qp, this.dim).set(q);
    k.w2vDotRows(out, this.#ptr, rows, this.dim, qp);
    return new Float32Array(k.memory.buffer, out, rows);
  }

  /** Cosine similarity (gensim's similarity). */
  similarity(a: string, b: string): number {
    const u = this.unit(a), v = this.unit(b);
    let s = 0;
    for (let k = 0; k < this.dim; k++) s += u[k] * v[k];
    return s;
  }

  #terms(positive: Term | readonly Term[] | undefined, negative: Term | readonly Term[] | undefined): Array<[string, number]> {
    const list = (x: Term | readonly Term[] | undefined, sign: number): Array<[string, number]> => {
      if (x === undefined) return [];
      const arr = typeof x === 'string' || (Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'number')
        ? [x as Term] : (x as readonly Term[]);
      return arr.map((t) => (typeof t === 'string' ? [t, sign] : [t[0], t[1]]) as [string, number]);
    };
    const terms = [...list(positive, 1), ...list(negative, -1)];
    if (terms.length === 0) throw new SeqwasmError(ErrorCode.badArgument, 'cannot compute similarity with no input: give positive or negative words');
    for (const [w] of terms) this.#id(w);
    return terms;
  }

  /**
   * The topn words nearest the normalised weighted mean of the inputs' unit vectors (3CosAdd for
   * analogies), excluding the inputs, as gensim's most_similar.
   */
  mostSimilar(opts: { positive?: Term | readonly Term[]; negative?: Term | readonly Term[]; topn?: number; restrictVocab?: number }): Array<[string, number]> {
    this.#check();
    const terms = this.#terms(opts.positive, opts.negative);
    const topn = opts.topn ?? 10;
    const mean = new Float64Array(this.dim);
    let wsum = 0;
    for (const [w, wt] of terms) {
      const u = this.unit(w);
      for (let k = 0; k < this.dim; k++) mean[k] += wt * u[k];
      wsum += Math.abs(wt);
    }
    let n = 0;
    for (let k = 0; k < this.dim; k++) { mean[k] = Math.fround(mean[k] / wsum); n += mean[k] * mean[k]; }
    n = Math.sqrt(n);
    if (n > 0) for (let k = 0; k < this.dim; k++) mean[k] /= n;
    const rows = Math.min(this.size, opts.restrictVocab ?? this.size);
    const exclude = terms.map(([w]) => this.index.get(w)!);
    return this.#select(this.#cosines(mean, rows), topn, exclude, false);
  }

  #cosines(q: ArrayLike<number>, rows: number): Float32Array {
    // Norms first: computing them allocates, which may grow memory and detach a view.
    const norms = this.norms;
    const dots = this.#dots(q, rows);
    const out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = dots[i] / norms[i];
    return out;
  }

  #select(scores: Float32Array | Float64Array, topn: number, exclude: number[], asSet: boolean): Array<[string, number]> {
    if (topn < 1) return [];
    const ex = asSet ? [...new Set(exclude)] : exclude;
    const best = topK(scores, topn + ex.length);
    const drop = new Set(ex);
    return best.filter((i) => !drop.has(i)).slice(0, topn).map((i) => [this.words[i], scores[i]]);
  }

  /** 3CosMul (Levy & Goldberg 2014), as gensim's most_similar_cosmul (restrictVocab is ignored there too). */
  mostSimilarCosmul(opts: { positive?: string | readonly string[]; negative?: string | readonly string[]; topn?: number }): Array<[string, number]> {
    this.#check();
    const pos = opts.positive === undefined ? [] : typeof opts.positive === 'string' ? [opts.positive] : [...opts.positive];
    const neg = opts.negative === undefined ? [] : typeof opts.negative === 'string' ? [opts.negative] : [...opts.negative];
    if (pos.length + neg.length === 0) throw new SeqwasmError(ErrorCode.badArgument, 'cannot compute similarity with no input: give positive or negative words');
    const shifted = (w: string) => {
      const c = this.#cosines(this.unit(w), this.size);
      const out = new Float64Array(c.length);
      for (let i = 0; i < c.length; i++) out[i] = (1 + c[i]) / 2;
      return out;
    };
    const num = new Float64Array(this.size).fill(1), den = new Float64Array(this.size).fill(1);
    for (const w of pos) { const s = shifted(w); for (let i = 0; i < s.length; i++) num[i] *= s[i]; }
    for (const w of neg) { const s = shifted(w); for (let i = 0; i < s.length; i++) den[i] *= s[i]; }
    // gensim: prod(positives) / (prod(negatives) + 0.000001).
    for (let i = 0; i < num.length; i++) num[i] = Math.fround(num[i] / (den[i] + 1e-6));
    return this.#select(num, opts.topn ?? 10, [...pos, ...neg].map((w) => this.#id(w)), true);
  }

  /** Words by closeness to the normalised mean of their unit vectors (gensim's rank_by_centrality). */
  rankByCentrality(words: readonly string[]): Array<[number, string]> {
    const known = words.filter((w) => this.has(w));
    if (known.length === 0) throw new SeqwasmError(ErrorCode.badArgument, 'none of the words is in the vocabulary');
    const units = known.map((w) => this.unit(w));
    const mean = new Float64Array(this.dim);
    for (const u of units) for (let k = 0; k < this.dim; k++) mean[k] += u[k];
    let n = 0;
    for (let k = 0; k < this.dim; k++) { mean[k] = Math.fround(mean[k] / units.length); n += mean[k] * mean[k]; }
    n = Math.sqrt(n);
    const scored = units.map((u, i) => {
      let s = 0;
      for (let k = 0; k < this.dim; k++) s += u[k] * (n > 0 ? mean[k] / n : mean[k]);
      return [s, known[i]] as [number, string];
    });
    // Python's sorted(zip(scores, words), reverse=True): by score, then by word, descending.
    return scored.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
  }

  /** The word furthest from the others' mean (gensim's doesnt_match). */
  doesntMatch(words: readonly string[]): string {
    const r = this.rankByCentrality(words);
    return r[r.length - 1][1];
  }

  #okVocab(restrictVocab: number, caseInsensitive: boolean): Map<string, number> {
    const ok = new Map<string, number>();
    const n = Math.min(this.size, restrictVocab);
    // Built from the end so that, among case variants, the most frequent (lowest index) wins.
    for (let i = n - 1; i >= 0; i--) ok.set(caseInsensitive ? this.words[i].toUpperCase() : this.words[i], i);
    return ok;
  }

  /**
   * gensim's evaluate_word_analogies: `text` is the content of a questions-words file (": section"
   * headers, four words per line). Questions with a word outside the first restrictVocab words
   * are skipped (or counted wrong with dummy4unknown).
   */
  evaluateWordAnalogies(text: string, opts: { restrictVocab?: number; caseInsensitive?: boolean; dummy4unknown?: boolean } = {}): AnalogyResult {
    this.#check();
    const restrict = Math.min(this.size, opts.restrictVocab ?? 300000);
    const ci = opts.caseInsensitive ?? true;
    const ok = this.#okVocab(restrict, ci);
    const sections: AnalogySection[] = [];
    let questions = 0, skipped = 0;
    const mean = new Float64Array(this.dim);
    const units = new Map<number, Float64Array>();
    const unitOf = (i: number) => { let u = units.get(i); if (!u) { u = this.unit(i); units.set(i, u); } return u; };
    const norms = this.norms;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith(': ')) {
        sections.push({ section: line.replace(/^[: ]+/, '').trim(), correct: [], incorrect: [] });
        continue;
      }
      const toks = line.split(/\s+/).filter((t) => t.length > 0).map((t) => (ci ? t.toUpperCase() : t));
      if (toks.length !== 4) continue;
      const sec = sections[sections.length - 1];
      if (!sec) throw new SeqwasmError(ErrorCode.badFile, `analogy question before the first ": section" header: ${describe(line)}`);
      questions++;
      const [a, b, c, expected] = toks;
      const ia = ok.get(a), ib = ok.get(b), ic = ok.get(c), ie = ok.get(expected);
      if (ia === undefined || ib === undefined || ic === undefined || ie === undefined) {
        skipped++;
        if (opts.dummy4unknown) sec.incorrect.push(toks);
        continue;
      }
      // most_similar(positive=[b, c], negative=[a], topn=5, restrict_vocab=restrict)
      const ua = unitOf(ia), ub = unitOf(ib), uc = unitOf(ic);
      let n = 0;
      for (let k = 0; k < this.dim; k++) { mean[k] = Math.fround((ub[k] + uc[k] - ua[k]) / 3); n += mean[k] * mean[k]; }
      n = Math.sqrt(n);
      if (n > 0) for (let k = 0; k < this.dim; k++) mean[k] /= n;
      const dots = this.#dots(mean, restrict);
      const scores = new Float32Array(restrict);
      for (let i = 0; i < restrict; i++) scores[i] = dots[i] / norms[i];
      const best = topK(scores, 5 + 3);
      const drop = new Set([ib, ic, ia]);
      const top5 = best.filter((i) => !drop.has(i)).slice(0, 5);
      let predicted: string | undefined;
      for (const i of top5) {
        predicted = ci ? this.words[i].toUpperCase() : this.words[i];
        if (ok.has(predicted) && predicted !== a && predicted !== b && predicted !== c) break;
      }
      (predicted === expected ? sec.correct : sec.incorrect).push(toks);
    }
    const correct = sections.reduce((s, x) => s + x.correct.length, 0);
    const evaluated = sections.reduce((s, x) => s + x.correct.length + x.incorrect.length, 0);
    const total: AnalogySection = {
      section: 'Total accuracy',
      correct: sections.flatMap((s) => s.correct),
      incorrect: sections.flatMap((s) => s.incorrect),
    };
    return { score: evaluated > 0 ? correct / evaluated : 0, sections: [...sections, total], correct, evaluated, skipped, questions };
  }

  /** gensim's evaluate_word_pairs: `text` holds "word1<TAB>word2<TAB>score" lines, '#' comments. */
  evaluateWordPairs(text: string, opts: { delimiter?: string; restrictVocab?: number; caseInsensitive?: boolean; dummy4unknown?: boolean } = {}): WordPairsResult {
    this.#check();
    const delim = opts.delimiter ?? '\t';
    const ci = opts.caseInsensitive ?? true;
    const ok = this.#okVocab(opts.restrictVocab ?? 300000, ci);
    const gold: number[] = [], model: number[] = [];
    let oov = 0;
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      if (line.startsWith('#')) continue;
      const parts = line.split(delim);
      if (parts.length !== 3) continue;
      const [a, b] = parts.slice(0, 2).map((t) => (ci ? t.toUpperCase() : t));
      const sim = Number(parts[2].trim());
      if (parts[2].trim() === '' || !Number.isFinite(sim)) continue;
      const ia = ok.get(a), ib = ok.get(b);
      if (ia === undefined || ib === undefined) {
        oov++;
        if (opts.dummy4unknown) { gold.push(sim); model.push(0); }
        continue;
      }
      const u = this.unit(ia), v = this.unit(ib);
      let s = 0;
      for (let k = 0; k < this.dim; k++) s += u[k] * v[k];
      gold.push(sim); model.push(Math.fround(s));
    }
    if (gold.length === 0) throw new SeqwasmError(ErrorCode.badArgument, 'no word pairs could be evaluated (all out of vocabulary, or no valid lines)');
    const p = pearson(gold, model), s = spearman(gold, model);
    const evaluated = opts.dummy4unknown ? gold.length - oov : gold.length;
    return {
      pearson: p, pearsonPValue: correlationPValue(p, gold.length),
      spearman: s, spearmanPValue: correlationPValue(s, gold.length),
      oovRatio: opts.dummy4unknown ? (oov / gold.length) * 100 : (oov / (evaluated + oov)) * 100,
      pairs: gold.length,
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#scratch) this.backend.allocator.free(this.#scratch);
    if (this.#owned) this.backend.allocator.free(this.#ptr);
  }
}
