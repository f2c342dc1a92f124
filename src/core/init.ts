// Loading, shared by every runtime. A runtime entry (src/node.ts, src/index.ts, src/workerd.ts)
// supplies only `locate`: how to get a compiled module for a build in that runtime.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Backend, instantiate, type Build } from './backend.js';

/** What a caller may hand `init` instead of letting it find the .wasm itself. */
export type WasmSource = WebAssembly.Module | URL | string | ArrayBuffer | ArrayBufferView | Response;

export interface InitOptions {
  /** 'auto' (default) picks relaxed SIMD where the runtime validates it. */
  build?: 'auto' | Build;
  /** A module, URL, bytes or fetch Response to use instead of the packaged .wasm. */
  module?: WasmSource;
}

export type Locate = (build: Build) => Promise<WebAssembly.Module>;

// The smallest module using f32x4.relaxed_madd (opcode 0xfd 0x105): a function returning
// relaxed_madd of three zero vectors. WebAssembly.validate accepts it only where relaxed SIMD is on.
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section, one body of 59 bytes, no locals
  0xfd, 0x0c, ...new Array(16).fill(0),
  0xfd, 0x0c, ...new Array(16).fill(0),
  0xfd, 0x0c, ...new Array(16).fill(0),
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b,
]);

/** Whether this runtime runs relaxed-SIMD modules (Node 20 needs --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

let defaultBackend: Backend | null = null;

/** The backend that `init()` made the default. */
export function getBackend(): Backend {
  if (defaultBackend === null) {
    throw new SeqwasmError(ErrorCode.notInitialized, 'seqwasm is not initialised: call `await init()` first');
  }
  return defaultBackend;
}

export function setBackend(backend: Backend): void {
  defaultBackend = backend;
}

function chooseBuild(requested: InitOptions['build']): Build {
  if (requested === undefined || requested === 'auto') return relaxedSimdSupported() ? 'relaxed' : 'simd';
  if (requested !== 'simd' && requested !== 'relaxed') {
    throw new SeqwasmError(ErrorCode.badArgument, `build must be 'auto', 'simd' or 'relaxed', received ${describe(requested)}`);
  }
  if (requested === 'relaxed' && !relaxedSimdSupported()) {
    throw new SeqwasmError(ErrorCode.badModule,
      "build 'relaxed' was requested but this runtime does not support relaxed SIMD (on Node 20, run with --experimental-wasm-relaxed-simd)");
  }
  return requested;
}

async function compileResponse(response: Response): Promise<WebAssembly.Module> {
  if (!response.ok) {
    throw new SeqwasmError(ErrorCode.badModule, `fetching ${response.url} failed: HTTP ${response.status}`);
  }
  // compileStreaming needs the application/wasm content type; fall back to bytes without it.
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Compiles whatever the caller handed `init({module})`. */
export async function compileSource(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof Response !== 'undefined' && source instanceof Response) return compileResponse(source);
  if (source instanceof URL || typeof source === 'string') return compileResponse(await fetch(source));
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    try {
      return await WebAssembly.compile(source as BufferSource);
    } catch (e) {
      throw new SeqwasmError(ErrorCode.badModule, `the bytes given are not a valid WebAssembly module: ${(e as Error).message}`);
    }
  }
  throw new SeqwasmError(ErrorCode.badModule,
    `module must be a WebAssembly.Module, URL, string, ArrayBuffer, typed array or Response, received ${describe(source)}`);
}

// Compiled modules by build: a second backend of the same build is instantiated without
// fetching or compiling again.
const compiled = new Map<Build, Promise<WebAssembly.Module>>();

/** A new backend, not made the default. */
export async function createBackendWith(locate: Locate, options: InitOptions = {}): Promise<Backend> {
  if (options.module !== undefined) return instantiate(await compileSource(options.module));
  const build = chooseBuild(options.build);
  let module = compiled.get(build);
  if (module === undefined) {
    module = locate(build);
    compiled.set(build, module);
    module.catch(() => compiled.delete(build));
  }
  return instantiate(await module);
}

/** Loads seqwasm and makes the backend the default for the free functions. */
export async function initWith(locate: Locate, options: InitOptions = {}): Promise<Backend> {
  const backend = await createBackendWith(locate, options);
  setBackend(backend);
  return backend;
}
