// State dicts as safetensors bytes (Hugging Face's format, https://github.com/huggingface/safetensors,
// "Format" section of its README): an unsigned 64-bit little-endian header size N, N bytes of
// UTF-8 JSON mapping each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets
// into the byte buffer that follows; an optional "__metadata__" maps strings to strings), then
// the byte buffer, little-endian, row-major, entirely covered by the tensors without overlap.
// The format is what PyTorch users load with `safetensors.torch.load_file`, so weights move
// between seqwasm and PyTorch without a converter.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { StateDict } from './module.js';

const bad = (message: string) => new SeqwasmError(ErrorCode.badFile, `safetensors: ${message}`);

/** Bytes per element of the dtypes read (written: F32 only). */
const WIDTH: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** Encodes a state dict as F32 tensors, in name order; `metadata` goes to "__metadata__". */
export function encodeSafetensors(dict: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(dict).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = dict[name];
    if (!(data instanceof Float32Array) || data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new SeqwasmError(ErrorCode.badSize, `${name}: expected a Float32Array of ${shape.join('×')} values, received ${describe(data)}`);
    }
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  // Spaces pad the header so the buffer starts 8-byte aligned (the reference writer does this).
  const raw = new TextEncoder().encode(json);
  json += ' '.repeat((8 - (raw.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = dict[name].data;
    // Float32Array is little-endian on every platform WebAssembly runs on.
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/** Decodes safetensors bytes into a state dict of Float32Arrays (F64, F16 and BF16 are converted). */
export function decodeSafetensors(bytes: Uint8Array): { dict: StateDict; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) throw new SeqwasmError(ErrorCode.badArgument, `expected a Uint8Array, received ${describe(bytes)}`);
  if (bytes.length < 8) throw bad(`${bytes.length} bytes is too short for the 8-byte header size (truncated file?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw bad(`header size ${n} exceeds the ${bytes.length - 8} bytes after it (truncated file?)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch (e) {
    throw bad(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw bad(`the header must be a JSON object, received ${describe(header)}`);
  const start = 8 + Number(n), size = bytes.length - start;
  const dict: StateDict = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Object.values(entry).some((v) => typeof v !== 'string')) {
        throw bad(`__metadata__ must map strings to strings, received ${describe(entry)}`);
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const width = WIDTH[e?.dtype as string];
    if (width === undefined) throw bad(`${name} has dtype ${describe(e?.dtype)}; expected one of ${Object.keys(WIDTH).join(', ')}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`${name} has shape ${describe(shape)}; expected an array of integers ≥ 0`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every(Number.isInteger) || off[0] < 0 || off[0] > off[1] || off[1] > size) {
      throw bad(`${name} has data_offsets ${JSON.stringify(off)}; expected [begin, end] within the ${size}-byte buffer (truncated file?)`);
    }
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (off[1] - off[0] !== count * width) throw bad(`${name}: shape [${shape.join(', ')}] of ${e.dtype} needs ${count * width} bytes, data_offsets span ${off[1] - off[0]}`);
    spans.push([off[0], off[1], name]);
    dict[name] = { shape, data: toFloat32(new DataView(bytes.buffer, bytes.byteOffset + start + off[0], off[1] - off[0]), e.dtype as string, count) };
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [lo, hi, name] of spans) {
    if (lo !== covered) throw bad(`${name} starts at byte ${lo} but the tensors before it end at ${covered} (holes and overlaps are not allowed)`);
    covered = hi;
  }
  if (covered !== size) throw bad(`the tensors cover ${covered} of the ${size} buffer bytes`);
  return { dict, metadata };
}

function toFloat32(v: DataView, dtype: string, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = dtype === 'F32' ? v.getFloat32(4 * i, true)
      : dtype === 'F64' ? v.getFloat64(8 * i, true)
      : dtype === 'BF16' ? bf16(v.getUint16(2 * i, true))
      : f16(v.getUint16(2 * i, true));
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
/** bfloat16 is the top half of a float32. */
function bf16(h: number): number {
  scratch.setUint32(0, h << 16);
  return scratch.getFloat32(0);
}

/** IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. */
function f16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
