// A character-level language identifier (many-to-one): English, French and Chinese sentences
// from Tatoeba (../shared/data/eng-fra.txt.gz, ../shared/data/cmn.txt), a seeded balanced sample,
// a GRU over characters with mean pooling, held-out accuracy, a confusion matrix, and a few
// sentences classified. Run: npm run demo:langid
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { init, SequenceClassifier, shuffleInPlace } from 'seqwasm';

const PER_LANGUAGE = 3000, MAX_CHARS = 80;
const data = (name: string) => new URL(`../../shared/data/${name}`, import.meta.url);
const engFra = gunzipSync(readFileSync(data('eng-fra.txt.gz'))).toString('utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const cmn = readFileSync(data('cmn.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[1]);

const backend = await init();
backend.seed(7);
const shuffle = <T>(xs: T[]) => shuffleInPlace(xs, () => backend.random());
// English and French from different lines, so the two sets are not translations of each other.
const lines = shuffle(engFra.map((_, i) => i));
const languages = ['English', 'French', 'Chinese'];
const dedupe = (xs: string[]) => Array.from(new Set(xs.map((s) => s.trim()).filter(Boolean)));
const english = dedupe(lines.slice(0, 2 * PER_LANGUAGE).map((i) => engFra[i][0])).slice(0, PER_LANGUAGE);
const french = dedupe(lines.slice(2 * PER_LANGUAGE, 4 * PER_LANGUAGE).map((i) => engFra[i][1])).slice(0, PER_LANGUAGE);
const chinese = shuffle(dedupe(cmn)).slice(0, PER_LANGUAGE);
const examples = shuffle([english, french, chinese].flatMap((set, label) => set.map((text) => ({ text, label }))));
const cut = Math.floor(examples.length * 0.8);
const train = examples.slice(0, cut), heldOut = examples.slice(cut);

// Characters seen at least twice in the training text; every other character is token 0 (unknown).
const counts = new Map<string, number>();
for (const { text } of train) for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
const alphabet = ['<unk>', ...[...counts].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1]).map(([ch]) => ch)];
const id = new Map(alphabet.map((ch, i) => [ch, i]));
const encode = (s: string) => Array.from(s).slice(0, MAX_CHARS).map((ch) => id.get(ch) ?? 0);
console.log(`${examples.length} sentences (${PER_LANGUAGE} per language): ${train.length} to train on, ${heldOut.length} held out; ${alphabet.length} symbols (build: ${backend.build})`);

const model = new SequenceClassifier({ vocabSize: alphabet.length, numClasses: 3, embeddingDim: 24, hiddenSize: 48, cell: 'GRU', pooling: 'mean', seed: 1 });
const t0 = performance.now();
const history = model.fit(train.map((e) => encode(e.text)), train.map((e) => e.label), {
  epochs: 6, batchSize: 32, lr: 1e-2, seed: 2, validationSplit: 0.1, patience: 2,
  onProgress: ({ epoch, batch, batches, loss, tokensPerSecond }) => {
    if (batch % 20 === 0 || batch === batches - 1) process.stderr.write(`\repoch ${epoch + 1} batch ${batch + 1}/${batches} loss ${loss.toFixed(3)} ${Math.round(tokensPerSecond)} chars/s   `);
  },
  onEpochEnd: ({ epoch, loss, valLoss, valAccuracy }) => process.stderr.write(`\repoch ${epoch + 1}: train loss ${loss.toFixed(3)}, validation loss ${valLoss!.toFixed(3)}, accuracy ${(100 * valAccuracy!).toFixed(1)}%                 \n`),
});
const seconds = (performance.now() - t0) / 1000;
console.log(`trained ${history.epochs.length} epochs in ${seconds.toFixed(1)} s (best epoch ${history.bestEpoch + 1})`);

const predicted = model.predict(heldOut.map((e) => encode(e.text)));
const confusion = languages.map(() => languages.map(() => 0));
heldOut.forEach((e, i) => confusion[e.label][predicted[i]]++);
const correct = heldOut.filter((e, i) => predicted[i] === e.label).length;
console.log(`held-out accuracy: ${(100 * correct / heldOut.length).toFixed(2)}% (${correct}/${heldOut.length})`);
console.log(`confusion matrix (rows: true, columns: predicted)\n${''.padEnd(9)}${languages.map((l) => l.padStart(9)).join('')}`);
confusion.forEach((row, i) => console.log(`${languages[i].padEnd(9)}${row.map((n) => String(n).padStart(9)).join('')}`));

const samples = ['The weather is lovely today.', "Je ne sais pas où il est allé.", '我们明天去北京。', 'Where is the train station?', 'Il fait très beau ce matin.', '这本书很有意思。', 'Chocolate', 'Bonjour'];
const probs = model.predictProba(samples.map(encode));
console.log('examples:');
samples.forEach((s, i) => {
  const p = probs[i], best = p.indexOf(Math.max(...p));
  console.log(`  ${languages[best].padEnd(8)} ${(100 * p[best]).toFixed(1).padStart(5)}%  ${s}`);
});
