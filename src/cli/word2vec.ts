// `seqwasm word2vec train|query`: word2vec.c's command line (its option names and defaults) over
// seqwasm's Word2Vec, and queries / evaluations on saved vectors.
import { SeqwasmError } from '../errors.js';
import type { CliIO } from './io.js';
import { bar, formatDuration } from './progress.js';
import { writeFileAtomic } from '../core/files.js';

const HELP = `Usage: seqwasm word2vec train -train FILE -output FILE [options]
       seqwasm word2vec query -vectors FILE [query]

train (word2vec.c's options and defaults):
  -train FILE        text corpus (whitespace-separated words; lines end sentences)
  -output FILE       where to write the vectors (written to a temporary name, then renamed)
  -size N            vector size (100)
  -window N          max skip length between words (5)
  -sample X          subsampling threshold (1e-3; 0 = off)
  -hs 0|1            hierarchical softmax (0)
  -negative N        negative examples (5; 0 = off)
  -threads N         worker threads (12 in word2vec.c; here min(12, cores)); 1 = reproducible
  -iter N            epochs (5)
  -min-count N       discard words rarer than this (5)
  -alpha X           starting learning rate (0.025 skip-gram, 0.05 CBOW)
  -cbow 0|1          1 = CBOW (default), 0 = skip-gram
  -binary 0|1        binary output (0)
  -save-vocab FILE   write "word count" lines
  -read-vocab FILE   read "word count" lines instead of counting the corpus
  -seed N            random seed (1)
  -min-alpha X       final learning rate (alpha · 1e-4)
  -max-final-vocab N keep at most N words (gensim's max_final_vocab)
  -quiet             no progress bar

query:
  -vectors FILE      word2vec file (binary if it ends in .bin, or give -binary 0|1)
  -limit N           read only the first N vectors
  -similar WORD      nearest words
  -analogy A B C     A is to B as C is to ? (B − A + C, 3CosAdd; -cosmul for 3CosMul)
  -topn N            answers to print (10)
  -eval-analogies FILE [-restrict N]   analogy accuracy (gensim's evaluate_word_analogies; N = 30000)
  -eval-pairs FILE   Pearson/Spearman on a word-similarity file (word1<TAB>word2<TAB>score)
`;

type Opts = Map<string, string[]>;

function parse(argv: string[]): Opts {
  const o: Opts = new Map();
  let key: string | null = null;
  for (const a of argv) {
    if (/^-[a-z]/i.test(a) && !/^-\d/.test(a)) { key = a.replace(/^-+/, ''); o.set(key, []); continue; }
    if (key === null) throw new SeqwasmError('bad_argument', `unexpected argument ${JSON.stringify(a)} (see seqwasm word2vec --help)`);
    o.get(key)!.push(a);
  }
  return o;
}

function num(o: Opts, k: string, def: number, integer = true): number {
  const v = o.get(k);
  if (v === undefined) return def;
  const x = Number(v[0]);
  if (v.length !== 1 || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new SeqwasmError('bad_argument', `-${k} takes one ${integer ? 'integer' : 'number'}, received ${JSON.stringify(v.join(' '))}`);
  }
  return x;
}
function str(o: Opts, k: string, required = false): string | undefined {
  const v = o.get(k);
  if (v === undefined) { if (required) throw new SeqwasmError('bad_argument', `-${k} FILE is required`); return undefined; }
  if (v.length !== 1) throw new SeqwasmError('bad_argument', `-${k} takes one value, received ${v.length}`);
  return v[0];
}

const TRAIN_KEYS = new Set(['train', 'output', 'size', 'window', 'sample', 'hs', 'negative', 'threads', 'iter', 'min-count', 'alpha',
  'cbow', 'binary', 'save-vocab', 'read-vocab', 'seed', 'min-alpha', 'max-final-vocab', 'quiet']);
const QUERY_KEYS = new Set(['vectors', 'binary', 'limit', 'similar', 'analogy', 'cosmul', 'topn', 'eval-analogies', 'restrict', 'eval-pairs']);

