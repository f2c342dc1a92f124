// Training curves as SVG: training and validation loss by epoch on the left axis and, when
// given, validation BLEU on the right axis.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { escapeXml, num, ticks, niceRange } from './svg.js';

export interface CurvePoint {
  /** From 0. */
  epoch: number;
  loss: number;
  valLoss?: number;
  valBleu?: number;
}

export interface TrainingCurveOptions {
  width?: number;
  height?: number;
  title?: string;
}

interface Series { name: string; color: string; axis: 'loss' | 'bleu'; dash?: string; points: [number, number][] }

export function trainingCurve(epochs: readonly CurvePoint[], options: TrainingCurveOptions = {}): string {
  if (!Array.isArray(epochs) || epochs.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `expected a non-empty array of {epoch, loss, valLoss?, valBleu?}, received ${describe(epochs)}`);
  const pick = (f: (e: CurvePoint) => number | undefined): [number, number][] =>
    epochs.filter((e) => Number.isFinite(f(e))).map((e) => [e.epoch + 1, f(e)!]);
  const series: Series[] = [
    { name: 'training loss', color: '#1f77b4', axis: 'loss' as const, points: pick((e) => e.loss) },
    { name: 'validation loss', color: '#ff7f0e', axis: 'loss' as const, points: pick((e) => e.valLoss) },
    { name: 'validation BLEU', color: '#2ca02c', axis: 'bleu' as const, dash: '6 3', points: pick((e) => e.valBleu) },
  ].filter((s) => s.points.length > 0);
  const W = options.width ?? 640, H = options.height ?? 360;
  const m = { left: 60, right: 60, top: options.title ? 40 : 20, bottom: 50 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const xMax = Math.max(2, ...epochs.map((e) => e.epoch + 1));
  const range = (axis: string): [number, number] => {
    const ys = series.filter((s) => s.axis === axis).flatMap((s) => s.points.map((p) => p[1]));
    return ys.length === 0 ? [0, 1] : niceRange(axis === 'bleu' ? 0 : Math.min(...ys), Math.max(...ys));
  };
  const yr = { loss: range('loss'), bleu: range('bleu') };
  const X = (x: number) => m.left + ((x - 1) / (xMax - 1)) * pw;
  const Y = (axis: 'loss' | 'bleu', y: number) => m.top + ph - ((y - yr[axis][0]) / (yr[axis][1] - yr[axis][0])) * ph;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-weight="bold">${escapeXml(options.title)}</text>`);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  for (const x of ticks(1, xMax, Math.min(10, xMax - 1)).filter(Number.isInteger)) {
    out.push(`<line x1="${X(x)}" y1="${m.top + ph}" x2="${X(x)}" y2="${m.top + ph + 5}" stroke="#444"/><text x="${X(x)}" y="${m.top + ph + 18}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">epoch</text>`);
  for (const y of ticks(...yr.loss)) {
    out.push(`<line x1="${m.left}" y1="${Y('loss', y)}" x2="${m.left + pw}" y2="${Y('loss', y)}" stroke="#eee"/><text x="${m.left - 6}" y="${Y('loss', y) + 4}" text-anchor="end">${num(y)}</text>`);
  }
  out.push(`<text transform="rotate(-90)" x="${-(m.top + ph / 2)}" y="16" text-anchor="middle">loss (per token)</text>`);
  if (series.some((s) => s.axis === 'bleu')) {
    for (const y of ticks(...yr.bleu)) out.push(`<text x="${m.left + pw + 6}" y="${Y('bleu', y) + 4}">${num(y)}</text>`);
    out.push(`<text transform="rotate(90)" x="${m.top + ph / 2}" y="${-(W - 14)}" text-anchor="middle">BLEU</text>`);
  }
  series.forEach((s, i) => {
    const d = s.points.map(([x, y], j) => `${j ? 'L' : 'M'}${X(x).toFixed(1)},${Y(s.axis, y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(s.axis, y).toFixed(1)}" r="3" fill="${s.color}"><title>${s.name}, epoch ${x}: ${num(y)}</title></circle>`);
    const ly = m.top + 14 + i * 16;
    out.push(`<line x1="${m.left + pw - 150}" y1="${ly - 4}" x2="${m.left + pw - 128}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/><text x="${m.left + pw - 122}" y="${ly}">${s.name}</text>`);
  });
  out.push('</svg>\n');
  return out.join('\n');
}
