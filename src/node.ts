// Entry for Node (and Deno, which resolves npm packages with the `node` condition): reads the
// .wasm that sits next to this file and compiles it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Build } from './core/backend.js';
import { initWith, createBackendWith, type InitOptions } from './core/init.js';
import { SeqwasmError, ErrorCode } from './errors.js';

export * from './api.js';

const FILES: Record<Build, string> = { simd: 'seqwasm.wasm', relaxed: 'seqwasm-relaxed.wasm' };

async function locate(build: Build): Promise<WebAssembly.Module> {
  // dist/ holds the .wasm beside this module; when running from src/ (tests, tsx) it is in build/.
  const candidates = [new URL(`./${FILES[build]}`, import.meta.url), new URL(`../build/${FILES[build]}`, import.meta.url)];
  for (const url of candidates) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await readFile(fileURLToPath(url)));
    } catch (e) {
      // Only a missing file means "look at the next place"; a permission error (Deno) must show.
      if ((e as { code?: string }).code === 'ENOENT') continue;
      throw new SeqwasmError(ErrorCode.badModule, `cannot read ${fileURLToPath(url)}: ${(e as Error).message}`);
    }
    return WebAssembly.compile(bytes);
  }
  throw new SeqwasmError(ErrorCode.badModule, `cannot find ${FILES[build]} (looked at ${candidates.map((u) => fileURLToPath(u)).join(', ')}); run npm run build`);
}

export const init = (options?: InitOptions) => initWith(locate, options);
export const createBackend = (options?: InitOptions) => createBackendWith(locate, options);
