// Integer ids for word n-grams. Counting n-grams keyed by joined strings dominates BLEU's run time;
// here each n-gram gets an integer id from its (n-1)-gram prefix id and its last token's id (an
// open-addressing table over typed arrays), so counting uses integers. Only references insert ids:
// a hypothesis n-gram without an id cannot match any reference, so it only adds to the totals.
// Token strings are Map keys, so tokens such as `__proto__` or `constructor` are ordinary tokens.
import { SeqwasmError } from '../errors.js';

/** Ids are int32 array entries; 0 means "no id". */
const MAX_IDS = 2 ** 30;

/** Hash of a (parent, token) pair; the final xor-shift brings the well-mixed high bits down. */
function slot(parent: number, tok: number, mask: number): number {
  const h = Math.imul(parent ^ Math.imul(tok, 0x85ebca77), 0x9e3779b1);
  return (h ^ (h >>> 16)) & mask;
}

export class NgramIndex {
  private readonly tokenIds = new Map<string, number>();
  // (parent, token) -> child id, open addressing with linear probing; capacity a power of two
  private parents = new Int32Array(1 << 16);
  private tokens = new Int32Array(1 << 16);
  private children = new Int32Array(1 << 16);
  private used = 0;
  private nextId = 1;
  // the ids and orders of the n-grams of the last `collect` call
  private idBuf = new Int32Array(1024);
  private orderBuf = new Uint8Array(1024);
  // per id: the hypothesis count and the reference count of the current segment (zeroed after use)
  private hypCount = new Int32Array(0);
  private refCount = new Int32Array(0);

  /** The count of every n-gram (orders 1..maxOrder) of `tokens`, keyed by id; inserts new ids. */
  countAll(tokens: readonly string[], maxOrder: number): Map<number, number> {
    const counts = new Map<number, number>();
    const k = this.collect(tokens, maxOrder, true);
    for (let i = 0; i < k; i++) counts.set(this.idBuf[i], (counts.get(this.idBuf[i]) ?? 0) + 1);
    return counts;
  }

  /**
   * Adds to `correct[n - 1]` the clipped matches of the hypothesis n-grams of order n: the sum over
   * n-grams of min(count in `tokens`, count in the reference), the reference given as parallel
   * arrays of ids and counts.
   */
  addClippedMatches(
    tokens: readonly string[],
    maxOrder: number,
    refIds: Int32Array,
    refCounts: Int32Array,
    correct: number[],
  ): void {
    if (this.hypCount.length < this.nextId) {
      this.hypCount = new Int32Array(this.nextId * 2);
      this.refCount = new Int32Array(this.nextId * 2);
    }
    const { hypCount, refCount, idBuf, orderBuf } = this;
    for (let j = 0; j < refIds.length; j++) refCount[refIds[j]] = refCounts[j];
    const k = this.collect(tokens, maxOrder, false);
    for (let i = 0; i < k; i++) hypCount[idBuf[i]]++;
    for (let i = 0; i < k; i++) {
      const id = idBuf[i];
      const h = hypCount[id];
      if (h === 0) continue; // this n-gram was already counted
      const r = refCount[id];
      correct[orderBuf[i] - 1] += h < r ? h : r;
      hypCount[id] = 0;
    }
    for (let j = 0; j < refIds.length; j++) refCount[refIds[j]] = 0;
  }

  /** Writes the ids (and orders) of the n-grams of `tokens` that have or get an id; returns how many. */
  private collect(tokens: readonly string[], maxOrder: number, insert: boolean): number {
    const len = tokens.length;
    if (this.idBuf.length < len * maxOrder) {
      this.idBuf = new Int32Array(len * maxOrder * 2);
      this.orderBuf = new Uint8Array(len * maxOrder * 2);
    }
    const { idBuf, orderBuf } = this;
    let k = 0;
    const tokenIds = new Int32Array(len);
    for (let i = 0; i < len; i++) {
      let id = this.tokenIds.get(tokens[i]);
      if (id === undefined && insert) {
        id = this.newId();
        this.tokenIds.set(tokens[i], id);
      }
      if (id === undefined) continue;
      tokenIds[i] = id;
      idBuf[k] = id;
      orderBuf[k++] = 1;
    }
    // ids[i]: the id of the n-gram starting at i for the current n (0 when it has none)
    const ids = tokenIds.slice();
    for (let n = 2; n <= maxOrder; n++) {
      for (let i = 0; i + n <= len; i++) {
        const parent = ids[i];
        const tok = tokenIds[i + n - 1];
        const id = parent === 0 || tok === 0 ? 0 : this.child(parent, tok, insert);
        ids[i] = id;
        if (id === 0) continue;
        idBuf[k] = id;
        orderBuf[k++] = n;
      }
    }
    return k;
  }

  private child(parent: number, tok: number, insert: boolean): number {
    const mask = this.parents.length - 1;
    let h = slot(parent, tok, mask);
    for (;;) {
      const p = this.parents[h];
      if (p === 0) break;
      if (p === parent && this.tokens[h] === tok) return this.children[h];
      h = (h + 1) & mask;
    }
    if (!insert) return 0;
    const id = this.newId();
    this.parents[h] = parent;
    this.tokens[h] = tok;
    this.children[h] = id;
    if (++this.used * 2 > this.parents.length) this.grow();
    return id;
  }

  private grow(): void {
    const { parents, tokens, children } = this;
    this.parents = new Int32Array(parents.length * 2);
    this.tokens = new Int32Array(parents.length * 2);
    this.children = new Int32Array(parents.length * 2);
    const mask = this.parents.length - 1;
    for (let i = 0; i < parents.length; i++) {
      if (parents[i] === 0) continue;
      let h = slot(parents[i], tokens[i], mask);
      while (this.parents[h] !== 0) h = (h + 1) & mask;
      this.parents[h] = parents[i];
      this.tokens[h] = tokens[i];
      this.children[h] = children[i];
    }
  }

  private newId(): number {
    if (this.nextId >= MAX_IDS) {
      throw new SeqwasmError(
        'out_of_range',
        `reference n-grams: expected fewer than ${MAX_IDS} distinct n-grams, received more`,
      );
    }
    return this.nextId++;
  }
}
