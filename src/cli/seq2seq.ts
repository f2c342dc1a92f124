// `seqwasm seq2seq train` trains an attention encoder-decoder on tab-separated pairs and keeps the
// best checkpoint (lowest validation loss) in a model directory; `seqwasm translate` reads one
// and translates lines from a file or standard input.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SeqwasmError, ErrorCode } from '../errors.js';
import type { CliIO } from './io.js';
import { bar, formatDuration } from './progress.js';
import { writeFilesSync } from '../core/files.js';
import { init } from '../node.js';
import { Seq2Seq, type Seq2SeqEpochSummary, type Seq2SeqAttention, type Seq2SeqCell } from '../seq2seq/model.js';
import { Vocabulary, type VocabularyLevel } from '../seq2seq/vocab.js';
import { Translator } from '../seq2seq/translator.js';
import { trainingCurve, type CurvePoint } from '../plot/training-curve.js';
import { CosineAnnealingLR } from '../train/index.js';
import type { LengthPenalty } from '../decode/index.js';

export const TRAIN_HELP = `Usage: seqwasm seq2seq train --data PAIRS.tsv --out MODEL_DIR [options]

Trains a GRU/LSTM encoder-decoder with attention on source<TAB>target lines (further columns
are ignored, so Tatoeba's eng-fra.txt reads as is). After every epoch whose validation loss is
the best so far, MODEL_DIR gets the model (config.json, source-vocab.json, target-vocab.json,
model.safetensors); each epoch also rewrites history.json and training.svg (loss and BLEU).

Data:
  --data FILE             source<TAB>target pairs, one per line (required)
  --out DIR               model directory (required)
  --level char|word       how both sides are split into tokens (word: on whitespace)
  --src-level, --tgt-level   the same for one side
  --lowercase             lower-case both sides
  --min-freq N            leave out tokens seen fewer times (1)
  --max-vocab N           at most N entries per vocabulary, specials included
  --max-length N          skip pairs with a side longer than N tokens (100)
  --validation X          validation share in (0, 1), or a count of pairs ≥ 1 (0.05)
Model:
  --cell gru|lstm         (gru)
  --attention general|dot|additive   (general)
  --embedding N           embedding width (64)
  --hidden N              decoder hidden size (128); the encoder is bidirectional with N/2 per direction
  --layers N              encoder and decoder layers (1)
  --decoder-layers N      decoder layers, if fewer (each starts from one of the top encoder layers)
  --unidirectional        a one-direction encoder with N units
  --no-input-feeding      do not feed the attentional state to the next step
  --dropout X             between layers and on the attentional state (0)
Training:
  --epochs N (10)  --batch-size N (32)  --lr X (0.001, cosine-annealed to lr/100)  --clip X (5)
  --label-smoothing X (0)  --teacher-forcing X (1)  --teacher-forcing-final X (decays linearly to it)
  --patience N            stop after N epochs without a better validation loss (0: never)
  --no-bleu               skip the validation BLEU (greedy decoding) of every epoch
  --seed N (1)  --quiet
`;

export const TRANSLATE_HELP = `Usage: seqwasm translate --model MODEL_DIR [--input FILE] [options]

Translates one sentence per line from FILE (or standard input) and writes one translation per
line. An empty line gives an empty line. With --nbest K > 1, writes K lines per sentence as
"i ||| translation ||| score" (Moses' n-best format, i from 0).

  --model DIR             a directory written by seqwasm seq2seq train (or Translator.save)
  --input FILE            source lines (default: standard input)
  --beam N                beam size (1: greedy)
  --nbest K               hypotheses per sentence (≤ beam; 1)
  --length-penalty P      none, avg[:α] (score / L^α, α = 1) or gnmt:α (GNMT's ((5+L)/6)^α); default none
  --max-length N|a,b      longest output in tokens: N, or ⌊a·srcLen + b⌋ (default 2,10)
  --min-length N|a,b      shortest output in tokens (0)
  --no-repeat-ngram N     never repeat an n-gram of this size (0: off)
  --no-unk                never output <unk> (it is skipped, as Hugging Face's bad_words_ids does)
  --coverage X            β of GNMT's coverage penalty (beam search; 0)
  --sample                sample instead (beam 1), with --temperature X --top-k N --top-p X --seed N
  --batch-size N          sentences decoded together (64)
  --heatmaps DIR          also write DIR/<line>.svg, the attention map of each translation
`;

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], spec: T, help: string) {
  try {
    return parseArgs({ args: argv, options: { ...spec, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new SeqwasmError(ErrorCode.badArgument, `${(e as Error).message}\n\n${help}`);
  }
}

function number(v: string | undefined, name: string, def: number, integer = false): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new SeqwasmError(ErrorCode.badArgument, `--${name} takes ${integer ? 'an integer' : 'a number'}, received ${JSON.stringify(v)}`);
  }
  return x;
}

function choice<T extends string>(v: string | undefined, name: string, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  const x = v.toLowerCase() as T;
  if (!allowed.includes(x)) throw new SeqwasmError(ErrorCode.badArgument, `--${name} takes one of ${allowed.join(', ')}, received ${JSON.stringify(v)}`);
  return x;
}

/** Tab-separated pairs; blank lines are skipped, a line without a tab is an error naming it. */
export function readPairs(text: string, file: string): { src: string[]; tgt: string[] } {
  const src: string[] = [], tgt: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const cols = line.split('\t');
    if (cols.length < 2) throw new SeqwasmError(ErrorCode.badFile, `${file}:${i + 1}: expected source<TAB>target, found no tab`);
    src.push(cols[0].trim());
    tgt.push(cols[1].trim());
  });
  if (src.length === 0) throw new SeqwasmError(ErrorCode.badFile, `${file} holds no pairs`);
  return { src, tgt };
}

