#!/usr/bin/python3
"""Generate small golden word2vec fixtures with gensim (Debian python3-gensim 4.2).

Writes into test/fixtures/w2v/:
  small.txt, small.bin      skip-gram model (16 dims) trained on the first 1,000,000 words of text8-prefix
  small_queries.json        gensim's answers computed on KeyedVectors.load_word2vec_format(small.bin, binary=True)
  utf8.txt, utf8.bin        hand-built KeyedVectors with non-ASCII keys and fixed values
  utf8.json                 the words and vectors of utf8.* (float32 values, as written)
  limit.json                what load_word2vec_format(small.bin, binary=True, limit=100) gives

Run from the repo root:
  /usr/bin/python3 tools/gensim_fixtures.py [--data /work/shared/data] [--tmp /tmp/w2vdata]

Corpora are unzipped into --tmp, never into the repo.
"""
import argparse
import gzip
import hashlib
import json
import logging
import os
import platform
import sys
import time

import numpy as np
import scipy
import gensim
from gensim.models import Word2Vec, KeyedVectors
from gensim.models.word2vec import Text8Corpus

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'w2v')
OUT = os.path.normpath(OUT)
N_WORDS = 1_000_000
MAX_BYTES = 1_000_000


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def f(x):
    """numpy scalar -> python float (float64 repr of the value gensim returned)."""
    return float(x)


def make_small_corpus(data_dir, tmp_dir):
    """First N_WORDS whitespace-separated words of text8-prefix, written text8-style (one line)."""
    os.makedirs(tmp_dir, exist_ok=True)
    src = os.path.join(data_dir, 'text8-prefix.gz')
    with gzip.open(src, 'rb') as fin:
        words = fin.read().decode('utf8').split()
    assert len(words) >= N_WORDS, len(words)
    words = words[:N_WORDS]
    path = os.path.join(tmp_dir, 'text8-prefix-1M')
    with open(path, 'wb') as fout:
        fout.write((' ' + ' '.join(words)).encode('utf8'))  # leading space, no newline, like text8
    return path, words


def train_small(corpus_path, max_final_vocab):
    params = dict(
        sg=1, vector_size=16, window=5, negative=5, hs=0, sample=1e-3, min_count=5,
        max_final_vocab=max_final_vocab, epochs=2, seed=1, workers=1,
        alpha=0.025, min_alpha=0.0001, ns_exponent=0.75, cbow_mean=1, shrink_windows=True,
    )
    t0 = time.time()
    model = Word2Vec(sentences=Text8Corpus(corpus_path), **params)
    return model, params, time.time() - t0


def sections_summary(sections, with_lists):
    out = []
    for s in sections:
        d = {'section': s['section'], 'correct': len(s['correct']), 'incorrect': len(s['incorrect'])}
        if with_lists:
            d['correct_quadruplets'] = [list(q) for q in s['correct']]
            d['incorrect_quadruplets'] = [list(q) for q in s['incorrect']]
        out.append(d)
    return out


def word_pairs(kv, path):
    pearson, spearman, oov = kv.evaluate_word_pairs(path)
    return {
        'pearson': {'statistic': f(pearson[0]), 'pvalue': f(pearson[1])},
        'spearman': {'statistic': f(spearman[0]), 'pvalue': f(spearman[1])},
        'oov_ratio_percent': f(oov),
    }


def pick(kv, candidates, n):
    """First n candidate tuples whose words are all in the loaded vocabulary."""
    out = []
    for c in candidates:
        words = c if isinstance(c, (list, tuple)) else [c]
        if all(w in kv.key_to_index for w in words):
            out.append(c)
        if len(out) == n:
            break
    return out


