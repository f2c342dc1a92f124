// The Worker run by workerd. Bundled by esbuild with the `workerd` condition; the .wasm files the
// package imports stay imports and are listed in config.capnp as `wasm` modules.
import * as seqwasm from 'seqwasm';
import { runCheck } from './check.mjs';

// The smallest valid module: compiling it from bytes must be refused by workerd, which is why the
// workerd entry imports its modules instead.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export default {
  async fetch() {
    let compileFromBytes;
    try {
      await WebAssembly.compile(EMPTY_MODULE);
      compileFromBytes = 'allowed';
    } catch (e) {
      compileFromBytes = `refused (${e.message})`;
    }
    // Workers have no Web Workers and no worker_threads: threads: 2 must be refused.
    const result = await runCheck(seqwasm, { threads: false });
    result.compileFromBytes = compileFromBytes;
    result.runtime = 'workerd';
    return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
  },
};
