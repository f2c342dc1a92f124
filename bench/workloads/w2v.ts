// word2vec training speed in corpus words per second (every token before subsampling, gensim's
// corpus_total_words), one epoch of skip-gram / CBOW with 100 dims, window 5, 5 negatives,
// sample 1e-3, min count 5, on the 100 MB enwiki2015 text8-style corpus; gensim 4.2 (workers =
// threads) measured in the same run by tools/gensim_speed.py. Vocabulary building is not timed
// (gensim's script does not time it either). W2V_BENCH_CORPUS=path picks another corpus.
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Figure, Workload } from '../harness.js';
import { pythonHas, runPython, seqwasmBuilds } from '../peers.js';
import { Word2Vec } from '../../src/w2v/index.js';
import type { Backend } from '../../src/core/backend.js';

const SOURCE = '/work/shared/data/enwiki2015-text8style.gz';
const DEFAULT_CORPUS = '/tmp/w2vdata/enwiki';

function corpusPath(): string {
  const env = process.env.W2V_BENCH_CORPUS;
  if (env) return env;
  if (!existsSync(DEFAULT_CORPUS)) {
    mkdirSync('/tmp/w2vdata', { recursive: true });
    const r = spawnSync('sh', ['-c', `gunzip -c ${SOURCE} > ${DEFAULT_CORPUS}.tmp && mv ${DEFAULT_CORPUS}.tmp ${DEFAULT_CORPUS}`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`cannot unzip ${SOURCE}`);
  }
  return DEFAULT_CORPUS;
}

async function ours(backend: Backend, corpus: string, model: 'skipgram' | 'cbow', threads: number): Promise<number> {
  const m = new Word2Vec({ backend, model, vectorSize: 100, window: 5, negative: 5, sample: 1e-3, minCount: 5,
    epochs: 1, alpha: 0.025, seed: 1, threads });
  await m.buildVocab(corpus);
  const r = await m.train(corpus);
  m.dispose();
  return r.wordsPerSec;
}

function workload(model: 'skipgram' | 'cbow', threads: number): Workload {
  const name = `w2v-${model === 'skipgram' ? 'sg' : 'cbow'}-${threads}t`;
  return {
    name,
    unit: 'words/s',
    higherIsBetter: true,
    async run({ peers }): Promise<Figure> {
      const corpus = corpusPath();
      const builds = await seqwasmBuilds();
      const fig: Figure = { workload: name, unit: 'words/s', seqwasm: await ours(builds.simd!, corpus, model, threads), peers: {} };
      if (builds.relaxed) fig.relaxed = await ours(builds.relaxed, corpus, model, threads);
      const notes = [`1 epoch, corpus ${corpus}`];
      if (peers) {
        if (pythonHas('gensim')) {
          const g = runPython(new URL('../../tools/gensim_speed.py', import.meta.url).pathname,
            ['--corpus', corpus, '--sg', model === 'skipgram' ? '1' : '0', '--workers', String(threads), '--epochs', '1'], 1_800_000);
          fig.peers.gensim = g.wordsPerSec;
        } else {
          notes.push('gensim skipped: /usr/bin/python3 has no gensim (apt-get install python3-gensim)');
        }
      }
      fig.note = notes.join('; ');
      return fig;
    },
  };
}

export const workloads: Workload[] = [
  workload('skipgram', 1), workload('cbow', 1), workload('skipgram', 2), workload('cbow', 2),
];