const TRAIN_SPEC = {
  data: { type: 'string' }, out: { type: 'string' }, level: { type: 'string' }, 'src-level': { type: 'string' }, 'tgt-level': { type: 'string' },
  lowercase: { type: 'boolean' }, 'min-freq': { type: 'string' }, 'max-vocab': { type: 'string' }, 'max-length': { type: 'string' },
  validation: { type: 'string' }, cell: { type: 'string' }, attention: { type: 'string' }, embedding: { type: 'string' },
  hidden: { type: 'string' }, layers: { type: 'string' }, 'decoder-layers': { type: 'string' }, unidirectional: { type: 'boolean' }, 'no-input-feeding': { type: 'boolean' },
  dropout: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' },
  'label-smoothing': { type: 'string' }, 'teacher-forcing': { type: 'string' }, 'teacher-forcing-final': { type: 'string' },
  patience: { type: 'string' }, 'no-bleu': { type: 'boolean' }, seed: { type: 'string' }, quiet: { type: 'boolean' },
} as const;

async function train(argv: string[], io: CliIO): Promise<number> {
  const o = options(argv, TRAIN_SPEC, TRAIN_HELP);
  if (o.help) { io.stdout(TRAIN_HELP); return 0; }
  if (o.data === undefined || o.out === undefined) throw new SeqwasmError(ErrorCode.badArgument, `--data and --out are required\n\n${TRAIN_HELP}`);
  const levels = ['char', 'word'] as const;
  const level = choice<VocabularyLevel>(o.level, 'level', levels, 'word');
  const srcLevel = choice(o['src-level'], 'src-level', levels, level), tgtLevel = choice(o['tgt-level'], 'tgt-level', levels, level);
  const lowercase = o.lowercase === true, seed = number(o.seed, 'seed', 1, true);
  const maxLength = number(o['max-length'], 'max-length', 100, true);
  const pairs = readPairs(await io.readFile(o.data), o.data);
  const vocabOptions = { minFrequency: number(o['min-freq'], 'min-freq', 1, true), maxSize: o['max-vocab'] === undefined ? undefined : number(o['max-vocab'], 'max-vocab', 0, true), lowercase };
  const srcVocab = Vocabulary.build(pairs.src, { ...vocabOptions, level: srcLevel });
  const tgtVocab = Vocabulary.build(pairs.tgt, { ...vocabOptions, level: tgtLevel });
  const sources: number[][] = [], targets: number[][] = [];
  pairs.src.forEach((s, i) => {
    const x = srcVocab.encode(s), y = tgtVocab.encode(pairs.tgt[i]);
    if (x.length > 0 && x.length <= maxLength && y.length <= maxLength) { sources.push(x); targets.push(y); }
  });
  const skipped = pairs.src.length - sources.length;
  if (sources.length < 2) throw new SeqwasmError(ErrorCode.badFile, `${o.data}: ${sources.length} usable pairs (${skipped} empty or over --max-length ${maxLength}); need at least 2`);
  const val = number(o.validation, 'validation', 0.05);
  if (!(val > 0)) throw new SeqwasmError(ErrorCode.badArgument, `--validation must be a share in (0, 1) or a count ≥ 1, received ${o.validation}`);
  const validationSplit = val < 1 ? val : Math.min(Math.floor(val), sources.length - 1) / sources.length;

  const backend = await init();
  const hidden = number(o.hidden, 'hidden', 128, true), bidirectional = o.unidirectional !== true;
  const layers = number(o.layers, 'layers', 1, true);
  const model = new Seq2Seq({
    srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size,
    embeddingDim: number(o.embedding, 'embedding', 64, true), hiddenSize: hidden,
    numLayers: layers, bidirectional, decoderLayers: number(o['decoder-layers'], 'decoder-layers', layers, true),
    cell: choice(o.cell, 'cell', ['gru', 'lstm'] as const, 'gru').toUpperCase() as Seq2SeqCell,
    attention: choice<Seq2SeqAttention>(o.attention, 'attention', ['general', 'dot', 'additive'], 'general'),
    inputFeeding: o['no-input-feeding'] !== true, dropout: number(o.dropout, 'dropout', 0),
    maxSourceLength: maxLength, seed,
  }, backend);
  const epochs = number(o.epochs, 'epochs', 10, true), lr = number(o.lr, 'lr', 1e-3);
  const tf0 = number(o['teacher-forcing'], 'teacher-forcing', 1), tf1 = number(o['teacher-forcing-final'], 'teacher-forcing-final', tf0);
  const settings = { data: o.data, pairs: sources.length, skipped, epochs, lr, batchSize: number(o['batch-size'], 'batch-size', 32, true) };
  const translator = new Translator(model, srcVocab, tgtVocab, { training: settings });
  const quiet = o.quiet === true, out = o.out;
  if (!quiet) io.stderr(`${sources.length} pairs (${skipped} skipped); vocabularies ${srcVocab.size} source, ${tgtVocab.size} target; ${model.parameters.reduce((a, p) => a + p.value.size, 0)} parameters\n`);
  const curve: CurvePoint[] = [];
  let best = Infinity, drawn = 0;
  const t0 = performance.now();
  const history = model.fit(sources, targets, {
    epochs, lr, batchSize: settings.batchSize, clipNorm: number(o.clip, 'clip', 5), seed, validationSplit,
    labelSmoothing: number(o['label-smoothing'], 'label-smoothing', 0),
    teacherForcing: tf0 === tf1 ? tf0 : ({ epoch }) => tf0 + ((tf1 - tf0) * epoch) / Math.max(1, epochs - 1),
    patience: number(o.patience, 'patience', 0, true), bleu: o['no-bleu'] !== true && ((ids) => tgtVocab.decode(ids)),
    schedule: (opt) => new CosineAnnealingLR(opt, { tMax: epochs, etaMin: lr / 100 }),
    onProgress: quiet ? undefined : (p) => {
      const now = performance.now();
      if (now - drawn < 250 && p.batch !== p.batches - 1) return; // redraw at most 4 times a second
      drawn = now;
      io.stderr(`\repoch ${p.epoch + 1}/${epochs} ${bar((p.batch + 1) / p.batches)} loss ${p.loss.toFixed(3)}  ${Math.round(p.tokensPerSecond)} tokens/s  ${formatDuration((performance.now() - t0) / 1000)}   `);
    },
    onEpochEnd: (e: Seq2SeqEpochSummary) => {
      curve.push({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss, valBleu: e.valBleu });
      const improved = e.valLoss !== undefined && e.valLoss < best;
      if (improved) best = e.valLoss!;
      // The best model so far is on disk after every epoch, so an interrupted run keeps it.
      writeFilesSync(fs, out, {
        ...(improved ? translator.toFiles() : {}),
        'history.json': JSON.stringify(curve, null, 1) + '\n',
        'training.svg': trainingCurve(curve, { title: `seqwasm seq2seq train: ${o.data}` }),
      });
      if (!quiet) {
        io.stderr(`\repoch ${e.epoch + 1}/${epochs}: loss ${e.loss.toFixed(4)}, validation loss ${e.valLoss?.toFixed(4)}, ` +
          `token accuracy ${((e.valAccuracy ?? 0) * 100).toFixed(1)}%${e.valBleu !== undefined ? `, BLEU ${e.valBleu.toFixed(2)}` : ''} ` +
          `(${e.seconds.toFixed(1)} s)${improved ? `, saved to ${out}` : ''}          \n`);
      }
    },
  });
  if (!quiet) io.stderr(`trained ${history.epochs.length} epochs in ${formatDuration((performance.now() - t0) / 1000)}; best validation loss ${best.toFixed(4)}\n`);
  model.release();
  return 0;
}

