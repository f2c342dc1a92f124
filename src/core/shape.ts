// Shapes of nested arrays and the checks every entry point shares.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';

export type Shape = readonly number[];
export type NestedArray = number | readonly NestedArray[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function checkShape(shape: unknown, what = 'shape'): Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new SeqwasmError(ErrorCode.badShape,
      `${what} must be an array of non-negative integers, received ${describe(shape)}${Array.isArray(shape) ? ` [${shape.join(', ')}]` : ''}`);
  }
  return shape;
}

/** The shape of a rectangular nested array; throws on ragged input or non-numbers. */
export function inferShape(data: NestedArray, what = 'input'): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const check = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new SeqwasmError(ErrorCode.badShape, `${what}${path} must be a number, received ${describe(node)}`);
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new SeqwasmError(ErrorCode.badShape,
        `${what} is ragged: ${what}${path} should be an array of length ${shape[depth]}, received ${describe(node)}`);
    }
    for (let i = 0; i < node.length; i++) check(node[i], depth + 1, `${path}[${i}]`);
  };
  check(data, 0, '');
  return shape;
}

/** Writes the leaves of a nested array into `out` in row-major order. */
export function flattenInto(data: NestedArray, out: { [i: number]: number }, offset = 0): number {
  if (!Array.isArray(data)) {
    out[offset] = data as number;
    return offset + 1;
  }
  for (const item of data) offset = flattenInto(item, out, offset);
  return offset;
}

/** Rebuilds a nested array of `shape` from flat row-major values. */
export function unflatten(flat: ArrayLike<number>, shape: Shape): NestedArray {
  if (shape.length === 0) return flat[0];
  let pos = 0;
  const build = (depth: number): NestedArray => {
    const n = shape[depth];
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = depth + 1 === shape.length ? flat[pos++] : build(depth + 1);
    return out;
  };
  return build(0);
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
