#!/usr/bin/python3
"""Time gensim word2vec training on a text8-style corpus; print ONE line of JSON to stdout.

Usage (what the benchmark spawns):
  /usr/bin/python3 tools/gensim_speed.py --corpus PATH --sg 0|1 --workers N --epochs 1 \
      [--size 100 --window 5 --negative 5 --sample 1e-3 --min-count 5] [--stream] [--seed 1]

PATH is an unzipped text8-style file (one line of space-separated words), read with
gensim.models.word2vec.Text8Corpus (10,000-word sentences).

Not timed: reading the corpus into memory (a list of sentences, unless --stream) and build_vocab.
Timed: model.train(...) only (wall clock, time.perf_counter).

Output: {"wordsPerSec": corpusWords*epochs/trainSeconds, "corpusWords": ..., "trainSeconds": ...,
         "vocab": ..., "gensim": version, ...settings}
corpusWords is gensim's corpus_total_words: every raw token of the corpus, before min_count and
subsampling. Logs go to stderr.
"""
import argparse
import json
import logging
import sys
import time

import gensim
from gensim.models import Word2Vec
from gensim.models.word2vec import Text8Corpus


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--sg', type=int, choices=(0, 1), required=True)
    ap.add_argument('--workers', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--size', type=int, default=100)
    ap.add_argument('--window', type=int, default=5)
    ap.add_argument('--negative', type=int, default=5)
    ap.add_argument('--sample', type=float, default=1e-3)
    ap.add_argument('--min-count', type=int, default=5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--stream', action='store_true',
                    help='train from Text8Corpus streaming from disk instead of an in-memory list')
    ap.add_argument('--verbose', action='store_true')
    args = ap.parse_args()
    logging.basicConfig(format='%(asctime)s %(levelname)s %(message)s', stream=sys.stderr,
                        level=logging.INFO if args.verbose else logging.WARNING)

    corpus = Text8Corpus(args.corpus)
    if not args.stream:
        corpus = list(corpus)

    model = Word2Vec(
        sg=args.sg, vector_size=args.size, window=args.window, negative=args.negative, hs=0,
        sample=args.sample, min_count=args.min_count, workers=args.workers, epochs=args.epochs,
        seed=args.seed,
    )
    model.build_vocab(corpus)
    t0 = time.perf_counter()
    model.train(corpus, total_examples=model.corpus_count, total_words=model.corpus_total_words,
                epochs=args.epochs)
    secs = time.perf_counter() - t0

    words = int(model.corpus_total_words)
    print(json.dumps({
        'wordsPerSec': words * args.epochs / secs,
        'corpusWords': words,
        'trainSeconds': secs,
        'vocab': len(model.wv),
        'gensim': gensim.__version__,
        'sg': args.sg, 'workers': args.workers, 'epochs': args.epochs, 'size': args.size,
        'window': args.window, 'negative': args.negative, 'sample': args.sample,
        'minCount': args.min_count, 'seed': args.seed,
        'corpusMode': 'stream' if args.stream else 'memory',
    }), flush=True)


if __name__ == '__main__':
    main()
