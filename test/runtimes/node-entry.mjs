// Run by Node and by Deno from the scratch consumer directory, next to a copy of check.mjs.
// `seqwasm` is the bare specifier, resolved through node_modules/seqwasm/package.json#exports.
import * as seqwasm from 'seqwasm';
import { runCheck } from './check.mjs';

// Node (worker_threads) and Deno (Web Workers) both train word2vec with threads.
const result = await runCheck(seqwasm, { threads: true });
try {
  result.entry = import.meta.resolve('seqwasm');
} catch (e) {
  result.entry = `(import.meta.resolve failed: ${e.message})`;
}
result.runtime = typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : `node ${process.version}`;
console.log(`__SEQWASM_RESULT__${JSON.stringify(result)}`);
