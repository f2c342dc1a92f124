// Allocation of wasm memory, driven from TypeScript. The bookkeeping lives here, outside the
// module, so that no kernel can corrupt it by writing past a buffer. Blocks are 16-byte aligned
// (v128 loads) and come from a first-fit list of free spans that coalesces on release; when
// nothing fits, memory grows and the new pages join the list. Long-lived data (a model's
// parameters, gradients, optimizer state) is carved from one block at a time by `Slab`.
import { SeqwasmError, ErrorCode } from '../errors.js';

const ALIGN = 16;
const PAGE = 65536;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class Allocator {
  /** Free spans sorted by address (parallel arrays). */
  private starts: number[] = [];
  private sizes: number[] = [];
  /** Live blocks: address → size. */
  private live = new Map<number, number>();
  private liveTotal = 0;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const start = alignUp(base);
    const end = memory.buffer.byteLength;
    if (end > start) this.insertFree(start, end - start);
  }

  /** Bytes currently handed out. */
  get liveBytes(): number {
    return this.liveTotal;
  }

  /** Total bytes of the module's memory. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new SeqwasmError(ErrorCode.badSize, `allocation size must be a non-negative integer, received ${bytes}`);
    }
    const size = Math.max(ALIGN, alignUp(bytes));
    let i = this.starts.findIndex((_, k) => this.sizes[k] >= size);
    if (i < 0) {
      this.grow(size);
      i = this.starts.findIndex((_, k) => this.sizes[k] >= size);
    }
    const ptr = this.starts[i];
    if (this.sizes[i] === size) {
      this.starts.splice(i, 1);
      this.sizes.splice(i, 1);
    } else {
      this.starts[i] += size;
      this.sizes[i] -= size;
    }
    this.live.set(ptr, size);
    this.liveTotal += size;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) {
      throw new SeqwasmError(ErrorCode.released, `no live block at address ${ptr} (freed twice?)`);
    }
    this.live.delete(ptr);
    this.liveTotal -= size;
    this.insertFree(ptr, size);
  }

  private insertFree(start: number, size: number): void {
    // Binary search for the first span after `start`.
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < start) lo = mid + 1; else hi = mid;
    }
    this.starts.splice(lo, 0, start);
    this.sizes.splice(lo, 0, size);
    // Coalesce with the next span, then with the previous one.
    if (lo + 1 < this.starts.length && start + size === this.starts[lo + 1]) {
      this.sizes[lo] += this.sizes[lo + 1];
      this.starts.splice(lo + 1, 1);
      this.sizes.splice(lo + 1, 1);
    }
    if (lo > 0 && this.starts[lo - 1] + this.sizes[lo - 1] === start) {
      this.sizes[lo - 1] += this.sizes[lo];
      this.starts.splice(lo, 1);
      this.sizes.splice(lo, 1);
    }
  }

  /** Grows memory so that a block of `size` bytes fits at the top. */
  private grow(size: number): void {
    const end = this.memory.buffer.byteLength;
    const last = this.starts.length - 1;
    const tailFree = last >= 0 && this.starts[last] + this.sizes[last] === end ? this.sizes[last] : 0;
    // Grow by at least an eighth of the current size so repeated growth stays amortised.
    const needed = Math.max(size - tailFree, end / 8);
    const pages = Math.ceil(needed / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      throw new SeqwasmError(ErrorCode.outOfMemory,
        `cannot grow WebAssembly memory by ${pages} pages to fit ${size} bytes (memory is ${end} bytes)`);
    }
    this.insertFree(end, pages * PAGE);
  }
}
