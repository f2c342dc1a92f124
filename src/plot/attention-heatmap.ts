// An attention map as SVG: one row per output token, one column per source token, each cell
// shaded by the weight the output token gave the source token (white 0 → dark blue 1), with the
// exact weight in a tooltip.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { escapeXml, num } from './svg.js';

export interface AttentionHeatmapInput {
  /** Column labels: the source tokens. */
  source: readonly string[];
  /** Row labels: the output tokens. */
  target: readonly string[];
  /** One row per output token, each with one weight per source token. */
  weights: readonly ArrayLike<number>[];
}

export interface AttentionHeatmapOptions {
  /** Cell side in pixels. Default 22. */
  cell?: number;
  title?: string;
}

const shade = (w: number) => {
  // Linear from white to rgb(8, 48, 107), the dark end of ColorBrewer's "Blues".
  const t = Math.min(1, Math.max(0, w));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 8)},${mix(255, 48)},${mix(255, 107)})`;
};

export function attentionHeatmap(input: AttentionHeatmapInput, options: AttentionHeatmapOptions = {}): string {
  const { source, target, weights } = input ?? ({} as AttentionHeatmapInput);
  if (!Array.isArray(source) || !Array.isArray(target) || !Array.isArray(weights)) {
    throw new SeqwasmError(ErrorCode.badArgument, `expected {source: string[], target: string[], weights: rows of numbers}, received ${describe(input)}`);
  }
  if (weights.length !== target.length) throw new SeqwasmError(ErrorCode.badSize, `weights must have one row per target token (${target.length}), received ${weights.length}`);
  weights.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || row.length !== source.length) {
      throw new SeqwasmError(ErrorCode.badSize, `weights[${i}] must have one weight per source token (${source.length}), received ${describe(row)}`);
    }
  });
  const cell = options.cell ?? 22;
  const labelChars = (xs: readonly string[]) => Math.max(1, ...xs.map((s) => Array.from(s).length));
  // Column labels are turned 60° so word-level sources stay readable; leave room for them.
  const top = 16 + Math.ceil(labelChars(source) * 7 * Math.sin(Math.PI / 3)) + (options.title ? 20 : 0);
  const left = 12 + labelChars(target) * 7.5;
  const width = Math.ceil(left + source.length * cell + 12), height = Math.ceil(top + target.length * cell + 12);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`];
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (options.title) out.push(`<text x="${left}" y="16" font-weight="bold">${escapeXml(options.title)}</text>`);
  const show = (s: string) => escapeXml(s === ' ' ? '␣' : s);
  source.forEach((s, j) => {
    const x = left + (j + 0.5) * cell, y = top - 6;
    out.push(`<text x="${x}" y="${y}" transform="rotate(-60 ${x} ${y})">${show(s)}</text>`);
  });
  target.forEach((s, i) => {
    out.push(`<text x="${left - 6}" y="${top + (i + 0.7) * cell}" text-anchor="end">${show(s)}</text>`);
    for (let j = 0; j < source.length; j++) {
      const w = weights[i][j];
      out.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${shade(w)}"><title>${show(target[i])} ← ${show(source[j])}: ${num(w)}</title></rect>`);
    }
  });
  out.push(`<rect x="${left}" y="${top}" width="${source.length * cell}" height="${target.length * cell}" fill="none" stroke="#888"/>`);
  out.push('</svg>\n');
  return out.join('\n');
}
