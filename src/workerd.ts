// Entry for Cloudflare Workers (workerd). Workers forbid compiling wasm from bytes at run time,
// so the modules are imported: the bundler (wrangler) or workerd's module rules hand us
// already-compiled WebAssembly.Module objects.
import simdModule from './seqwasm.wasm';
import relaxedModule from './seqwasm-relaxed.wasm';
import type { Build } from './core/backend.js';
import { initWith, createBackendWith, type InitOptions } from './core/init.js';

export * from './api.js';

async function locate(build: Build): Promise<WebAssembly.Module> {
  return build === 'relaxed' ? relaxedModule : simdModule;
}

export const init = (options?: InitOptions) => initWith(locate, options);
export const createBackend = (options?: InitOptions) => createBackendWith(locate, options);
