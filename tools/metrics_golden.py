#!/usr/bin/python3
"""Writes test/fixtures/metrics/nltk_golden.json: the cross-check values for src/metrics.

Run by hand with Debian's interpreter (python3-nltk, python3-regex):

    /usr/bin/python3 tools/metrics_golden.py

What it computes, independently of the TypeScript code:
  * tokenizations of awkward strings by Python versions of sacreBLEU's 13a / intl / zh / char
    tokenizers, written here from sacreBLEU's rules and run with Python's own `re`, `regex`,
    `str.split()` and string comparison (so Python semantics, not a port, decide the edge cases);
  * NLTK's corpus_bleu on the WMT17 en-de systems after that 13a tokenization (no smoothing is
    needed: every order has matches), which must equal sacreBLEU's corpus BLEU;
  * NLTK's sentence_bleu with smoothing method1 / method2 / method3, which are sacreBLEU's
    floor (0.1) / add-k (1) / exp, on sentences where every order has n-grams.
CI never runs this; the JSON it writes is committed.
"""

import gzip
import json
import os
import re
import sys

import regex
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, '..', 'shared', 'data', 'wmt17')
if not os.path.isdir(DATA):
    DATA = '/work/shared/data/wmt17'
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics', 'nltk_golden.json')

# --- tokenizers (rules from sacrebleu/tokenizers/*.py; results decided by Python) -------------

