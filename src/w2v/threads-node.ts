// Workers for Hogwild training in Node: worker_threads running the worker body as CommonJS from
// a string, so it runs the same from src/ (tsx, vitest) and from dist/.
import { nodeModule } from '../core/node-module.js';
import { WORKER_BODY, type WorkerHost } from './threads-train.js';

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const on = (handler) => parentPort.on('message', handler);
const post = (value) => parentPort.postMessage(value);
${WORKER_BODY}`;

export async function nodeHost(): Promise<WorkerHost> {
  const { Worker } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
  return {
    spawn(onDone, onError) {
      const worker = new Worker(SOURCE, { eval: true });
      worker.on('message', onDone);
      worker.on('error', onError);
      return {
        post: (message) => worker.postMessage(message),
        terminate: async () => { await worker.terminate(); },
      };
    },
    close() { /* nothing beyond the workers */ },
  };
}
