// Hogwild threads (Recht et al. 2011, as word2vec.c and gensim do it): where a runtime can run
// them, and the shared-memory build of the module they all instantiate over one shared
// WebAssembly.Memory (asconfig targets w2v-shared / w2v-shared-relaxed). The training loop
// itself is in threads-train.ts, loaded only when threads > 1 trains.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Backend, type Build } from '../core/backend.js';
import { compileSource, relaxedSimdSupported, type WasmSource } from '../core/init.js';
import { nodeModule } from '../core/node-module.js';

/** The globals that decide whether and how threads run (a parameter so tests can describe other runtimes). */
export interface ThreadGlobals {
  Worker?: unknown;
  SharedArrayBuffer?: unknown;
  crossOriginIsolated?: boolean;
  navigator?: { userAgent?: string };
  process?: { versions?: { node?: string } };
}

/** How workers are made here: Web Workers, Node's worker_threads, or why there are none. */
export type ThreadsHost = { host: 'web' | 'node' } | { host: null; reason: string };

export function threadsHost(g: ThreadGlobals = globalThis as ThreadGlobals): ThreadsHost {
  // Browsers hide SharedArrayBuffer and refuse to post shared memory unless the page is
  // cross-origin isolated; they say so in crossOriginIsolated (Deno and Node do not define it).
  if (g.crossOriginIsolated === false) {
    return { host: null, reason: 'threads > 1 needs cross-origin isolation in browsers (serve the page with the headers '
      + 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), and crossOriginIsolated is false here' };
  }
  // Checked by name: with nodejs_compat, workerd reports a process.versions.node, but it has
  // neither worker_threads nor Web Workers.
  if (g.navigator?.userAgent === 'Cloudflare-Workers') {
    return { host: null, reason: 'threads > 1 is not available in Cloudflare Workers (no Web Workers, no worker_threads)' };
  }
  if (typeof g.SharedArrayBuffer !== 'function') {
    return { host: null, reason: 'threads > 1 needs SharedArrayBuffer (a shared WebAssembly.Memory), which this runtime does not provide' };
  }
  // Web Workers first: Deno also reports a process.versions.node, but its Web Workers are native.
  if (typeof g.Worker === 'function') return { host: 'web' };
  if (g.process?.versions?.node) return { host: 'node' };
  return { host: null, reason: "threads > 1 needs Web Workers (a global Worker) or Node's worker_threads, and this runtime has neither" };
}

/**
 * Whether `threads > 1` can train here: Node (worker_threads), Deno (Web Workers), and browsers
 * with Web Workers whose page is cross-origin isolated. Elsewhere `new Word2Vec({threads})`
 * with threads > 1 throws a SeqwasmError that says what is missing.
 */
export function threadsSupported(): boolean {
  return threadsHost().host !== null;
}

const FILES: Record<Build, string> = { simd: 'seqwasm-shared.wasm', relaxed: 'seqwasm-shared-relaxed.wasm' };

/**
 * Where the shared build of a flavour is: next to the runtime entries in dist/. Literal
 * `new URL('…', import.meta.url)` calls, so bundlers see the files and copy them.
 */
function besideDist(build: Build): URL {
  return build === 'relaxed'
    ? new URL('../seqwasm-shared-relaxed.wasm', import.meta.url)
    : new URL('../seqwasm-shared.wasm', import.meta.url);
}

/** On disk (Node, Deno): dist/, then build/ for code running from src/ (tests, tsx). */
function onDisk(build: Build): URL[] {
  // The base goes through a variable so that bundlers do not try to resolve build/ as an asset.
  const here = import.meta.url;
  return [besideDist(build), new URL(`../../build/${FILES[build]}`, here)];
}

/** Whether the shared-memory build is where createSharedBackend looks for it (files next to the module). */
export async function sharedBuildAvailable(build: Build): Promise<boolean> {
  if (!threadsSupported() || besideDist(build).protocol !== 'file:') return false;
  const { access } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
  for (const url of onDisk(build)) {
    try { await access(fileURLToPath(url)); return true; } catch { /* next place */ }
  }
  return false;
}

async function locate(build: Build): Promise<WebAssembly.Module> {
  const beside = besideDist(build);
  // Browsers fetch it next to the module, as src/index.ts does the normal build.
  if (beside.protocol !== 'file:') return compileSource(beside);
  const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
  const places = onDisk(build).map((u) => fileURLToPath(u));
  for (const path of places) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      // Only a missing file means "look at the next place"; a permission error (Deno) must show.
      if ((e as { code?: string }).code === 'ENOENT') continue;
      throw new SeqwasmError(ErrorCode.badModule, `cannot read ${path}: ${(e as Error).message}`);
    }
    return WebAssembly.compile(bytes);
  }
  throw new SeqwasmError(ErrorCode.badModule, `cannot find ${FILES[build]} (looked at ${places.join(', ')}); run npm run build:wasm`);
}

// Compiled shared builds, so that every threaded model after the first skips fetching and compiling.
const compiled = new Map<Build, Promise<WebAssembly.Module>>();
const shared = new WeakMap<Backend, { module: WebAssembly.Module; memory: WebAssembly.Memory }>();

export interface SharedBackendOptions {
  /** Flavour of the packaged shared build (default: relaxed where the runtime validates it). */
  build?: Build;
  /**
   * The shared build itself (seqwasm-shared.wasm or seqwasm-shared-relaxed.wasm), as a module,
   * URL, bytes or fetch Response: for bundlers that do not copy the file next to the module.
   */
  module?: WasmSource;
}

/**
 * A backend of the shared-memory build, over a new shared WebAssembly.Memory: what Word2Vec
 * trains on with threads > 1 (it makes one itself when given an ordinary backend).
 */
export async function createSharedBackend(options: SharedBackendOptions = {}): Promise<Backend> {
  const build = options.build ?? (relaxedSimdSupported() ? 'relaxed' : 'simd');
  if (build !== 'simd' && build !== 'relaxed') throw new SeqwasmError(ErrorCode.badArgument, `build must be 'simd' or 'relaxed', received ${describe(build)}`);
  const where = threadsHost();
  if (where.host === null) throw new SeqwasmError(ErrorCode.badArgument, where.reason);
  let module: WebAssembly.Module;
  if (options.module !== undefined) {
    module = await compileSource(options.module);
  } else {
    let pending = compiled.get(build);
    if (pending === undefined) {
      pending = locate(build);
      compiled.set(build, pending);
      pending.catch(() => compiled.delete(build));
    }
    module = await pending;
  }
  if (!WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')) {
    throw new SeqwasmError(ErrorCode.badModule,
      `expected the shared-memory build (${FILES.simd} or ${FILES.relaxed}), received a module that does not import a memory`);
  }
  // Limits as compiled (asconfig: initialMemory 32 pages, maximumMemory 65536 pages = 4 GiB).
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(): never { throw new SeqwasmError(ErrorCode.badModule, 'wasm assertion failed'); },
    },
  });
  const backend = new Backend(instance);
  shared.set(backend, { module, memory });
  return backend;
}

/** The module and shared memory of a backend made by createSharedBackend (undefined for any other). */
export function sharedOf(backend: Backend): { module: WebAssembly.Module; memory: WebAssembly.Memory } | undefined {
  return shared.get(backend);
}
