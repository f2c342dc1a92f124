// `seqwasm bleu REF [REF...] -i HYP [HYP...]`: BLEU, chrF and TER from text files, taking the
// arguments sacreBLEU's command line takes. One system prints its scores with their signatures;
// several print a table, with paired significance tests against the first when asked.
import { SeqwasmError } from '../errors.js';
import { BLEU, bleuVerbose, type BleuScore, type SmoothMethod } from '../metrics/bleu.js';
import { CHRF } from '../metrics/chrf.js';
import type { ReferenceMetric, RefStreams, Score } from '../metrics/metric.js';
import {
  bootstrapConfidence,
  DEFAULT_AR_TRIALS,
  DEFAULT_BOOTSTRAP_SAMPLES,
  DEFAULT_SEED,
  pairedTest,
  type PairedResult,
} from '../metrics/significance.js';
import type { ResamplingInfo } from '../metrics/signature.js';
import { TER } from '../metrics/ter.js';
import type { TokenizerName } from '../metrics/tokenizers.js';
import type { CliIO } from './io.js';

const HELP = `Usage: seqwasm bleu REF [REF...] [-i HYP [HYP...]] [options]
       seqwasm bleu REFS.tsv -nr N -i HYP        (one file, N tab-separated references a line)

Scores hypotheses (stdin when -i is absent) against references with sacreBLEU 2.x semantics.

  -i, --input FILE...          system outputs; several print a table (the first is the baseline)
  -nr, --num-refs N            split each reference line on tabs into N references
  -m, --metrics M...           bleu chrf ter (default: bleu)
  -tok, --tokenize NAME        13a (default), intl, zh, char, none
  -lc, --lowercase             case-insensitive BLEU
  -s, --smooth-method M        exp (default), floor, add-k, none
  -sv, --smooth-value X        value for floor (0.1) and add-k (1)
  --max-ngram-order N          BLEU's maximum n-gram order (default 4)
  --effective-order            average BLEU over the orders that have n-grams
  -cc, --chrf-char-order N     default 6
  -cw, --chrf-word-order N     default 0; 2 is chrF++
  --chrf-beta X                default 2
  --chrf-whitespace            keep whitespace in character n-grams
  --chrf-lowercase             case-insensitive chrF
  --chrf-eps-smoothing         chrF++.py / NLTK / Moses smoothing
  --ter-case-sensitive         TER lowercases unless given
  --ter-normalized             tercom's normalisation and punctuation tokenization
  --ter-no-punct               remove punctuation
  --ter-asian-support          CJK handling for --ter-normalized / --ter-no-punct
  -ci, --confidence            95% bootstrap confidence interval
  -cin, --confidence-n N       bootstrap samples for -ci (default ${DEFAULT_BOOTSTRAP_SAMPLES})
  --paired-bs                  paired bootstrap resampling against the first system
  --paired-bs-n N              resamples (default ${DEFAULT_BOOTSTRAP_SAMPLES})
  --paired-ar                  paired approximate randomization against the first system
  --paired-ar-n N              trials (default ${DEFAULT_AR_TRIALS})
  --seed N                     resampling seed (default ${DEFAULT_SEED})
  -f, --format json|text       default json
  -b, --score-only             print the score only
  -w, --width N                decimals (default 1)
  -sh, --short                 short signature
  -e, --encoding utf-8         input encoding (UTF-8 is the only one read)
  -h, --help
`;