async function train(o: Opts, io: CliIO): Promise<number> {
  for (const k of o.keys()) if (!TRAIN_KEYS.has(k)) throw new SeqwasmError('bad_argument', `unknown option -${k} for train (see seqwasm word2vec --help)`);
  const input = str(o, 'train', true)!;
  const output = str(o, 'output', true)!;
  const { createBackend } = await import('../node.js');
  const { Word2Vec } = await import('../w2v/word2vec.js');
  const { availableParallelism } = await import('node:os');
  const cbow = num(o, 'cbow', 1) !== 0;
  let vocabulary: Array<[string, number]> | undefined;
  const readVocab = str(o, 'read-vocab');
  if (readVocab) {
    vocabulary = [];
    for (const [i, line] of (await io.readFile(readVocab)).split('\n').entries()) {
      if (line.trim() === '') continue;
      const [w, c] = line.trim().split(/\s+/);
      const n = Number(c);
      if (!w || !Number.isFinite(n)) throw new SeqwasmError('bad_file', `${readVocab} line ${i + 1}: expected "word count", received ${JSON.stringify(line.slice(0, 60))}`);
      if (w !== '</s>') vocabulary.push([w, n]);
    }
  }
  const quiet = o.has('quiet');
  const backend = await createBackend();
  let threads = num(o, 'threads', Math.min(12, availableParallelism()));
  if (threads > 1 && !o.has('threads')) {
    // The default uses threads only where the shared-memory build is installed.
    const { sharedBuildAvailable } = await import('../w2v/threads.js');
    if (!(await sharedBuildAvailable(backend.build))) threads = 1;
  }
  const alpha = o.has('alpha') ? num(o, 'alpha', 0, false) : undefined;
  const model = new Word2Vec({
    backend, model: cbow ? 'cbow' : 'skipgram', vectorSize: num(o, 'size', 100), window: num(o, 'window', 5),
    sample: num(o, 'sample', 1e-3, false), hs: num(o, 'hs', 0) !== 0, negative: num(o, 'negative', 5),
    threads, epochs: num(o, 'iter', 5), minCount: num(o, 'min-count', 5),
    alpha, minAlpha: o.has('min-alpha') ? num(o, 'min-alpha', 0, false) : undefined, seed: num(o, 'seed', 1),
    maxFinalVocab: o.has('max-final-vocab') ? num(o, 'max-final-vocab', 0) : undefined, vocabulary,
  });
  const vocab = await model.buildVocab(input);
  if (!quiet) io.stderr(`Vocab size: ${vocab.size}\nWords in train file: ${model.corpusWords}\n`);
  const saveVocab = str(o, 'save-vocab');
  if (saveVocab) await writeFileAtomic(saveVocab, vocab.words.map((w, i) => `${w} ${vocab.counts[i]}\n`).join(''));
  const r = await model.train(input, {
    onProgress: quiet ? undefined : (p) => {
      const pct = (100 * p.wordsDone) / Math.max(1, p.wordsTotal);
      io.stderr(`\r${bar(pct / 100)} ${pct.toFixed(1).padStart(5)}%  epoch ${p.epoch + 1}/${p.epochs}  ` +
        `alpha ${p.alpha.toFixed(6)}  ${(p.wordsPerSec / 1000).toFixed(1)}k words/s  loss ${p.lossPerPrediction.toFixed(4)}  ETA ${formatDuration(p.etaSeconds)}   `);
    },
  });
  if (!quiet) io.stderr(`\ntrained in ${r.seconds.toFixed(1)} s (${Math.round(r.wordsPerSec)} words/s)\n`);
  await model.wv.save(output, { binary: num(o, 'binary', 0) !== 0 });
  model.dispose();
  return 0;
}

async function query(o: Opts, io: CliIO): Promise<number> {
  for (const k of o.keys()) if (!QUERY_KEYS.has(k)) throw new SeqwasmError('bad_argument', `unknown option -${k} for query (see seqwasm word2vec --help)`);
  const path = str(o, 'vectors', true)!;
  const { createBackend } = await import('../node.js');
  const { KeyedVectors } = await import('../w2v/keyed_vectors.js');
  const backend = await createBackend();
  const kv = await KeyedVectors.load(path, {
    backend, binary: o.has('binary') ? num(o, 'binary', 0) !== 0 : undefined, limit: o.has('limit') ? num(o, 'limit', 0) : undefined,
  });
  const topn = num(o, 'topn', 10);
  const print = (rows: Array<[string, number]>) => { for (const [w, s] of rows) io.stdout(`${w}\t${s.toFixed(6)}\n`); };
  let did = false;
  if (o.has('similar')) {
    print(kv.mostSimilar({ positive: o.get('similar')!, topn }));
    did = true;
  }
  if (o.has('analogy')) {
    const a = o.get('analogy')!;
    if (a.length !== 3) throw new SeqwasmError('bad_argument', `-analogy takes three words A B C, received ${a.length}`);
    const args = { positive: [a[1], a[2]], negative: [a[0]], topn };
    print(o.has('cosmul') ? kv.mostSimilarCosmul(args) : kv.mostSimilar(args));
    did = true;
  }
  const evalA = str(o, 'eval-analogies');
  if (evalA) {
    const r = kv.evaluateWordAnalogies(await io.readFile(evalA), { restrictVocab: num(o, 'restrict', 30000) });
    for (const s of r.sections) {
      const n = s.correct.length + s.incorrect.length;
      io.stdout(`${s.section.padEnd(28)} ${(n ? (100 * s.correct.length) / n : 0).toFixed(2).padStart(6)}%  (${s.correct.length}/${n})\n`);
    }
    io.stdout(`questions evaluated: ${r.evaluated} of ${r.questions} (${r.skipped} skipped: out of the first ${num(o, 'restrict', 30000)} words)\n`);
    did = true;
  }
  const evalP = str(o, 'eval-pairs');
  if (evalP) {
    const r = kv.evaluateWordPairs(await io.readFile(evalP));
    io.stdout(`pearson ${r.pearson.toFixed(4)} (p ${r.pearsonPValue.toExponential(2)})  spearman ${r.spearman.toFixed(4)} (p ${r.spearmanPValue.toExponential(2)})  pairs ${r.pairs}  oov ${r.oovRatio.toFixed(2)}%\n`);
    did = true;
  }
  if (!did) throw new SeqwasmError('bad_argument', 'query needs -similar, -analogy, -eval-analogies or -eval-pairs');
  kv.dispose();
  return 0;
}

export async function word2vecCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') { io.stdout(HELP); return sub === undefined ? 2 : 0; }
  try {
    if (rest.includes('-h') || rest.includes('--help')) { io.stdout(HELP); return 0; }
    if (sub === 'train') return await train(parse(rest), io);
    if (sub === 'query') return await query(parse(rest), io);
    io.stderr(`seqwasm word2vec: unknown subcommand ${JSON.stringify(sub)} (train or query)\n`);
    return 2;
  } catch (e) {
    if (e instanceof SeqwasmError) { io.stderr(`seqwasm word2vec: ${e.message}\n`); return 1; }
    throw e;
  }
}
