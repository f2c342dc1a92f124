// safetensors: a file written by tools/safetensors_fixture.py (values rounded to F16/BF16/F64 by
// PyTorch) decodes to the same float32 values; encode → decode round-trips; damaged files get
// a SeqwasmError naming the problem.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { encodeSafetensors, decodeSafetensors } from '../../src/nn/safetensors.js';
import { SeqwasmError, ErrorCode } from '../../src/errors.js';

const dir = new URL('../fixtures/safetensors/', import.meta.url);
const bytes = new Uint8Array(readFileSync(new URL('mixed.safetensors', dir)));
const expected = JSON.parse(readFileSync(new URL('mixed.json', dir), 'utf8')) as {
  metadata: Record<string, string>; tensors: Record<string, { shape: number[]; data: number[] }>;
};

function header(json: string, buffer = new Uint8Array(0)): Uint8Array {
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(buffer, 8 + head.length);
  return out;
}

function code(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(SeqwasmError); return (e as SeqwasmError).message; }
  throw new Error('expected an error');
}

describe('safetensors', () => {
  it('decodes F32, F64, F16 (subnormals included) and BF16 as PyTorch rounded them', () => {
    const { dict, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(dict).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, t] of Object.entries(expected.tensors)) {
      expect(dict[name].shape).toEqual(t.shape);
      expect(Array.from(dict[name].data)).toEqual(t.data.map(Math.fround));
    }
  });

  it('round-trips a state dict, with an 8-byte aligned buffer and metadata', () => {
    const dict = { 'b.weight': { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 6]) }, 'a.bias': { shape: [1], data: Float32Array.of(7) } };
    const enc = encodeSafetensors(dict, { format: 'test' });
    const n = Number(new DataView(enc.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = decodeSafetensors(enc);
    expect(back.metadata).toEqual({ format: 'test' });
    for (const k of Object.keys(dict)) {
      expect(back.dict[k].shape).toEqual(dict[k as keyof typeof dict].shape);
      expect(Array.from(back.dict[k].data)).toEqual(Array.from(dict[k as keyof typeof dict].data));
    }
  });

  it('refuses damaged files with bad_file', () => {
    const msg = (b: Uint8Array) => code(() => decodeSafetensors(b));
    expect(msg(bytes.subarray(0, 5))).toMatch(/too short/);
    expect(msg(bytes.subarray(0, 40))).toMatch(/header size .* exceeds/);
    expect(msg(bytes.subarray(0, bytes.length - 4))).toMatch(/data_offsets|cover/);
    expect(msg(header('{"x": '))).toMatch(/not UTF-8 JSON/);
    expect(msg(header('[1]'))).toMatch(/JSON object/);
    expect(msg(header('{"__metadata__": {"a": 1}}'))).toMatch(/__metadata__ must map strings to strings/);
    expect(msg(header('{"x": {"dtype": "I8", "shape": [1], "data_offsets": [0, 1]}}', new Uint8Array(1)))).toMatch(/dtype "I8"/);
    expect(msg(header('{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', new Uint8Array(4)))).toMatch(/needs 8 bytes/);
    expect(msg(header('{"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', new Uint8Array(8)))).toMatch(/holes/);
    expect(msg(header('{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', new Uint8Array(8)))).toMatch(/cover 4 of the 8/);
    try { decodeSafetensors(bytes.subarray(0, 5)); } catch (e) { expect((e as SeqwasmError).code).toBe(ErrorCode.badFile); }
  });
});
