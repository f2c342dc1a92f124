// A character-level language model of dinosaur names (../shared/data/dinos.txt): trains an
// LSTM, reports held-out perplexity, and samples new names. Run: npm run demo
import { readFileSync } from 'node:fs';
import { init, LanguageModel, shuffleInPlace } from 'seqwasm';

const path = process.argv[2] ?? new URL('../../shared/data/dinos.txt', import.meta.url);
const names = readFileSync(path, 'utf8').toLowerCase().split('\n').map((s) => s.trim()).filter(Boolean);

// Token 0 is the newline, which starts and ends every name (as in the course this data is from).
const alphabet = ['\n', ...Array.from(new Set(names.join(''))).sort()];
const id = new Map(alphabet.map((ch, i) => [ch, i]));
const encode = (name: string) => [0, ...Array.from(name, (ch) => id.get(ch)!), 0];

const backend = await init();
backend.seed(1);
// A seeded shuffle, then 90% to train on and 10% held out.
const order = shuffleInPlace(names.map((_, i) => i), () => backend.random());
const cut = Math.floor(names.length * 0.9);
const train = order.slice(0, cut).map((i) => encode(names[i]));
const heldOut = order.slice(cut).map((i) => encode(names[i]));
console.log(`${names.length} names, ${alphabet.length} symbols; ${train.length} to train on, ${heldOut.length} held out (build: ${backend.build})`);

const model = new LanguageModel({ vocabSize: alphabet.length, embeddingDim: 32, hiddenSize: 128, cell: 'LSTM' });
console.log(`held-out perplexity before training: ${model.perplexity(heldOut).toFixed(2)} (uniform guessing: ${alphabet.length})`);
// Held-out perplexity bottoms out near epoch 8 on this small set; longer runs memorise names.
const epochs = 8;
const t0 = performance.now();
model.fit(train, {
  epochs, batchSize: 32, lr: 5e-3, seed: 2,
  onProgress: ({ epoch, batch, batches, loss }) => {
    if (batch === batches - 1) {
      const width = 30, done = Math.round(((epoch + 1) / epochs) * width);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] epoch ${epoch + 1}/${epochs} loss ${loss.toFixed(3)} held-out ppl ${model.perplexity(heldOut).toFixed(2)}   `);
      model.train();
    }
  },
});
process.stderr.write('\n');
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out perplexity ${model.perplexity(heldOut).toFixed(2)}`);

const known = new Set(names);
// Twelve names in one batch: every row starts from the boundary token and stops at the next one.
const samples = model.generateBatch(Array.from({ length: 12 }, () => [0]), { maxLength: 30, temperature: 0.8, stopToken: 0, seed: 100 }).map((out) => {
  const name = out.map((t) => alphabet[t]).join('');
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}${known.has(name) ? ' (in the data)' : ''}`;
});
console.log(`sampled names (temperature 0.8):\n  ${samples.join('\n  ')}`);
const greedy = model.generate([0], { maxLength: 30, temperature: 0, stopToken: 0 }).map((t) => alphabet[t]).join('');
console.log(`most likely name (greedy): ${greedy}`);
