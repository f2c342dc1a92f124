// Entry for browsers and any runtime with fetch: fetches the .wasm beside this module
// (bundlers understand `new URL(..., import.meta.url)` and copy the file).
import type { Build } from './core/backend.js';
import { initWith, createBackendWith, compileSource, type InitOptions } from './core/init.js';

export * from './api.js';

async function locate(build: Build): Promise<WebAssembly.Module> {
  const url = build === 'relaxed'
    ? new URL('./seqwasm-relaxed.wasm', import.meta.url)
    : new URL('./seqwasm.wasm', import.meta.url);
  return compileSource(url);
}

export const init = (options?: InitOptions) => initWith(locate, options);
export const createBackend = (options?: InitOptions) => createBackendWith(locate, options);