WESTERN = [
    (re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '),
    (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),
    (re.compile(r'([\.,])([^0-9])'), r' \1 \2'),
    (re.compile(r'([0-9])(-)'), r'\1 \2 '),
]


def western(line):
    for pattern, repl in WESTERN:
        line = pattern.sub(repl, line)
    return ' '.join(line.strip().split())


def tok_13a(line):
    line = line.replace('<skipped>', '').replace('-\n', '').replace('\n', ' ')
    line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    return western(' {} '.format(line))


INTL = [
    (regex.compile(r'(\P{N})(\p{P})'), r'\1 \2 '),
    (regex.compile(r'(\p{P})(\P{N})'), r' \1 \2'),
    (regex.compile(r'(\p{S})'), r' \1 '),
]


def tok_intl(line):
    for pattern, repl in INTL:
        line = pattern.sub(repl, line)
    return ' '.join(line.split())


# Written as sacreBLEU writes them, including the two 6-digit escapes that Python reads as
# 4 digits plus a character: string comparison then decides what they cover.
ZH_RANGES = [
    ('\u3400', '\u4db5'), ('\u4e00', '\u9fa5'), ('\u9fa6', '\u9fbb'), ('\uf900', '\ufa2d'),
    ('\ufa30', '\ufa6a'), ('\ufa70', '\ufad9'), ('\u20000', '\u2a6d6'), ('\u2f800', '\u2fa1d'),
    ('\uff00', '\uffef'), ('\u2e80', '\u2eff'), ('\u3000', '\u303f'), ('\u31c0', '\u31ef'),
    ('\u2f00', '\u2fdf'), ('\u2ff0', '\u2fff'), ('\u3100', '\u312f'), ('\u31a0', '\u31bf'),
    ('\ufe10', '\ufe1f'), ('\ufe30', '\ufe4f'), ('\u2600', '\u26ff'), ('\u2700', '\u27bf'),
    ('\u3200', '\u32ff'), ('\u3300', '\u33ff'),
]


def tok_zh(line):
    out = ''
    for ch in line.strip():
        out += ' {} '.format(ch) if any(a <= ch <= b for a, b in ZH_RANGES) else ch
    return western(out)


def tok_char(line):
    return ' '.join(ch for ch in line)


def tok_none(line):
    return line


TOKENIZERS = {'13a': tok_13a, 'intl': tok_intl, 'zh': tok_zh, 'char': tok_char, 'none': tok_none}


def bleu_tokens(line, tokenizer='13a', lowercase=False):
    """What BLEU sees: optional lowercasing, rstrip, tokenize, str.split()."""
    if lowercase:
        line = line.lower()
    return TOKENIZERS[tokenizer](line.rstrip()).split()


TOKENIZER_CASES = [
    'Hello, world! This is a test.',
    'It costs $3.50 (or 3,000 yen) in 2017.',
    '1-2 and 10-year-old state-of-the-art, e.g. U.S.A.',
    'He said &quot;no&quot; &amp; left &lt;quickly&gt;.',
    'a.,b ,. 3.14, 2.5. x.5 .5 5.',
    'Apostrophes: don\'t, it\'s, the dog\'s.',
    "Tabs\tand\nnewlines-\ninside <skipped> text",
    'odd\x1cwhite\x1dspace\x1e\x1fhere\x85and\xa0nbsp\u2009thin\u3000ideographic',
    '\ufeffBOM at the start and zero\u200bwidth',
    'constructor __proto__ toString hasOwnProperty valueOf prototype',
    '我爱北京天安门。你好，世界！',
    '价格是３００元（含税）—“好”…',
    'Mixed 中文 and English: 2017年12月。',
    'Ünïcödé café naïve — “quotes” ‘single’ «guillemets» € £ ¥ © ® ™ ° ± × ÷',
    'Emoji 😀 and astral 𠀀𠀁 characters, math 𝒳 and a symbol ♥.',
    'Numbers: 1,000,000 and 3.14159 and -42 and +7 and 50% and 2^10.',
    'URL http://example.com/a?b=c&d=e#f and mail a.b@c.de',
    '   leading and trailing spaces   ',
    '',
    'İstanbul ΣΊΣΥΦΟΣ STRASSE',
]


def tokenizer_goldens():
    out = []
    for text in TOKENIZER_CASES:
        row = {'input': text}
        for name in ('13a', 'intl', 'zh', 'char'):
            row[name] = ' '.join(bleu_tokens(text, name))
        row['lc13a'] = ' '.join(bleu_tokens(text, '13a', lowercase=True))
        out.append(row)
    return out


# --- BLEU through NLTK ---------------------------------------------------------------------------

def read(name):
    with gzip.open(os.path.join(DATA, name), 'rt', encoding='utf-8', newline='\n') as f:
        return [line[:-1] if line.endswith('\n') else line for line in f]


# NLTK's modified_precision counts a hypothesis shorter than n as one n-gram of order n (its
# denominator is max(1, count)), so NLTK and sacreBLEU agree only on hypotheses of at least
# MAX_ORDER tokens. The cross-check keeps exactly those segments; the TypeScript test filters the
# same way (sacreBLEU's published full-corpus values are checked separately).
MAX_ORDER = 4


def nltk_bleu(refs, hyps, tokenizer='13a', lowercase=False):
    """100 * NLTK corpus_bleu over the segments whose hypothesis has >= MAX_ORDER tokens."""
    ref_toks, hyp_toks = [], []
    for rs, h in zip(refs, hyps):
        ht = bleu_tokens(h, tokenizer, lowercase)
        if len(ht) >= MAX_ORDER:
            ref_toks.append([bleu_tokens(r, tokenizer, lowercase) for r in rs])
            hyp_toks.append(ht)
    return 100 * corpus_bleu(ref_toks, hyp_toks)


def wmt17_goldens():
    refs = [[r] for r in read('newstest2017-ende-ref.de.txt.gz')]
    systems = sorted(f for f in os.listdir(DATA) if f.startswith('newstest2017.'))
    out = {f: nltk_bleu(refs, read(f)) for f in systems}
    # other tokenizers, lowercasing and a second reference stream, on one system
    lium = read('newstest2017.LIUM-NMT.4900.en-de.txt.gz')
    online_b = read('newstest2017.online-B.0.en-de.txt.gz')
    variants = {tok: nltk_bleu(refs, lium, tok) for tok in ('intl', 'char', 'none')}
    variants['13a-lc'] = nltk_bleu(refs, lium, '13a', True)
    variants['2refs'] = nltk_bleu([r + [b] for r, b in zip(refs, online_b)], lium)
    return out, variants


SENTENCE_CASES = [
    # (hypothesis, [references]); every order has n-grams in each hypothesis
    ('The cat sat on the mat today.', ['The cat is sitting on the mat.']),
    ('A quick brown dog jumps over the lazy fox', ['The quick brown fox jumps over the lazy dog']),
    ('It was not surprising at all', ['No one was surprised.', 'It was not unexpected.']),
    ('the the the the the the the', ['The cat is on the mat.', 'There is a cat on the mat.']),
    ('constructor __proto__ toString valueOf', ['toString constructor __proto__ hasOwnProperty']),
    ('Completely different words here now', ['Nothing in common with this reference sentence']),
]


def sentence_goldens():
    sm = SmoothingFunction()
    methods = {'floor': sm.method1, 'add-k': sm.method2, 'exp': sm.method3}
    out = []
    for hyp, refs in SENTENCE_CASES:
        h = bleu_tokens(hyp)
        rs = [bleu_tokens(r) for r in refs]
        row = {'hyp': hyp, 'refs': refs}
        for name, fn in methods.items():
            row[name] = 100 * sentence_bleu(rs, h, smoothing_function=fn)
        out.append(row)
    return out


def main():
    import nltk
    systems, variants = wmt17_goldens()
    golden = {
        'generator': 'tools/metrics_golden.py',
        'nltk_version': nltk.__version__,
        'python_version': sys.version.split()[0],
        'unicode_version': __import__('unicodedata').unidata_version,
        'min_hyp_tokens': MAX_ORDER,
        'tokenizers': tokenizer_goldens(),
        'wmt17_corpus_bleu_13a': systems,
        'wmt17_lium_variants': variants,
        'sentence_bleu': sentence_goldens(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(golden, f, ensure_ascii=True, indent=1)
        f.write('\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
