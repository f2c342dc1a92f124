// A word segmenter (many-to-many): English Wikipedia text (../shared/data/enwiki2015-text8style.gz,
// only the first ~1.5 MB of the decompressed stream) with its spaces removed; every character is
// tagged "a word ends after this character", and a bidirectional LSTM tagger learns to put the
// spaces back. Reports held-out precision/recall/F1 of word boundaries and segments a few strings.
// Run: npm run demo:segmenter
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { init, SequenceTagger } from 'seqwasm';

const BYTES = 1_500_000, WINDOW = 48;
async function readPrefix(url: URL, bytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  const gunzip = createReadStream(url).pipe(createGunzip());
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    n += chunk.length;
    if (n >= bytes) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, bytes).toString('latin1');
}
const text = await readPrefix(new URL('../../shared/data/enwiki2015-text8style.gz', import.meta.url), BYTES);
const words = text.split(' ').filter((w) => /^[a-z]+$/.test(w));

// Windows of whole words, at most WINDOW letters once the spaces are gone.
const windows: string[][] = [];
for (let i = 0; i < words.length;) {
  const w: string[] = [];
  let len = 0;
  while (i < words.length && len + words[i].length <= WINDOW) { len += words[i].length; w.push(words[i++]); }
  if (w.length === 0) { i++; continue; }
  windows.push(w);
}
const encode = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0) - 97);
const tagsOf = (w: string[]) => w.flatMap((word) => Array.from(word, (_, j) => (j === word.length - 1 ? 1 : 0)));

const backend = await init();
// The first 90% of the text to train on, the rest held out (contiguous, so no sentence is in both).
const cut = Math.floor(windows.length * 0.9);
const train = windows.slice(0, cut), heldOut = windows.slice(cut);
console.log(`${(BYTES / 1e6).toFixed(1)} MB of text: ${words.length} words in ${windows.length} windows of ≤ ${WINDOW} letters; ${train.length} to train on, ${heldOut.length} held out (build: ${backend.build})`);

const model = new SequenceTagger({ vocabSize: 26, numTags: 2, embeddingDim: 16, hiddenSize: 64, cell: 'LSTM', seed: 1 });
const t0 = performance.now();
const history = model.fit(train.map((w) => encode(w.join(''))), train.map(tagsOf), {
  epochs: 4, batchSize: 32, lr: 1e-2, seed: 2, validationSplit: 0.05, patience: 2,
  onProgress: ({ epoch, batch, batches, loss, tokensPerSecond }) => {
    if (batch % 25 === 0) process.stderr.write(`\repoch ${epoch + 1} batch ${batch + 1}/${batches} loss ${loss.toFixed(3)} ${Math.round(tokensPerSecond)} chars/s   `);
  },
  onEpochEnd: ({ epoch, loss, valLoss, valAccuracy, tokensPerSecond }) =>
    process.stderr.write(`\repoch ${epoch + 1}: train loss ${loss.toFixed(4)}, validation loss ${valLoss!.toFixed(4)}, per-letter accuracy ${(100 * valAccuracy!).toFixed(2)}%, ${Math.round(tokensPerSecond)} chars/s\n`),
});
console.log(`trained ${history.epochs.length} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s (best epoch ${history.bestEpoch + 1})`);

// Word boundaries inside each window (its last letter always ends a word and is not counted).
const predicted = model.predict(heldOut.map((w) => encode(w.join(''))));
let tp = 0, fp = 0, fn = 0;
heldOut.forEach((w, i) => {
  const gold = tagsOf(w);
  for (let t = 0; t < gold.length - 1; t++) {
    if (predicted[i][t] === 1 && gold[t] === 1) tp++;
    else if (predicted[i][t] === 1) fp++;
    else if (gold[t] === 1) fn++;
  }
});
const precision = tp / (tp + fp), recall = tp / (tp + fn), f1 = (2 * precision * recall) / (precision + recall);
console.log(`held-out word boundaries: precision ${(100 * precision).toFixed(2)}%, recall ${(100 * recall).toFixed(2)}%, F1 ${(100 * f1).toFixed(2)}% (${tp + fn} boundaries)`);

const segment = (s: string) => {
  const tags = model.predict([encode(s)])[0];
  return Array.from(s).map((ch, i) => (tags[i] === 1 && i < s.length - 1 ? `${ch} ` : ch)).join('');
};
console.log('segmented:');
for (const w of heldOut.slice(0, 4)) console.log(`  ${segment(w.join(''))}\n    (gold: ${w.join(' ')})`);
for (const s of ['thequickbrownfoxjumpsoverthelazydog', 'machinelearningisfun', 'webassemblyrunsinthebrowser']) console.log(`  ${segment(s)}`);
