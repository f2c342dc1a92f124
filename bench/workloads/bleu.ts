// bleu-wmt17: corpus BLEU of the 16 WMT17 en-de systems (48,064 segments) against their reference,
// sacreBLEU defaults (13a tokenization, exp smoothing), references preprocessed once per run.
// Peer: NLTK's corpus_bleu on the same 13a tokens, timed in a Python process in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BLEU } from '../../src/metrics/bleu.js';
import { timeMs, type Figure, type Workload } from '../harness.js';

const PYTHON = '/usr/bin/python3';
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = [join(repo, '..', 'shared', 'data', 'wmt17'), '/work/shared/data/wmt17'].find((d) => existsSync(d));

function readLines(file: string): string[] {
  const lines = gunzipSync(readFileSync(join(DATA!, file))).toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// Times corpus_bleu over every system (best of 3 runs), printing milliseconds. Tokens come
// pre-split, so NLTK does exactly the counting and scoring work seqwasm's figure includes after
// tokenization; seqwasm's figure also includes tokenizing, so the comparison favours NLTK.
const NLTK_SCRIPT = `
import json, sys, time
from nltk.translate.bleu_score import corpus_bleu
data = json.load(open(sys.argv[1], encoding='utf-8'))
refs = [[r] for r in data['ref']]
best = float('inf')
for _ in range(3):
    t0 = time.perf_counter()
    for hyps in data['systems']:
        corpus_bleu(refs, hyps)
    best = min(best, time.perf_counter() - t0)
print(best * 1000)
`;

function nltkMs(ref: string[], systems: string[][]): number | string {
  const probe = spawnSync(PYTHON, ['-c', 'import nltk'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return `nltk skipped: ${PYTHON} cannot import nltk`;
  const tok = new BLEU();
  const dir = mkdtempSync(join(tmpdir(), 'seqwasm-bleu-'));
  try {
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ ref: ref.map((l) => tok.tokens(l)), systems: systems.map((s) => s.map((l) => tok.tokens(l))) }));
    const run = spawnSync(PYTHON, ['-c', NLTK_SCRIPT, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) return `nltk failed: ${run.stderr.trim().split('\n').pop()}`;
    return Number(run.stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const workloads: Workload[] = [
  {
    name: 'bleu-wmt17',
    unit: 'ms',
    higherIsBetter: false,
    async run({ peers }): Promise<Figure> {
      if (DATA === undefined) throw new Error('bleu-wmt17: shared/data/wmt17 not found beside the repository');
      const ref = readLines('newstest2017-ende-ref.de.txt.gz');
      const systems = readdirSync(DATA)
        .filter((f) => f.startsWith('newstest2017.'))
        .sort()
        .map(readLines);
      const scoreAll = (): void => {
        const bleu = new BLEU({ references: [ref] });
        for (const hyps of systems) bleu.corpusScore(hyps);
      };
      const seqwasm = timeMs(scoreAll);
      const segments = systems.reduce((n, s) => n + s.length, 0);
      const notes = [`${systems.length} systems, ${segments} segments, reference preprocessing included; pure TypeScript (no wasm build)`];
      const figure: Figure = { workload: 'bleu-wmt17', unit: 'ms', seqwasm, peers: {} };
      if (peers) {
        const nltk = nltkMs(ref, systems);
        if (typeof nltk === 'number') {
          figure.peers.nltk = nltk;
          notes.push('nltk: corpus_bleu on pre-tokenized 13a tokens (tokenizing not timed), best of 3');
        } else {
          notes.push(nltk);
        }
      }
      figure.note = notes.join('; ');
      return figure;
    },
  },
];
