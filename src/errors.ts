/**
 * Every error seqwasm throws on bad input or misuse. `code` is stable and machine-readable;
 * the message says what was expected and what was received.
 */
export class SeqwasmError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SeqwasmError';
    this.code = code;
  }
}

/** Error codes used across the package. */
export const ErrorCode = {
  notInitialized: 'not_initialized',
  badShape: 'bad_shape',
  badSize: 'bad_size',
  badDtype: 'bad_dtype',
  badArgument: 'bad_argument',
  nonFinite: 'non_finite',
  outOfRange: 'out_of_range',
  released: 'released',
  outOfMemory: 'out_of_memory',
  badModule: 'bad_module',
  badFile: 'bad_file',
} as const;

/** A short, readable rendering of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return typeof value;
}
