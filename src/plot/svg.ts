// What the SVG pictures share: escaping, number formatting, axis ticks.

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shortest readable form: 3 significant digits, no trailing zeros. */
export function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/** A round step (1, 2 or 5 × 10ᵏ) giving about `count` ticks over [lo, hi]. */
function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  // The tolerance keeps a range like [0, 100.000001] on steps of 20, not 50.
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-6))!;
}

/** [lo, hi] widened to the round ticks around it (a flat range gets width 1). */
export function niceRange(lo: number, hi: number, count = 5): [number, number] {
  if (!(hi > lo)) hi = lo + 1;
  const step = tickStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-6) * step, Math.ceil(hi / step - 1e-6) * step];
}

/** About `count` round tick values within [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = tickStep(lo, hi, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
