// Workers for Hogwild training where Web Workers exist (browsers whose page is cross-origin
// isolated, Deno): module workers from a blob: URL, so no worker file has to be found, served
// or known to a bundler.
import { SeqwasmError, ErrorCode } from '../errors.js';
import { WORKER_BODY, type WorkerHost } from './threads-train.js';

// A message the worker cannot deserialize would otherwise leave the main thread waiting forever.
const SOURCE = `
const on = (handler) => { self.onmessage = (e) => handler(e.data); };
const post = (value) => self.postMessage(value);
self.onmessageerror = () => { throw new Error('a word2vec worker could not receive its message (shared memory or a WebAssembly.Module cannot be posted here)'); };
${WORKER_BODY}`;

export function webHost(): WorkerHost {
  // One URL for all workers of a training run; it must stay valid until they have loaded, so it
  // is revoked in close().
  const url = URL.createObjectURL(new Blob([SOURCE], { type: 'text/javascript' }));
  return {
    spawn(onDone, onError) {
      const worker = new Worker(url, { type: 'module', name: 'seqwasm-word2vec' });
      worker.onmessage = (e: MessageEvent<number>) => onDone(e.data);
      worker.onerror = (e: ErrorEvent) => {
        // Handled here: the failure is thrown from train() instead of being logged as uncaught.
        e.preventDefault();
        onError(new SeqwasmError(ErrorCode.badModule, `a word2vec worker failed: ${e.message}`));
      };
      return {
        post: (message) => worker.postMessage(message),
        terminate: async () => worker.terminate(),
      };
    },
    close() { URL.revokeObjectURL(url); },
  };
}
