// The vocabulary: streaming word counts, pruning, the final sorted vocabulary, the Huffman tree
// for hierarchical softmax, the alias table of the noise distribution and the subsampling table.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

export interface VocabOptions {
  /** Words rarer than this are dropped (word2vec.c `-min-count`, default 5). */
  minCount?: number;
  /**
   * Limit on distinct words while counting (gensim's `max_vocab_size`): when exceeded, words with
   * count < r are dropped and r grows by one (r starts at 1). Default: no limit.
   */
  maxVocabSize?: number;
  /** Keep at most this many words, raising the effective min count as gensim's `max_final_vocab` does. */
  maxFinalVocab?: number;
}

/** Words and counts as counted from a corpus, before the final cut. */
export class WordCounter {
  readonly counts = new Map<string, number>();
  /** Every token seen, in or out of the final vocabulary (gensim's corpus_total_words). */
  totalWords = 0;
  sentences = 0;
  private minReduce = 1;

  constructor(private readonly maxVocabSize = Infinity) {}

  add(tokens: readonly string[]): void {
    const c = this.counts;
    for (const t of tokens) c.set(t, (c.get(t) ?? 0) + 1);
    this.totalWords += tokens.length;
    this.sentences++;
    if (c.size > this.maxVocabSize) this.prune();
  }

  // gensim's utils.prune_vocab / word2vec.c's ReduceVocab: drop everything below min_reduce.
  private prune(): void {
    for (const [w, n] of this.counts) if (n < this.minReduce) this.counts.delete(w);
    this.minReduce++;
  }
}

export class Vocabulary {
  readonly words: string[];
  readonly counts: Float64Array;
  readonly index: Map<string, number>;