def queries(kv, data_dir):
    res = {}
    pairs = pick(kv, [
        ('king', 'queen'), ('man', 'woman'), ('france', 'germany'), ('city', 'town'),
        ('war', 'battle'), ('one', 'two'), ('good', 'bad'), ('music', 'art'),
        ('church', 'god'), ('water', 'sea'), ('book', 'published'), ('john', 'war'),
        ('the', 'of'), ('king', 'king'),
    ], 12)
    res['similarity'] = [
        {'call': f"similarity({a!r}, {b!r})", 'args': [a, b], 'result': f(kv.similarity(a, b))}
        for a, b in pairs
    ]

    words = pick(kv, ['king', 'france', 'war', 'one', 'music', 'church', 'computer', 'water'], 6)
    res['most_similar'] = [
        {'call': f"most_similar({w!r}, topn=10)", 'args': {'positive': [w], 'topn': 10},
         'result': [[k, f(s)] for k, s in kv.most_similar(w, topn=10)]}
        for w in words
    ]

    analog = pick(kv, [
        ('man', 'king', 'woman'), ('france', 'paris', 'germany'), ('england', 'london', 'france'),
        ('good', 'better', 'bad'), ('man', 'men', 'woman'), ('one', 'two', 'three'),
        ('he', 'his', 'she'), ('war', 'wars', 'king'), ('greek', 'greece', 'roman'),
    ], 6)
    # analogy a:b :: c:? is asked as positive=[b, c], negative=[a] (like evaluate_word_analogies)
    res['most_similar_analogy'] = [
        {'call': f"most_similar(positive=[{b!r}, {c!r}], negative=[{a!r}], topn=5)",
         'args': {'positive': [b, c], 'negative': [a], 'topn': 5},
         'result': [[k, f(s)] for k, s in kv.most_similar(positive=[b, c], negative=[a], topn=5)]}
        for a, b, c in analog
    ]
    res['most_similar_cosmul'] = [
        {'call': f"most_similar_cosmul(positive=[{b!r}, {c!r}], negative=[{a!r}], topn=5)",
         'args': {'positive': [b, c], 'negative': [a], 'topn': 5},
         'result': [[k, f(s)] for k, s in kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)]}
        for a, b, c in analog
    ]
    # single positive word for cosmul (same ranking as most_similar, different scores)
    res['most_similar_cosmul'].append(
        {'call': f"most_similar_cosmul(positive=[{words[0]!r}], topn=10)",
         'args': {'positive': [words[0]], 'negative': [], 'topn': 10},
         'result': [[k, f(s)] for k, s in kv.most_similar_cosmul(positive=[words[0]], topn=10)]})

    lists = pick(kv, [
        ('france', 'germany', 'england', 'war'),
        ('one', 'two', 'three', 'city'),
        ('king', 'queen', 'prince', 'water'),
        ('music', 'art', 'film', 'army'),
        ('red', 'blue', 'green', 'church'),
    ], 4)
    dm = []
    for ws in lists:
        ws = list(ws)
        ranked = kv.rank_by_centrality(ws)
        dm.append({'call': f"doesnt_match({ws!r})", 'args': ws, 'result': kv.doesnt_match(ws),
                   'rank_by_centrality': [[w, f(s)] for s, w in ranked]})
    res['doesnt_match'] = dm

    qpath = os.path.join(data_dir, 'questions-words.txt')
    score, sections = kv.evaluate_word_analogies(qpath, restrict_vocab=3000, case_insensitive=True)
    total = sections[-1]
    n_questions = sum(1 for line in open(qpath, encoding='utf8')
                      if not line.startswith(': ') and len(line.split()) == 4)
    evaluated = len(total['correct']) + len(total['incorrect'])
    res['evaluate_word_analogies'] = {
        'call': "evaluate_word_analogies('questions-words.txt', restrict_vocab=3000, case_insensitive=True)",
        'args': {'restrict_vocab': 3000, 'case_insensitive': True, 'dummy4unknown': False,
                 'similarity_function': 'most_similar'},
        'score': f(score),
        'questions_in_file': n_questions,
        'evaluated': evaluated,
        'skipped_oov': n_questions - evaluated,
        'sections': sections_summary(sections, with_lists=True),
        'note': ('sections lists every section in file order, then a last entry named "Total accuracy"; '
                 'quadruplets are UPPERCASED as gensim stores them when case_insensitive=True'),
    }

    res['evaluate_word_pairs'] = {}
    for name in ('wordsim353.tsv', 'simlex999.txt'):
        d = word_pairs(kv, os.path.join(data_dir, name))
        d['call'] = f"evaluate_word_pairs({name!r})"
        d['args'] = {'delimiter': '\t', 'restrict_vocab': 300000, 'case_insensitive': True,
                     'dummy4unknown': False}
        res['evaluate_word_pairs'][name] = d
    return res


def write_json(path, obj):
    with open(path, 'w', encoding='utf8') as fout:
        json.dump(obj, fout, indent=1, ensure_ascii=False)
        fout.write('\n')


