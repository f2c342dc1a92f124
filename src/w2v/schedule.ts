// What both training paths (one thread, and Hogwild threads) compute the same way: the learning
// rate at a point of the run and the progress record.
import type { Progress } from './word2vec.js';

/** word2vec.c's schedule: alpha decays linearly to minAlpha over all words of all epochs. */
export function alphaAfter(words: number, total: number, alpha: number, minAlpha: number): number {
  return Math.max(minAlpha, alpha - (alpha - minAlpha) * (words / Math.max(1, total)));
}

export function progressRecord(r: { epoch: number; epochs: number; done: number; total: number; startMs: number;
                                    alpha: number; loss: number; predictions: number }): Progress {
  const secs = (performance.now() - r.startMs) / 1000;
  const wps = r.done / Math.max(secs, 1e-9);
  return {
    epoch: r.epoch, epochs: r.epochs, wordsDone: r.done, wordsTotal: r.total, wordsPerSec: wps, alpha: r.alpha, loss: r.loss,
    lossPerPrediction: r.predictions > 0 ? r.loss / r.predictions : 0, etaSeconds: wps > 0 ? (r.total - r.done) / wps : Infinity,
  };
}
