// Translation edit rate with Tercom's shifts, with the semantics of sacreBLEU's lib_ter.py (a
// reimplementation of jhclark/tercom): greedy block shifts while they lower the edit distance, the
// edit distance computed in a beam around the diagonal, and Tercom's ranking of candidate shifts.

const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;
const INF = 1e16;

// Edit operations, as rewriting the hypothesis into the reference (flipped for the alignment).
const OP_NOP = 0;
const OP_SUB = 1;
const OP_INS = 2;
const OP_DEL = 3;
const OP_UNDEF = 4;

/** The edit distance matrix rows of one hypothesis: costs and the operation that reached each cell. */
interface Rows {
  words: readonly string[];
  cost: Float64Array[];
  op: Uint8Array[];
}

/**
 * Beam edit distance against one reference. It remembers the matrix of the last hypothesis it was
 * asked to keep, and a shifted candidate reuses the rows of the prefix it shares with it (sacreBLEU
 * uses a prefix trie for the same purpose; the rows are the same either way).
 */
class BeamEditDistance {
  private base?: Rows;

  constructor(private readonly ref: readonly string[]) {}

  distance(words: readonly string[], keep = false): Rows {
    const nRef = this.ref.length;
    const n = words.length;
    let start = 0;
    const base = this.base;
    if (base !== undefined && base.words.length === n) {
      while (start < n && base.words[start] === words[start]) start++;
    }
    const cost: Float64Array[] = [];
    const op: Uint8Array[] = [];
    if (start > 0 && base !== undefined) {
      for (let i = 0; i <= start; i++) {
        cost.push(base.cost[i]);
        op.push(base.op[i]);
      }
    } else {
      // row 0: inserting the first j reference words
      const c0 = new Float64Array(nRef + 1);
      for (let j = 0; j <= nRef; j++) c0[j] = j;
      cost.push(c0);
      op.push(new Uint8Array(nRef + 1).fill(OP_INS));
    }
    const ratio = n > 0 ? nRef / n : 1;
    // very different lengths: widen the beam so that consecutive rows still overlap
    const beam = BEAM_WIDTH < ratio / 2 ? Math.ceil(ratio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
    for (let i = start + 1; i <= n; i++) {
      const c = new Float64Array(nRef + 1).fill(INF);
      const o = new Uint8Array(nRef + 1).fill(OP_UNDEF);
      const pc = cost[i - 1];
      const diag = Math.floor(i * ratio);
      const minJ = Math.max(0, diag - beam);
      const maxJ = i === n ? nRef + 1 : Math.min(nRef + 1, diag + beam);
      const w = words[i - 1];
      for (let j = minJ; j < maxJ; j++) {
        if (j === 0) {
          c[0] = pc[0] + 1;
          o[0] = OP_DEL;
          continue;
        }
        // Tercom prefers match/substitution, then insertion, then deletion; the trace is flipped
        // for the alignment, so deletion is tried before insertion here.
        const same = w === this.ref[j - 1];
        let best = pc[j - 1] + (same ? 0 : 1);
        let bestOp = same ? OP_NOP : OP_SUB;
        if (pc[j] + 1 < best) {
          best = pc[j] + 1;
          bestOp = OP_DEL;
        }
        if (c[j - 1] + 1 < best) {
          best = c[j - 1] + 1;
          bestOp = OP_INS;
        }
        c[j] = best;
        o[j] = bestOp;
      }
      cost.push(c);
      op.push(o);
    }
    const rows = { words, cost, op };
    if (keep) this.base = rows;
    return rows;
  }
}

const finalCost = (r: Rows): number => r.cost[r.cost.length - 1][r.cost[0].length - 1];

/** The operations from the top-left to the bottom-right cell. */
function trace(r: Rows): number[] {
  const ops: number[] = [];
  let i = r.cost.length - 1;
  let j = r.cost[0].length - 1;
  while (i > 0 || j > 0) {
    const o = r.op[i][j];
    ops.push(o);
    if (o === OP_NOP || o === OP_SUB) {
      i--;
      j--;
    } else if (o === OP_INS) {
      j--;
    } else if (o === OP_DEL) {
      i--;
    } else {
      throw new Error(`tercom: the beam left cell (${i}, ${j}) unreached`);
    }
  }
  return ops.reverse();
}

interface Alignment {
  /** For each reference position, the hypothesis position aligned to it. */
  align: Int32Array;
  refErr: Uint8Array;
  hypErr: Uint8Array;
}

/** Reads the trace as rewriting the reference into the hypothesis (insertions and deletions swapped). */
function alignment(ops: readonly number[], nHyp: number, nRef: number): Alignment {
  const align = new Int32Array(nRef);
  const refErr = new Uint8Array(nRef);
  const hypErr = new Uint8Array(nHyp);
  let h = -1;
  let r = -1;
  for (const o of ops) {
    if (o === OP_NOP || o === OP_SUB) {
      align[++r] = ++h;
      refErr[r] = hypErr[h] = o === OP_SUB ? 1 : 0;
    } else if (o === OP_DEL) {
      // a hypothesis word with no reference word (an insertion, seen from the reference)
      hypErr[++h] = 1;
    } else {
      align[++r] = h;
      refErr[r] = 1;
    }
  }
  return { align, refErr, hypErr };
}

/** Moves words[start, start + length) so that it starts before position `target`. */
function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  const block = words.slice(start, start + length);
  if (target < start) {
    return [...words.slice(0, target), ...block, ...words.slice(target, start), ...words.slice(start + length)];
  }
  if (target > start + length) {
    return [...words.slice(0, start), ...words.slice(start + length, target), ...block, ...words.slice(target)];
  }
  return [
    ...words.slice(0, start),
    ...words.slice(start + length, length + target),
    ...block,
    ...words.slice(length + target),
  ];
}