function lengthLimit(v: string | undefined, name: string, def: number | { a: number; b: number }) {
  if (v === undefined) return def;
  const parts = v.split(',');
  if (parts.length === 1) return number(v, name, 0, true);
  if (parts.length === 2) return { a: number(parts[0], name, 0), b: number(parts[1], name, 0) };
  throw new SeqwasmError(ErrorCode.badArgument, `--${name} takes N or a,b, received ${JSON.stringify(v)}`);
}

function lengthPenalty(v: string | undefined): LengthPenalty | undefined {
  if (v === undefined || v === 'none') return v === undefined ? undefined : { type: 'none' };
  const m = /^(avg|gnmt)(?::(.+))?$/.exec(v);
  if (m === null || (m[1] === 'gnmt' && m[2] === undefined)) {
    throw new SeqwasmError(ErrorCode.badArgument, `--length-penalty takes none, avg[:α] or gnmt:α, received ${JSON.stringify(v)}`);
  }
  const alpha = m[2] === undefined ? undefined : number(m[2], 'length-penalty', 0);
  return m[1] === 'avg' ? { type: 'average', alpha } : { type: 'gnmt', alpha: alpha! };
}

const TRANSLATE_SPEC = {
  model: { type: 'string' }, input: { type: 'string' }, beam: { type: 'string' }, nbest: { type: 'string' },
  'length-penalty': { type: 'string' }, 'max-length': { type: 'string' }, 'min-length': { type: 'string' },
  'no-repeat-ngram': { type: 'string' }, 'no-unk': { type: 'boolean' }, coverage: { type: 'string' }, sample: { type: 'boolean' }, temperature: { type: 'string' },
  'top-k': { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' }, 'batch-size': { type: 'string' }, heatmaps: { type: 'string' },
} as const;

export async function translateCommand(argv: string[], io: CliIO): Promise<number> {
  const o = options(argv, TRANSLATE_SPEC, TRANSLATE_HELP);
  if (o.help) { io.stdout(TRANSLATE_HELP); return 0; }
  if (o.model === undefined) throw new SeqwasmError(ErrorCode.badArgument, `--model is required\n\n${TRANSLATE_HELP}`);
  const backend = await init();
  const translator = await Translator.load(o.model, backend);
  const nbest = number(o.nbest, 'nbest', 1, true);
  const decode = {
    beam: number(o.beam, 'beam', 1, true), nbest, lengthPenalty: lengthPenalty(o['length-penalty']),
    maxLength: lengthLimit(o['max-length'], 'max-length', { a: 2, b: 10 }), minLength: lengthLimit(o['min-length'], 'min-length', 0),
    noRepeatNgramSize: number(o['no-repeat-ngram'], 'no-repeat-ngram', 0, true), coveragePenalty: number(o.coverage, 'coverage', 0),
    returnAttention: o.heatmaps !== undefined,
    bannedTokens: [translator.target.pad, translator.target.bos, ...(o['no-unk'] && translator.target.unk >= 0 ? [translator.target.unk] : [])],
    sample: o.sample ? { temperature: number(o.temperature, 'temperature', 1), topK: number(o['top-k'], 'top-k', 0, true), topP: number(o['top-p'], 'top-p', 1), seed: number(o.seed, 'seed', 1, true) } : undefined,
  };
  const batchSize = number(o['batch-size'], 'batch-size', 64, true);
  if (batchSize < 1) throw new SeqwasmError(ErrorCode.badArgument, `--batch-size must be ≥ 1, received ${batchSize}`);
  const text = o.input === undefined ? await io.readStdin() : await io.readFile(o.input);
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const where = o.input ?? 'stdin';
  for (let i = 0; i < lines.length; i += batchSize) {
    const chunk = lines.slice(i, i + batchSize);
    // Empty lines (no tokens) pass through as empty lines; the rest are decoded together.
    const live = chunk.map((l, j) => j).filter((j) => translator.source.tokenize(chunk[j]).length > 0);
    let results: ReturnType<Translator['translate']> = [];
    try {
      if (live.length > 0) results = translator.translate(live.map((j) => chunk[j]), decode);
    } catch (e) {
      // Name the line: the translator only knows positions within the batch.
      const m = e instanceof SeqwasmError ? /^texts\[(\d+)\](.*)$/s.exec(e.message) : null;
      if (m) throw new SeqwasmError((e as SeqwasmError).code, `${where}:${i + live[Number(m[1])] + 1}${m[2]}`);
      throw e;
    }
    let r = 0;
    chunk.forEach((line, j) => {
      const hyps = live.includes(j) ? results[r++] : [];
      if (nbest === 1) io.stdout(`${hyps[0]?.text ?? ''}\n`);
      else for (const h of hyps) io.stdout(`${i + j} ||| ${h.text} ||| ${h.score.toFixed(4)}\n`);
      if (o.heatmaps !== undefined && hyps.length > 0) {
        writeFilesSync(fs, o.heatmaps, { [`${i + j + 1}.svg`]: translator.attentionSvg(line, hyps[0], { title: line }) });
      }
    });
  }
  translator.release();
  return 0;
}

export async function seq2seqCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest, io);
  if (sub === undefined || sub === '-h' || sub === '--help') { io.stdout(`${TRAIN_HELP}\nTo translate with a trained model: seqwasm translate --help\n`); return 0; }
  io.stderr(`seqwasm seq2seq: unknown subcommand '${sub}' (expected train)\n`);
  return 2;
}
