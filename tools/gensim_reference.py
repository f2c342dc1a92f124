#!/usr/bin/python3
"""Quality + speed reference numbers for word2vec from gensim (Debian python3-gensim 4.2).

Writes test/fixtures/w2v/gensim_reference.json:
  runs.sg / runs.cbow : Word2Vec(Text8Corpus(enwiki2015-text8style), vector_size=100, window=5,
                        negative=5, hs=0, sample=1e-3, min_count=5, epochs=5, seed=1, workers=2)
                        -> vocab, corpus words, build/train time, evaluate_word_analogies
                        (restrict_vocab=30000, case_insensitive=True) overall + per section,
                        evaluate_word_pairs on wordsim353.tsv and simlex999.txt
  speed               : tools/gensim_speed.py for sg 0/1 x workers 1/2, epochs 1 (run one at a time)

Usage (from the repo root):
  /usr/bin/python3 tools/gensim_reference.py [--data /work/shared/data] [--tmp /tmp/w2vdata]
         [--skip-speed | --speed-only] [--only sg|cbow]
The corpus is unzipped into --tmp (never into the repo). The JSON is rewritten after every stage.
"""
import argparse
import datetime
import gzip
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np
import scipy
import gensim
from gensim.models import Word2Vec
from gensim.models.word2vec import Text8Corpus, FAST_VERSION

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', 'test', 'fixtures', 'w2v', 'gensim_reference.json'))

SETTINGS = dict(vector_size=100, window=5, negative=5, hs=0, sample=1e-3, min_count=5, epochs=5,
                seed=1, workers=2, alpha=0.025, min_alpha=0.0001, ns_exponent=0.75, cbow_mean=1,
                max_vocab_size=None, shrink_windows=True, max_final_vocab=None)


def unzip(data_dir, tmp_dir, name, out_name):
    os.makedirs(tmp_dir, exist_ok=True)
    dst = os.path.join(tmp_dir, out_name)
    if not os.path.exists(dst):
        with gzip.open(os.path.join(data_dir, name), 'rb') as fin, open(dst + '.part', 'wb') as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        os.replace(dst + '.part', dst)
    return dst


def load_json():
    if os.path.exists(OUT):
        with open(OUT, encoding='utf8') as f:
            return json.load(f)
    return {}


def save_json(obj):
    tmp = OUT + '.tmp'
    with open(tmp, 'w', encoding='utf8') as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write('\n')
    os.replace(tmp, OUT)


def run_quality(sg, corpus, data_dir):
    params = dict(SETTINGS, sg=sg)
    model = Word2Vec(**params)  # no sentences: vocab build and training timed separately
    t0 = time.perf_counter()
    model.build_vocab(corpus)
    t_vocab = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.train(corpus, total_examples=model.corpus_count, total_words=model.corpus_total_words,
                epochs=model.epochs)
    t_train = time.perf_counter() - t0
    kv = model.wv

    qpath = os.path.join(data_dir, 'questions-words.txt')
    t0 = time.perf_counter()
    score, sections = kv.evaluate_word_analogies(qpath, restrict_vocab=30000, case_insensitive=True)
    t_an = time.perf_counter() - t0
    n_questions = sum(1 for line in open(qpath, encoding='utf8')
                      if not line.startswith(': ') and len(line.split()) == 4)
    total = sections[-1]
    evaluated = len(total['correct']) + len(total['incorrect'])
    sect = []
    sem_c = sem_t = syn_c = syn_t = 0
    for s in sections[:-1]:
        c, t = len(s['correct']), len(s['correct']) + len(s['incorrect'])
        sect.append({'section': s['section'], 'correct': c, 'total': t,
                     'accuracy': (c / t if t else 0.0)})
        if s['section'].startswith('gram'):
            syn_c += c; syn_t += t
        else:
            sem_c += c; sem_t += t

    pairs = {}
    for name in ('wordsim353.tsv', 'simlex999.txt'):
        p, s, oov = kv.evaluate_word_pairs(os.path.join(data_dir, name))
        pairs[name] = {
            'call': f"evaluate_word_pairs({name!r})  # delimiter='\\t', restrict_vocab=300000, case_insensitive=True",
            'pearson': float(p[0]), 'pearson_pvalue': float(p[1]),
            'spearman': float(s[0]), 'spearman_pvalue': float(s[1]),
            'oov_ratio_percent': float(oov),
        }

    examples = {}
    for call, fn in (
        ("most_similar(positive=['king', 'woman'], negative=['man'], topn=5)",
         lambda: kv.most_similar(positive=['king', 'woman'], negative=['man'], topn=5)),
        ("most_similar(positive=['paris', 'germany'], negative=['france'], topn=5)",
         lambda: kv.most_similar(positive=['paris', 'germany'], negative=['france'], topn=5)),
        ("most_similar('computer', topn=5)", lambda: kv.most_similar('computer', topn=5)),
    ):
        try:
            examples[call] = [[w, float(x)] for w, x in fn()]
        except KeyError as e:
            examples[call] = f'KeyError: {e}'

    return {
        'train': 'Word2Vec(' + ', '.join(f'{k}={v!r}' for k, v in params.items()) + '); '
                 'build_vocab(corpus); train(corpus, total_examples=corpus_count, epochs=5)',
        'settings': params,
        'vocab': len(kv),
        'corpus_words': int(model.corpus_total_words),
        'corpus_sentences': int(model.corpus_count),
        'build_vocab_seconds': round(t_vocab, 2),
        'train_seconds': round(t_train, 2),
        'train_words_per_sec': model.corpus_total_words * model.epochs / t_train,
        'analogies': {
            'call': "evaluate_word_analogies('questions-words.txt', restrict_vocab=30000, case_insensitive=True)",
            'accuracy': float(score),
            'correct': len(total['correct']),
            'evaluated': evaluated,
            'questions_in_file': n_questions,
            'skipped_oov': n_questions - evaluated,
            'semantic': {'correct': sem_c, 'total': sem_t, 'accuracy': sem_c / sem_t if sem_t else 0.0},
            'syntactic': {'correct': syn_c, 'total': syn_t, 'accuracy': syn_c / syn_t if syn_t else 0.0},
            'sections': sect,
            'eval_seconds': round(t_an, 2),
        },
        'word_pairs': pairs,
        'examples': examples,
    }


