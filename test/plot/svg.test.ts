// The SVG pictures: well-formed XML (parsed back by a strict parser), one cell per weight with
// its exact value, escaped labels, series by the data given, and bad input refused.
import { describe, it, expect } from 'vitest';
import { attentionHeatmap } from '../../src/plot/attention-heatmap.js';
import { trainingCurve } from '../../src/plot/training-curve.js';
import { ticks, niceRange } from '../../src/plot/svg.js';
import { SeqwasmError } from '../../src/errors.js';

/** Checks tag balance and attribute quoting (no DOM parser in Node); returns the tag names seen. */
function tags(svg: string): string[] {
  const stack: string[] = [], seen: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)((?:\s+[A-Za-z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    seen.push(name);
    if (close) expect(stack.pop()).toBe(name);
    else if (!self) stack.push(name);
  }
  expect(stack).toEqual([]);
  // Nothing that looks like a tag was left unmatched (e.g. an unescaped "<" in a label).
  expect(svg.replace(/<(\/?)([a-z]+)((?:\s+[A-Za-z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g, '')).not.toMatch(/[<>]/);
  return seen;
}

describe('attentionHeatmap', () => {
  it('draws one shaded cell per weight, labelled and escaped', () => {
    const weights = [[0.9, 0.1, 0], [0.2, 0.3, 0.5]];
    const svg = attentionHeatmap({ source: ['<a>', '&', ' '], target: ['x"', '</s>'], weights }, { title: 'a < b' });
    const seen = tags(svg);
    expect(seen.filter((t) => t === 'title').length).toBe(2 * 6); // a tooltip per cell, opening and closing tags
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).toContain('&amp;');
    expect(svg).toContain('␣');
    expect(svg).toContain('&lt;/s&gt; ← ␣: 0.5');
    expect(svg).toContain('fill="rgb(255,255,255)"'); // weight 0
    expect(svg).not.toContain('fill="rgb(8,48,107)"'); // no weight of 1 here
    const full = attentionHeatmap({ source: ['a'], target: ['b'], weights: [[1]] });
    expect(full).toContain('fill="rgb(8,48,107)"');
  });

  it('refuses weights that do not fit the labels', () => {
    expect(() => attentionHeatmap({ source: ['a', 'b'], target: ['c'], weights: [[1]] })).toThrow(SeqwasmError);
    expect(() => attentionHeatmap({ source: ['a'], target: ['c', 'd'], weights: [[1]] })).toThrow(/one row per target token/);
    expect(() => attentionHeatmap(null as never)).toThrow(SeqwasmError);
  });
});

describe('trainingCurve', () => {
  it('draws the series given: losses on the left axis, BLEU on the right', () => {
    const epochs = [{ epoch: 0, loss: 2, valLoss: 1.5, valBleu: 10 }, { epoch: 1, loss: 1, valLoss: 0.9, valBleu: 30.5 }, { epoch: 2, loss: 0.5, valLoss: 0.8, valBleu: 41 }];
    const svg = trainingCurve(epochs, { title: 'run <1>' });
    tags(svg);
    expect(svg.match(/<path /g)?.length).toBe(3);
    expect(svg).toContain('validation BLEU, epoch 2: 30.5');
    expect(svg).toContain('run &lt;1&gt;');
    const lossOnly = trainingCurve([{ epoch: 0, loss: 3 }, { epoch: 1, loss: 2 }]);
    expect(lossOnly.match(/<path /g)?.length).toBe(1);
    expect(lossOnly).not.toContain('>BLEU<');
    expect(() => trainingCurve([])).toThrow(SeqwasmError);
  });

  it('ticks are round numbers inside the range', () => {
    expect(ticks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticks(0.37, 1.81)).toEqual([0.5, 1, 1.5]);
    expect(niceRange(0, 100.0000001)).toEqual([0, 100]);
    expect(niceRange(0.37, 1.81)).toEqual([0, 2]);
    expect(niceRange(5, 5)).toEqual([5, 6]);
  });
});
