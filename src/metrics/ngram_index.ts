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
  // hypothesis scratch: per id, its count in the current hypothesis (always zeroed after use)
  private scratch = new Int32Array(0);

  /** The count of every n-gram (orders 1..maxOrder) of `tokens`, keyed by id; inserts new ids. */
  countAll(tokens: readonly string[], maxOrder: number): Map<number, number> {
    const counts = new Map<number, number>();
    this.forEachId(tokens, maxOrder, true, (id) => counts.set(id, (counts.get(id) ?? 0) + 1));
    return counts;
  }

  /**
   * Adds to `correct[n - 1]` the clipped matches of the hypothesis n-grams of order n:
   * sum over n-grams of min(count in `tokens`, count in `refCounts`).
   */
  addClippedMatches(
    tokens: readonly string[],
    maxOrder: number,
    refCounts: ReadonlyMap<number, number>,
    correct: number[],
  ): void {
    if (this.scratch.length < this.nextId) this.scratch = new Int32Array(this.nextId * 2);
    const scratch = this.scratch;
    const touched: number[] = [];
    const orders: number[] = [];
    this.forEachId(tokens, maxOrder, false, (id, n) => {
      if (scratch[id]++ === 0) {
        touched.push(id);
        orders.push(n);
      }
    });
    for (let t = 0; t < touched.length; t++) {
      const id = touched[t];
      const r = refCounts.get(id);
      if (r !== undefined) correct[orders[t] - 1] += Math.min(scratch[id], r);
      scratch[id] = 0;
    }
  }

  /** Calls `fn(id, n)` for every n-gram of `tokens` up to `maxOrder` that has (or gets) an id. */
  private forEachId(
    tokens: readonly string[],
    maxOrder: number,
    insert: boolean,
    fn: (id: number, n: number) => void,
  ): void {
    const len = tokens.length;
    const tokenIds = new Int32Array(len);
    for (let i = 0; i < len; i++) {
      let id = this.tokenIds.get(tokens[i]);
      if (id === undefined && insert) {
        id = this.newId();
        this.tokenIds.set(tokens[i], id);
      }
      tokenIds[i] = id ?? 0;
      if (tokenIds[i] !== 0) fn(tokenIds[i], 1);
    }
    // ids[i]: the id of the n-gram starting at i for the current n (0 when it has none)
    const ids = tokenIds.slice();
    for (let n = 2; n <= maxOrder; n++) {
      for (let i = 0; i + n <= len; i++) {
        const parent = ids[i];
        const tok = tokenIds[i + n - 1];
        const id = parent === 0 || tok === 0 ? 0 : this.child(parent, tok, insert);
        ids[i] = id;
        if (id !== 0) fn(id, n);
      }
    }
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
        'E_METRICS_TOO_LARGE',
        `reference n-grams: expected fewer than ${MAX_IDS} distinct n-grams, received more`,
      );
    }
    return this.nextId++;
  }
}