def utf8_fixture():
    words = ['hello', 'café', 'naïve', '日本', 'Ωmega', '🙂', 'x']
    vecs = np.array([
        [1.0, 0.0, -1.0],
        [0.5, -0.25, 2.0],
        [0.1, 0.2, 0.3],
        [-3.5, 1e-3, 123.456],
        [1.0e-8, -7.0, 0.0],
        [0.333333, 2.5e10, -0.0],
        [1.0, 1.0, 1.0],
    ], dtype=np.float32)
    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(words, vecs)
    txt = os.path.join(OUT, 'utf8.txt')
    binf = os.path.join(OUT, 'utf8.bin')
    kv.save_word2vec_format(txt, binary=False)
    kv.save_word2vec_format(binf, binary=True)
    # round trip
    for path, binary in ((txt, False), (binf, True)):
        back = KeyedVectors.load_word2vec_format(path, binary=binary)
        assert back.index_to_key == words, back.index_to_key
        assert np.array_equal(back.vectors, vecs)
    write_json(os.path.join(OUT, 'utf8.json'), {
        'gensim': gensim.__version__,
        'built_with': "kv = KeyedVectors(vector_size=3); kv.add_vectors(words, np.array(vectors, dtype=np.float32)); "
                      "kv.save_word2vec_format('utf8.txt', binary=False); kv.save_word2vec_format('utf8.bin', binary=True)",
        'count': len(words),
        'vector_size': 3,
        'words': words,
        'words_utf8_hex': [w.encode('utf8').hex() for w in words],
        'vectors': [[float(x) for x in row] for row in vecs],
        'vectors_float32_hex_le': [[np.float32(x).tobytes().hex() for x in row] for row in vecs],
        'text_lines': open(txt, encoding='utf8').read().split('\n'),
        'sizes': {'utf8.txt': os.path.getsize(txt), 'utf8.bin': os.path.getsize(binf)},
        'sha256': {'utf8.txt': sha256(txt), 'utf8.bin': sha256(binf)},
    })


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/work/shared/data')
    ap.add_argument('--tmp', default='/tmp/w2vdata')
    ap.add_argument('--max-final-vocab', type=int, default=3000)
    args = ap.parse_args()
    logging.basicConfig(format='%(asctime)s %(levelname)s %(message)s', level=logging.WARNING)
    os.makedirs(OUT, exist_ok=True)

    corpus_path, words = make_small_corpus(args.data, args.tmp)
    mfv = args.max_final_vocab
    while True:
        model, params, secs = train_small(corpus_path, mfv)
        txt = os.path.join(OUT, 'small.txt')
        binf = os.path.join(OUT, 'small.bin')
        model.wv.save_word2vec_format(txt, binary=False)
        model.wv.save_word2vec_format(binf, binary=True)
        if os.path.getsize(txt) < MAX_BYTES and os.path.getsize(binf) < MAX_BYTES:
            break
        mfv = int(mfv * 0.8)
        print(f'files too big, retrying with max_final_vocab={mfv}', file=sys.stderr)

    kv = KeyedVectors.load_word2vec_format(binf, binary=True)
    kv_txt = KeyedVectors.load_word2vec_format(txt, binary=False)
    assert kv.index_to_key == kv_txt.index_to_key == model.wv.index_to_key
    assert np.array_equal(kv.vectors, kv_txt.vectors), 'text repr did not round-trip float32'
    assert np.array_equal(kv.vectors, model.wv.vectors)

    lim = KeyedVectors.load_word2vec_format(binf, binary=True, limit=100)
    lim_txt = KeyedVectors.load_word2vec_format(txt, binary=False, limit=100)
    assert lim.index_to_key == lim_txt.index_to_key == kv.index_to_key[:100]
    assert np.array_equal(lim.vectors, kv.vectors[:100])
    write_json(os.path.join(OUT, 'limit.json'), {
        'gensim': gensim.__version__,
        'call': "KeyedVectors.load_word2vec_format('small.bin', binary=True, limit=100)",
        'count': len(lim),
        'vector_size': lim.vector_size,
        'first_word': lim.index_to_key[0],
        'last_word': lim.index_to_key[-1],
        'last_vector': [float(x) for x in lim.vectors[-1]],
        'same_for_text': "load_word2vec_format('small.txt', binary=False, limit=100) gives the same words and vectors",
    })

    res = {
        'gensim': gensim.__version__,
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'python': platform.python_version(),
        'model': {
            'corpus': ('first 1,000,000 whitespace-separated words of /work/shared/data/text8-prefix.gz, '
                       'written as one line (leading space, no newline) and read with '
                       'gensim.models.word2vec.Text8Corpus (10,000-word sentences)'),
            'corpus_sha256': sha256(corpus_path),
            'corpus_words': len(words),
            'first_words': words[:8],
            'last_words': words[-4:],
            'train': 'Word2Vec(sentences=Text8Corpus(path), ' + ', '.join(f'{k}={v!r}' for k, v in params.items()) + ')',
            'params': params,
            'effective_min_count': int(model.effective_min_count),
            'corpus_total_words': int(model.corpus_total_words),
            'vocab': len(model.wv),
            'files': {
                'small.txt': {'call': "model.wv.save_word2vec_format('small.txt', binary=False)",
                              'bytes': os.path.getsize(txt), 'sha256': sha256(txt)},
                'small.bin': {'call': "model.wv.save_word2vec_format('small.bin', binary=True)",
                              'bytes': os.path.getsize(binf), 'sha256': sha256(binf)},
            },
            'first_words_in_file': kv.index_to_key[:10],
            'last_word_in_file': kv.index_to_key[-1],
        },
        'queries_on': "kv = KeyedVectors.load_word2vec_format('small.bin', binary=True)  "
                      "(small.txt loads to bit-identical vectors)",
    }
    res.update(queries(kv, args.data))
    write_json(os.path.join(OUT, 'small_queries.json'), res)

    utf8_fixture()

    ea = res['evaluate_word_analogies']
    print(f"gensim {gensim.__version__}: vocab {len(kv)}, effective_min_count {model.effective_min_count}, "
          f"train {secs:.1f}s, small.txt {os.path.getsize(txt)} B, small.bin {os.path.getsize(binf)} B")
    print(f"analogies: {ea['score']:.4f} on {ea['evaluated']} of {ea['questions_in_file']}")
    for n, d in res['evaluate_word_pairs'].items():
        print(f"{n}: pearson {d['pearson']['statistic']:.4f} spearman {d['spearman']['statistic']:.4f} "
              f"oov {d['oov_ratio_percent']:.1f}%")
    for q in res['most_similar_analogy']:
        print(q['call'], '->', q['result'][0])


if __name__ == '__main__':
    main()