const anySet = (a: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (a[i] !== 0) return true;
  return false;
};

interface Shift {
  gain: number;
  words: string[];
  checked: number;
}

/** The best shift (Tercom's order: largest gain, longest, earliest start, earliest target). */
function bestShift(words: readonly string[], ref: readonly string[], ed: BeamEditDistance, checked: number): Shift {
  const base = ed.distance(words, true);
  const pre = finalCost(base);
  const { align, refErr, hypErr } = alignment(trace(base), words.length, ref.length);
  let best: { gain: number; length: number; start: number; idx: number; words: string[] } | undefined;
  const nH = words.length;
  const nR = ref.length;
  outer: for (let sh = 0; sh < nH; sh++) {
    for (let sr = 0; sr < nR; sr++) {
      if (Math.abs(sr - sh) > MAX_SHIFT_DIST) continue;
      // every common block starting at (sh, sr), of lengths 1 .. MAX_SHIFT_SIZE
      for (let len = 1; len <= MAX_SHIFT_SIZE && words[sh + len - 1] === ref[sr + len - 1]; len++) {
        const skip =
          !anySet(hypErr, sh, sh + len) || // the hypothesis words are already right
          !anySet(refErr, sr, sr + len) || // the reference words are already matched
          (sh <= align[sr] && align[sr] < sh + len); // the target lies inside the block
        if (!skip) {
          let prevIdx = -1;
          for (let off = -1; off < len; off++) {
            // every reference position is aligned, so align[sr + off] always exists
            const idx = sr + off === -1 ? 0 : align[sr + off] + 1;
            if (idx === prevIdx) continue;
            prevIdx = idx;
            const shifted = performShift(words, sh, len, idx);
            const gain = pre - finalCost(ed.distance(shifted));
            checked++;
            if (
              best === undefined ||
              gain > best.gain ||
              (gain === best.gain &&
                (len > best.length ||
                  (len === best.length && (sh < best.start || (sh === best.start && idx < best.idx)))))
            ) {
              best = { gain, length: len, start: sh, idx, words: shifted };
            }
          }
          if (checked >= MAX_SHIFT_CANDIDATES) break outer;
        }
        if (sh + len === nH || sr + len === nR) break;
      }
    }
  }
  return best === undefined ? { gain: 0, words: [...words], checked } : { gain: best.gain, words: best.words, checked };
}

/** [number of edits (shifts included), reference length] of a tokenized hypothesis and reference. */
export function translationEditRate(hyp: readonly string[], ref: readonly string[]): [number, number] {
  if (ref.length === 0) return [hyp.length, 0];
  const ed = new BeamEditDistance(ref);
  let words: readonly string[] = hyp;
  let shifts = 0;
  let checked = 0;
  for (;;) {
    const s = bestShift(words, ref, ed, checked);
    checked = s.checked;
    // as in sacreBLEU, reaching the candidate limit ends the search without applying that round's shift
    if (checked >= MAX_SHIFT_CANDIDATES || s.gain <= 0) break;
    shifts++;
    words = s.words;
  }
  return [shifts + finalCost(ed.distance(words)), ref.length];
}
