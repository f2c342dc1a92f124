// Human-readable dates → ISO 8601, the classic attention exercise: "Dienstag, 3. März 1987",
// "3/3/87", "3 mars 1987" … → "1987-03-03". A character-level GRU encoder-decoder with
// attention learns it in a few minutes. Writes the attention map of one example and the
// training curve as SVG, and the model to dates-model/ (try `seqwasm translate --model dates-model`).
//
//   npm run build && npm run demo:dates          (env EPOCHS, TRAIN, SEED to change the run)
import { writeFileSync } from 'node:fs';
import { init, Seq2Seq, Seq2SeqVocabulary as Vocabulary, CosineAnnealingLR, Translator, trainingCurve, type CurvePoint } from 'seqwasm';

const EPOCHS = Number(process.env.EPOCHS ?? 16);
const TRAIN = Number(process.env.TRAIN ?? 20000);
const TEST = 1000;
const SEED = Number(process.env.SEED ?? 1);

const LOCALES = ['en-US', 'en-GB', 'fr-FR', 'de-DE'];
const STYLES: Intl.DateTimeFormatOptions[] = [
  { dateStyle: 'full' }, { dateStyle: 'long' }, { dateStyle: 'medium' }, { dateStyle: 'short' },
  { day: 'numeric', month: 'long', year: 'numeric' },
  { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
  { day: '2-digit', month: '2-digit', year: 'numeric' },
];
// en-US's 2-digit numeric style writes 03/05/1979 for 5 March, which en-GB and fr-FR write for
// 3 May: left in, one date in every ~60 would have two right answers. Everything else is
// unambiguous (en-US's short style, 3/5/79, is told apart by its unpadded fields and 2-digit
// year; 2-digit years map into 1950–2049, the range generated).
const ambiguous = (locale: string, style: Intl.DateTimeFormatOptions) => locale === 'en-US' && style.month === '2-digit';
const formatters = LOCALES.flatMap((l) => STYLES.filter((s) => !ambiguous(l, s)).map((s) => new Intl.DateTimeFormat(l, { ...s, timeZone: 'UTC' })));

function makeDates(n: number, random: () => number, exclude: Set<string>): { src: string[]; tgt: string[] } {
  const src: string[] = [], tgt: string[] = [];
  const lo = Date.UTC(1950, 0, 1), days = 100 * 365.25;
  while (src.length < n) {
    const d = new Date(lo + Math.floor(random() * days) * 86400000);
    const f = formatters[Math.floor(random() * formatters.length)];
    const human = f.format(d).toLowerCase();
    if (exclude.has(human)) continue;
    exclude.add(human);
    src.push(human);
    tgt.push(d.toISOString().slice(0, 10));
  }
  return { src, tgt };
}

const backend = await init();
backend.seed(SEED);
const random = () => backend.random();
const seen = new Set<string>();
const test = makeDates(TEST, random, seen);
const train = makeDates(TRAIN, random, seen);
const srcVocab = Vocabulary.build(train.src, { level: 'char' });
const tgtVocab = Vocabulary.build(train.tgt, { level: 'char' });
console.log(`${TRAIN} training and ${TEST} held-out dates (${LOCALES.join(', ')}; ${STYLES.length} styles), e.g.`);
for (let i = 0; i < 4; i++) console.log(`  ${train.src[i].padEnd(34)} → ${train.tgt[i]}`);

const model = new Seq2Seq({
  srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingDim: 32, hiddenSize: 64,
  cell: 'GRU', bidirectional: true, attention: 'general', maxSourceLength: 64, seed: SEED,
}, backend);
const enc = (v: Vocabulary, xs: string[]) => xs.map((x) => v.encode(x));
const trainSrc = enc(srcVocab, train.src), trainTgt = enc(tgtVocab, train.tgt);
const held = 500; // validation: the last 500 training pairs are held out by fit's split
const t0 = performance.now();
const curve: CurvePoint[] = [];
model.fit(trainSrc.slice(held), trainTgt.slice(held), {
  epochs: EPOCHS, batchSize: 64, lr: 3e-3, clipNorm: 5, seed: SEED,
  // The loss is noisy at a constant rate late in training; annealing it settles the last errors.
  schedule: (opt) => new CosineAnnealingLR(opt, { tMax: EPOCHS, etaMin: 1e-4 }),
  validation: { sources: trainSrc.slice(0, held), targets: trainTgt.slice(0, held) },
  onProgress: (p) => {
    if (p.batch % 10 !== 0 && p.batch !== p.batches - 1) return;
    const frac = (p.batch + 1) / p.batches, w = 30, fill = Math.round(frac * w);
    process.stderr.write(`\repoch ${p.epoch + 1}/${EPOCHS} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s   `);
  },
  onEpochEnd: (e) => {
    curve.push({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss });
    process.stderr.write('\n');
    console.log(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, validation loss ${e.valLoss?.toFixed(4)}, token accuracy ${((e.valAccuracy ?? 0) * 100).toFixed(2)}% (${e.seconds.toFixed(1)} s)`);
  },
});
const trainSeconds = (performance.now() - t0) / 1000;

const testSrc = enc(srcVocab, test.src);
const accuracy = (beam: number) => {
  const t = performance.now();
  let right = 0;
  const outs: string[] = [];
  for (let i = 0; i < testSrc.length; i += 100) {
    for (const h of model.translate(testSrc.slice(i, i + 100), { beam, maxLength: 12 })) outs.push(tgtVocab.decode(h[0].tokens));
  }
  outs.forEach((o, i) => { if (o === test.tgt[i]) right++; });
  return { acc: right / testSrc.length, outs, seconds: (performance.now() - t) / 1000 };
};
const g = accuracy(1), b = accuracy(4);
console.log(`\ntrained in ${trainSeconds.toFixed(0)} s`);
console.log(`held-out exact match: greedy ${(g.acc * 100).toFixed(1)}% (${g.seconds.toFixed(1)} s), beam 4 ${(b.acc * 100).toFixed(1)}% (${b.seconds.toFixed(1)} s)`);
for (let i = 0; i < 8; i++) console.log(`  ${test.src[i].padEnd(34)} → ${b.outs[i]}${b.outs[i] === test.tgt[i] ? '' : `   ✗ (${test.tgt[i]})`}`);

// The attention map of one example (source characters × output characters), the training
// curve, and the model as a directory the CLI can use.
const translator = new Translator(model, srcVocab, tgtVocab);
const ex = Math.max(0, test.src.findIndex((s) => s.length > 20));
const { svg, translation } = translator.heatmap(test.src[ex], { maxLength: 12, title: `"${test.src[ex]}" → ${test.tgt[ex]}` });
writeFileSync('dates-attention.svg', svg);
writeFileSync('dates-training.svg', trainingCurve(curve, { title: 'dates: loss per character' }));
await translator.save('dates-model');
console.log(`attention map of "${test.src[ex]}" → "${translation.text}" written to dates-attention.svg, training curve to dates-training.svg`);
console.log(`model saved to dates-model/; try: echo "${test.src[1]}" | npx seqwasm translate --model dates-model --beam 4`);
console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
