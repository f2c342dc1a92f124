// Loaded by page.html in Chromium. The page's import map sends `seqwasm` to the file that the
// package's exports map gives for the `browser` condition.
import * as seqwasm from 'seqwasm';
import { runCheck } from './check.mjs';

export async function run() {
  // run-all.mjs serves the page with COOP/COEP, so it is cross-origin isolated: threads run.
  const result = await runCheck(seqwasm, { threads: true });
  result.entry = import.meta.resolve('seqwasm');
  result.runtime = navigator.userAgent;
  result.crossOriginIsolated = globalThis.crossOriginIsolated ?? null;
  return result;
}