def run_speed(corpus_path):
    res = []
    for sg in (1, 0):
        for workers in (1, 2):
            cmd = [sys.executable, os.path.join(HERE, 'gensim_speed.py'), '--corpus', corpus_path,
                   '--sg', str(sg), '--workers', str(workers), '--epochs', '1']
            print('running', ' '.join(cmd), flush=True)
            load_before = os.getloadavg()[0]
            out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
            load_after = os.getloadavg()[0]
            line = out.strip().splitlines()[-1]
            r = json.loads(line)
            r['command'] = ' '.join(['/usr/bin/python3', 'tools/gensim_speed.py', '--corpus', '<enwiki unzipped>',
                                     '--sg', str(sg), '--workers', str(workers), '--epochs', '1'])
            r['loadavg1_before_after'] = [round(load_before, 2), round(load_after, 2)]
            print(line, r['loadavg1_before_after'], flush=True)
            res.append(r)
    return res


def summary(ref):
    if 'gensim' in ref:
        print(f"gensim {ref['gensim']}  corpus {ref['corpus']['file']}")
    for name, r in ref.get('runs', {}).items():
        a = r['analogies']
        print(f"[{name}] vocab {r['vocab']} words {r['corpus_words']} build {r['build_vocab_seconds']}s "
              f"train {r['train_seconds']}s ({r['train_words_per_sec']:.0f} w/s)")
        print(f"  analogies {a['accuracy']:.4f} ({a['correct']}/{a['evaluated']} of {a['questions_in_file']}; "
              f"sem {a['semantic']['accuracy']:.4f} syn {a['syntactic']['accuracy']:.4f})")
        for s in a['sections']:
            print(f"    {s['section']:30s} {s['correct']:5d}/{s['total']:5d} {s['accuracy']:.4f}")
        for n, p in r['word_pairs'].items():
            print(f"  {n}: pearson {p['pearson']:.4f} spearman {p['spearman']:.4f} oov {p['oov_ratio_percent']:.2f}%")
    for s in ref.get('speed', []):
        print(f"[speed] sg={s['sg']} workers={s['workers']}: {s['wordsPerSec']:.0f} words/s "
              f"({s['corpusWords']} words in {s['trainSeconds']:.1f}s, vocab {s['vocab']})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/work/shared/data')
    ap.add_argument('--tmp', default='/tmp/w2vdata')
    ap.add_argument('--skip-speed', action='store_true')
    ap.add_argument('--speed-only', action='store_true')
    ap.add_argument('--only', choices=('sg', 'cbow'))
    args = ap.parse_args()
    logging.basicConfig(format='%(asctime)s %(levelname)s %(message)s', level=logging.WARNING)

    corpus_path = unzip(args.data, args.tmp, 'enwiki2015-text8style.gz', 'enwiki')
    ref = load_json()
    ref.update({
        'gensim': gensim.__version__,
        'gensim_fast_version': FAST_VERSION,
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'python': platform.python_version(),
        'machine': f'{os.cpu_count()} cores (shared with other work); {platform.machine()}',
        'corpus': {
            'file': '/work/shared/data/enwiki2015-text8style.gz (unzipped, 100,000,000 bytes, one line)',
            'note': 'text8-style enwiki 2015 substitute, NOT text8: published text8 numbers do not transfer',
            'reader': 'list(gensim.models.word2vec.Text8Corpus(path))  # 10,000-word sentences, in memory',
        },
        'notes': [
            'Quality runs use workers=2, so they are not bit-reproducible (thread scheduling); '
            'expect small run-to-run differences in every quality number.',
            'train_seconds/train_words_per_sec of the quality runs are for 5 epochs on a 2-core machine '
            'shared with other work; the speed section is the dedicated measurement.',
            'Analogy and word-pair semantics: see README.md in this folder.',
        ],
    })
    ref.setdefault('runs', {})

    if not args.speed_only:
        corpus = list(Text8Corpus(corpus_path))
        for name, sg in (('sg', 1), ('cbow', 0)):
            if args.only and args.only != name:
                continue
            print(f'training {name} ...', flush=True)
            ref['runs'][name] = run_quality(sg, corpus, args.data)
            ref['generated'] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
            save_json(ref)
            summary({'runs': {name: ref['runs'][name]}})
        del corpus

    if not args.skip_speed:
        ref['speed'] = run_speed(corpus_path)
        ref['speed_note'] = ('tools/gensim_speed.py, epochs=1, vector_size 100, window 5, negative 5, sample 1e-3, '
                             'min_count 5, seed 1; corpus in memory, build_vocab not timed; '
                             'wordsPerSec = corpus_total_words * epochs / train seconds (raw tokens, before '
                             'subsampling); run one at a time on a 2-core machine shared with other work')
        ref['generated'] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
        save_json(ref)

    summary(ref)


if __name__ == '__main__':
    main()