interface Args {
  refs: string[];
  inputs: string[];
  numRefs: number;
  metrics: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

// Every option by each of its spellings; `kind` says how many values it takes.
type Kind = 'flag' | 'value' | 'list';
const OPTIONS: [names: string[], key: string, kind: Kind][] = [
  [['-i', '--input'], 'input', 'list'],
  [['-m', '--metrics'], 'metrics', 'list'],
  [['-nr', '--num-refs'], 'num-refs', 'value'],
  [['-tok', '--tokenize'], 'tokenize', 'value'],
  [['-lc', '--lowercase'], 'lowercase', 'flag'],
  [['-s', '--smooth-method'], 'smooth-method', 'value'],
  [['-sv', '--smooth-value'], 'smooth-value', 'value'],
  [['--max-ngram-order'], 'max-ngram-order', 'value'],
  [['--effective-order'], 'effective-order', 'flag'],
  [['-cc', '--chrf-char-order'], 'chrf-char-order', 'value'],
  [['-cw', '--chrf-word-order'], 'chrf-word-order', 'value'],
  [['--chrf-beta'], 'chrf-beta', 'value'],
  [['--chrf-whitespace'], 'chrf-whitespace', 'flag'],
  [['--chrf-lowercase'], 'chrf-lowercase', 'flag'],
  [['--chrf-eps-smoothing'], 'chrf-eps-smoothing', 'flag'],
  [['--ter-case-sensitive'], 'ter-case-sensitive', 'flag'],
  [['--ter-normalized'], 'ter-normalized', 'flag'],
  [['--ter-no-punct'], 'ter-no-punct', 'flag'],
  [['--ter-asian-support'], 'ter-asian-support', 'flag'],
  [['-ci', '--confidence'], 'confidence', 'flag'],
  [['-cin', '--confidence-n'], 'confidence-n', 'value'],
  [['--paired-bs'], 'paired-bs', 'flag'],
  [['--paired-bs-n'], 'paired-bs-n', 'value'],
  [['--paired-ar'], 'paired-ar', 'flag'],
  [['--paired-ar-n'], 'paired-ar-n', 'value'],
  [['--seed'], 'seed', 'value'],
  [['-f', '--format'], 'format', 'value'],
  [['-b', '--score-only'], 'score-only', 'flag'],
  [['-w', '--width'], 'width', 'value'],
  [['-sh', '--short'], 'short', 'flag'],
  [['-e', '--encoding'], 'encoding', 'value'],
  [['-h', '--help'], 'help', 'flag'],
];

const badArg = (message: string): SeqwasmError => new SeqwasmError('bad_argument', `${message}`);

function parseArgs(argv: string[]): Args {
  const args: Args = { refs: [], inputs: [], numRefs: 1, metrics: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      args.refs.push(a);
      continue;
    }
    const opt = OPTIONS.find(([names]) => names.includes(a));
    if (opt === undefined) throw badArg(`unknown option ${a}; expected one of those in \`seqwasm bleu --help\``);
    const [, key, kind] = opt;
    if (kind === 'flag') {
      args.flags.add(key);
    } else if (kind === 'value') {
      if (i + 1 >= argv.length) throw badArg(`${a} expects a value, received none`);
      args.values.set(key, argv[++i]);
    } else {
      const list: string[] = [];
      while (i + 1 < argv.length && (!argv[i + 1].startsWith('-') || argv[i + 1] === '-')) list.push(argv[++i]);
      if (list.length === 0) throw badArg(`${a} expects at least one value, received none`);
      (key === 'input' ? args.inputs : args.metrics).push(...list);
    }
  }
  return args;
}

function intValue(args: Args, key: string, fallback: number, min: number): number {
  const raw = args.values.get(key);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw badArg(`--${key} expects an integer >= ${min}, received ${JSON.stringify(raw)}`);
  return v;
}

function numberValue(args: Args, key: string): number | undefined {
  const raw = args.values.get(key);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw badArg(`--${key} expects a number, received ${JSON.stringify(raw)}`);
  return v;
}