  constructor(words: string[], counts: ArrayLike<number>) {
    if (words.length !== counts.length) {
      throw new SeqwasmError(ErrorCode.badSize, `vocabulary has ${words.length} words but ${counts.length} counts`);
    }
    this.words = words;
    this.counts = Float64Array.from(counts);
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new SeqwasmError(ErrorCode.badArgument, `vocabulary lists the word ${describe(w)} twice`);
      this.index.set(w, i);
    });
  }

  get size(): number {
    return this.words.length;
  }

  /** Sum of the counts of the words kept. */
  get retainedWords(): number {
    let s = 0;
    for (const c of this.counts) s += c;
    return s;
  }

  /**
   * The final vocabulary from raw counts: words with count ≥ the effective min count, sorted by
   * descending count (ties keep first-seen order).
   */
  static fromCounts(counts: Map<string, number>, options: VocabOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 5;
    let effective = minCount;
    const entries = [...counts.entries()];
    // A stable sort: ties keep the order in which words were first seen.
    entries.sort((a, b) => b[1] - a[1]);
    if (options.maxFinalVocab !== undefined && options.maxFinalVocab < entries.length) {
      // gensim's max_final_vocab: calc_min_count = count of the (M+1)-th most frequent word + 1.
      effective = Math.max(effective, entries[options.maxFinalVocab][1] + 1);
    }
    const kept = entries.filter(([, n]) => n >= effective);
    if (kept.length === 0) {
      throw new SeqwasmError(ErrorCode.badArgument,
        counts.size === 0
          ? 'the corpus is empty: no words to build a vocabulary from'
          : `no word occurs at least ${effective} times (minCount ${minCount}; the most frequent word, ${describe(entries[0][0])}, occurs ${entries[0][1]} times)`);
    }
    return new Vocabulary(kept.map((e) => e[0]), kept.map((e) => e[1]));
  }

  /**
   * Keep probabilities for subsampling (word2vec.c / gensim): with t = sample · Σcounts (sample
   * < 1) or t = sample (an absolute count, gensim's convention for sample ≥ 1),
   * p(w) = min(1, (sqrt(c/t) + 1) · t / c). Returns null when sample is 0.
   */
  keepProbabilities(sample: number): Float32Array | null {
    if (!(sample > 0)) return null;
    const t = sample < 1 ? sample * this.retainedWords : sample;
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const c = this.counts[i];
      out[i] = Math.min(1, (Math.sqrt(c / t) + 1) * (t / c));
    }
    return out;
  }

  /** The noise distribution's weights, count^exponent (0.75 in word2vec.c and gensim). */
  noiseWeights(exponent: number): Float64Array {
    const w = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) w[i] = Math.pow(this.counts[i], exponent);
    return w;
  }

  /**
   * Huffman tree over the counts (word2vec.c's CreateBinaryTree): codes and inner-node indices
   * from the root down, for every word, packed one after another.
   */
  huffman(): { codes: Uint8Array; points: Int32Array; lengths: Int32Array; offsets: Int32Array } {
    const V = this.size;
    const count = new Float64Array(2 * V);
    const binary = new Uint8Array(2 * V);
    const parent = new Int32Array(2 * V);
    // Leaves 0..V-1 sorted by descending count; inner nodes V..2V-2 are created in increasing
    // count order, so two pointers walking leaves downward and inner nodes upward find the two
    // smallest at each step.
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => this.counts[b] - this.counts[a] || a - b);
    const leaf = new Int32Array(V); // position in sorted order → word index
    for (let i = 0; i < V; i++) { leaf[i] = order[i]; count[i] = this.counts[order[i]]; }
    for (let i = V; i < 2 * V; i++) count[i] = Infinity;
    let pos1 = V - 1, pos2 = V;
    for (let a = 0; a < V - 1; a++) {
      const pick = (): number => {
        if (pos1 >= 0 && count[pos1] < count[pos2]) return pos1--;
        return pos2++;
      };
      const m1 = pick(), m2 = pick();
      count[V + a] = count[m1] + count[m2];
      parent[m1] = V + a;
      parent[m2] = V + a;
      binary[m2] = 1;
    }
    const root = 2 * V - 2;
    const lengths = new Int32Array(V), offsets = new Int32Array(V);
    const paths: number[][] = new Array(V);
    let total = 0;
    for (let s = 0; s < V; s++) {
      const path: number[] = [];
      for (let b = s; b !== root && V > 1; b = parent[b]) path.push(b);
      paths[s] = path;
      total += path.length;
    }
    const codes = new Uint8Array(total), points = new Int32Array(total);
    let off = 0;
    for (let s = 0; s < V; s++) {
      const path = paths[s], k = path.length, w = leaf[s];
      lengths[w] = k;
      offsets[w] = off;
      // From the root: decision d is taken at inner node path[k-d] (root for d = 0) and its bit
      // is binary[] of the child on the path.
      for (let d = 0; d < k; d++) {
        const node = d === 0 ? root : path[k - d];
        points[off + d] = node - V;
        codes[off + d] = binary[path[k - d - 1]];
      }
      off += k;
    }
    return { codes, points, lengths, offsets };
  }
}

/**
 * Walker's alias table for sampling index i with probability weights[i] / Σ weights (Vose's
 * construction, in float64). Thresholds are scaled to 2^32 for a comparison with a u32 draw.
 */
export function aliasTable(weights: Float64Array): { thresholds: Uint32Array; aliases: Int32Array } {
  const n = weights.length;
  let sum = 0;
  for (const w of weights) sum += w;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = (weights[i] * n) / sum;
  const thresholds = new Uint32Array(n), aliases = new Int32Array(n);
  const small: number[] = [], large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!, l = large[large.length - 1];
    thresholds[s] = Math.floor(scaled[s] * 4294967296);
    aliases[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) { large.pop(); small.push(l); }
  }
  // What is left has probability 1 (up to rounding): always accepted (alias to itself).
  for (const i of [...small, ...large]) { thresholds[i] = 0xffffffff; aliases[i] = i; }
  return { thresholds, aliases };
}