function choice<T extends string>(args: Args, key: string, allowed: readonly T[], fallback: T): T {
  const raw = args.values.get(key) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw badArg(`--${key} expects one of ${allowed.join(', ')}, received ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** Lines as Python iterates a file opened with newline='\n': only '\n' ends a line. */
function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

async function readLines(io: CliIO, path: string, what: string): Promise<string[]> {
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : await io.readFile(path);
  } catch (err) {
    throw new SeqwasmError(
      'bad_file',
      `cannot read ${what} ${JSON.stringify(path)}: expected a readable UTF-8 text file, ` +
        `received ${(err as Error).message}`,
    );
  }
  return lines(text);
}

async function readReferences(io: CliIO, args: Args): Promise<RefStreams> {
  if (args.refs.length === 0) throw badArg('expected at least one reference file, received none');
  const files = await Promise.all(args.refs.map((p) => readLines(io, p, 'reference file')));
  if (args.numRefs === 1) {
    files.forEach((f, k) => {
      if (f.length !== files[0].length) {
        throw new SeqwasmError(
          'line_count_mismatch',
          `reference files ${args.refs[0]} and ${args.refs[k]} have ${files[0].length} and ` +
            `${f.length} lines; expected the same number`,
        );
      }
    });
    return files;
  }
  if (files.length !== 1) {
    throw badArg(`--num-refs expects a single tab-separated reference file, received ${files.length} files`);
  }
  const streams: string[][] = Array.from({ length: args.numRefs }, () => []);
  files[0].forEach((line, i) => {
    const fields = line.split('\t');
    if (fields.length !== args.numRefs) {
      throw new SeqwasmError(
        'line_count_mismatch',
        `${args.refs[0]} line ${i + 1}: expected ${args.numRefs} tab-separated references, ` +
          `received ${fields.length}`,
      );
    }
    fields.forEach((f, k) => streams[k].push(f));
  });
  return streams;
}

type AnyMetric = ReferenceMetric<unknown, Score>;

/** The metrics asked for, validating their options before any file is read. */
function buildMetrics(args: Args): AnyMetric[] {
  const names = args.metrics.length > 0 ? args.metrics : ['bleu'];
  return names.map((name): AnyMetric => {
    switch (name) {
      case 'bleu':
        return new BLEU({
          tokenize: choice<TokenizerName>(args, 'tokenize', ['13a', 'intl', 'zh', 'char', 'none'], '13a'),
          lowercase: args.flags.has('lowercase'),
          smoothMethod: choice<SmoothMethod>(args, 'smooth-method', ['exp', 'floor', 'add-k', 'none'], 'exp'),
          smoothValue: numberValue(args, 'smooth-value'),
          maxNgramOrder: intValue(args, 'max-ngram-order', 4, 1),
          effectiveOrder: args.flags.has('effective-order'),
        });
      case 'chrf':
        return new CHRF({
          charOrder: intValue(args, 'chrf-char-order', 6, 0),
          wordOrder: intValue(args, 'chrf-word-order', 0, 0),
          beta: numberValue(args, 'chrf-beta'),
          whitespace: args.flags.has('chrf-whitespace'),
          lowercase: args.flags.has('chrf-lowercase'),
          epsSmoothing: args.flags.has('chrf-eps-smoothing'),
        });
      case 'ter':
        return new TER({
          caseSensitive: args.flags.has('ter-case-sensitive'),
          normalized: args.flags.has('ter-normalized'),
          noPunct: args.flags.has('ter-no-punct'),
          asianSupport: args.flags.has('ter-asian-support'),
        });
      default:
        throw badArg(`-m expects bleu, chrf or ter, received ${JSON.stringify(name)}`);
    }
  });
}

interface Shown {
  score: Score;
  signature: string;
  mean?: number;
  ci?: number;
}

/** sacreBLEU's one-line text form: NAME|signature = score (μ = mean ± ci) verbose. */
function textLine(s: Shown, width: number): string {
  let line = `${s.score.name}|${s.signature} = ${s.score.score.toFixed(width)}`;
  if (s.mean !== undefined && s.ci !== undefined) line += ` (μ = ${s.mean.toFixed(width)} ± ${s.ci.toFixed(width)})`;
  if (s.score.name === 'BLEU') line += ` ${bleuVerbose(s.score as BleuScore)}`;
  return line;
}

/** sacreBLEU's JSON form: name, score, signature, the signature's fields, then the extras. */
function jsonObject(s: Shown, width: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    name: s.score.name,
    score: Number(s.score.score.toFixed(width)),
    signature: s.signature,
  };
  for (const part of s.signature.split('|')) {
    const [k, v] = part.split(':');
    o[k] = v;
  }
  if (s.score.name === 'BLEU') o.verbose_score = bleuVerbose(s.score as BleuScore);
  if (s.mean !== undefined && s.ci !== undefined) {
    o.confidence_mean = Number(s.mean.toFixed(width));
    o.confidence_var = Number(s.ci.toFixed(width));
  }
  return o;
}

function resamplingInfo(args: Args, seed: number): ResamplingInfo {
  if (args.flags.has('paired-bs')) return { bootstrap: intValue(args, 'paired-bs-n', DEFAULT_BOOTSTRAP_SAMPLES, 1), seed };
  if (args.flags.has('paired-ar')) return { randomization: intValue(args, 'paired-ar-n', DEFAULT_AR_TRIALS, 1), seed };
  if (args.flags.has('confidence')) return { bootstrap: intValue(args, 'confidence-n', DEFAULT_BOOTSTRAP_SAMPLES, 1), seed };
  return {};
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const fmt = (r: string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export async function bleuCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has('help')) {
    io.stdout(HELP);
    return 0;
  }
  args.numRefs = intValue(args, 'num-refs', 1, 1);
  const encoding = (args.values.get('encoding') ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') throw badArg(`-e expects utf-8, received ${JSON.stringify(encoding)}`);
  const format = choice(args, 'format', ['json', 'text'] as const, 'json');
  const width = intValue(args, 'width', 1, 0);
  const short = args.flags.has('short');
  const seed = intValue(args, 'seed', DEFAULT_SEED, 0);
  if (args.flags.has('paired-bs') && args.flags.has('paired-ar')) throw badArg('expected one of --paired-bs and --paired-ar, received both');

  const metrics = buildMetrics(args);
  const refs = await readReferences(io, args);
  const inputs = args.inputs.length > 0 ? args.inputs : ['-'];
  const systems = await Promise.all(
    inputs.map(async (path) => ({ name: path === '-' ? 'stdin' : path, hyps: await readLines(io, path, 'hypothesis file') })),
  );
  for (const sys of systems) {
    if (sys.hyps.length !== refs[0].length) {
      throw new SeqwasmError(
        'line_count_mismatch',
        `${sys.name} has ${sys.hyps.length} lines but the references have ${refs[0].length}; ` +
          'expected the same number (nothing was scored)',
      );
    }
  }
  // One preprocessing of the references, shared by every system scored.
  for (const m of metrics) m.cacheReferences(refs);
  const resampling = resamplingInfo(args, seed);
  const signature = (m: AnyMetric): string => m.signature(short, resampling);
  const paired = args.flags.has('paired-bs') || args.flags.has('paired-ar');

  if (systems.length === 1 && !paired) {
    const shown = metrics.map((m): Shown => {
      if (!args.flags.has('confidence')) return { score: m.corpusScore(systems[0].hyps), signature: signature(m) };
      const r = bootstrapConfidence(m, systems[0].hyps, undefined, { nSamples: resampling.bootstrap, seed });
      return { score: r.score, mean: r.mean, ci: r.ci, signature: signature(m) };
    });
    let out: string;
    if (args.flags.has('score-only')) out = shown.map((s) => s.score.score.toFixed(width)).join('\n');
    else if (format === 'text') out = shown.map((s) => textLine(s, width)).join('\n');
    else out = JSON.stringify(shown.length === 1 ? jsonObject(shown[0], width) : shown.map((s) => jsonObject(s, width)), null, 1);
    io.stdout(out + '\n');
    return 0;
  }

  let results: { name: string; results: PairedResult[] }[];
  if (paired) {
    const test = args.flags.has('paired-bs') ? 'bs' : 'ar';
    results = pairedTest(systems, metrics, undefined, {
      test,
      nSamples: resampling.bootstrap ?? resampling.randomization,
      seed,
      confidenceSamples: args.flags.has('confidence') ? intValue(args, 'confidence-n', DEFAULT_BOOTSTRAP_SAMPLES, 1) : undefined,
    });
  } else {
    results = systems.map((sys) => ({
      name: sys.name,
      results: metrics.map((m): PairedResult => {
        if (!args.flags.has('confidence')) return { score: m.corpusScore(sys.hyps).score };
        const r = bootstrapConfidence(m, sys.hyps, undefined, { nSamples: resampling.bootstrap, seed });
        return { score: r.score.score, mean: r.mean, ci: r.ci };
      }),
    }));
  }
  const names = metrics.map((m) => m.name);
  if (format === 'json') {
    const json = {
      signatures: Object.fromEntries(metrics.map((m, k) => [names[k], signature(m)])),
      systems: results.map((r) => ({
        system: r.name,
        ...Object.fromEntries(r.results.map((x, k) => [names[k], x])),
      })),
    };
    io.stdout(JSON.stringify(json, null, 1) + '\n');
    return 0;
  }
  const cell = (x: PairedResult): string => {
    let c = x.score.toFixed(width);
    if (x.mean !== undefined && x.ci !== undefined) c += ` (${x.mean.toFixed(width)} ± ${x.ci.toFixed(width)})`;
    if (x.pValue !== undefined) c += ` (p = ${x.pValue.toFixed(4)})${x.pValue < 0.05 ? '*' : ''}`;
    return c;
  };
  const rows = results.map((r, i) => [(paired && i === 0 ? 'Baseline: ' : '') + r.name, ...r.results.map(cell)]);
  const lines = [table(['System', ...names], rows), '', ...metrics.map((m, k) => `${names[k]}: ${signature(m)}`)];
  if (paired) lines.push('* p < 0.05: the difference from the baseline is significant');
  io.stdout(lines.join('\n') + '\n');
  return 0;
}
