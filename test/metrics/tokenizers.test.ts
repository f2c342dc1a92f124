import { describe, expect, it } from 'vitest';
import { BLEU } from '../../src/metrics/bleu.js';
import { getTokenizer, tokenize, TOKENIZER_NAMES, type TokenizerName } from '../../src/metrics/tokenizers.js';
import { codePoints, pyRstrip, pySplit, pyStrip } from '../../src/metrics/text.js';
import { SeqwasmError } from '../../src/errors.js';
import { golden } from './data.js';

describe('Python whitespace', () => {
  // The set of str.isspace() characters in Python 3.11 (checked exhaustively over all code points
  // when writing text.ts); JavaScript's \s differs on U+001C-U+001F, U+0085 and U+FEFF.
  const PY_SPACES = [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
    0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ];

  it('splits on exactly the characters Python splits on', () => {
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const parts = pySplit(`a${String.fromCharCode(c)}b`);
      expect(parts.length === 2, `U+${c.toString(16)}`).toBe(PY_SPACES.includes(c));
    }
  });

  it('keeps U+FEFF and zero-width space inside tokens, unlike JavaScript\'s \\s', () => {
    expect(pySplit('\ufeffHallo Welt')).toEqual(['\ufeffHallo', 'Welt']);
    expect('\ufeffHallo'.trim()).toBe('Hallo'); // the JavaScript behaviour we must not use
    expect(pySplit('a\u200bb')).toEqual(['a\u200bb']);
  });

  it('strips like str.strip() / str.rstrip()', () => {
    expect(pyRstrip(' a \x1c\x85\n')).toBe(' a');
    expect(pyStrip('\x1f a b \u3000')).toBe('a b');
    expect(pyRstrip('a\ufeff')).toBe('a\ufeff');
    expect(pySplit('')).toEqual([]);
    expect(pySplit(' \t\n ')).toEqual([]);
  });

  it('counts characters as code points', () => {
    expect(codePoints('a😀𠀀b')).toEqual(['a', '😀', '𠀀', 'b']);
  });
});

describe('tokenizers against Python (tools/metrics_golden.py)', () => {
  const names: TokenizerName[] = ['13a', 'intl', 'zh', 'char'];
  for (const row of golden.tokenizers) {
    it(`tokenizes ${JSON.stringify(row.input).slice(0, 50)}`, () => {
      for (const name of names) {
        expect(new BLEU({ tokenize: name }).tokens(row.input).join(' '), name).toBe(row[name]);
      }
      expect(new BLEU({ lowercase: true }).tokens(row.input).join(' '), 'lowercased 13a').toBe(row.lc13a);
    });
  }
});

describe('tokenizer rules (sacreBLEU facts)', () => {
  it('13a unescapes the four XML entities and only those', () => {
    expect(tokenize('&quot;a&quot; &amp; &lt;b&gt; &apos;c&apos;')).toBe('" a " & < b > & apos ; c & apos ;');
  });

  it('13a keeps periods and commas between digits, and splits a dash after a digit', () => {
    expect(tokenize('3.14 1,000 end. 10-20 a-b')).toBe('3.14 1,000 end . 10 - 20 a-b');
  });

  it('intl keeps a sentence-final period after a number (as mteval-v14 does)', () => {
    expect(tokenize('Es war 2017.', 'intl')).toBe('Es war 2017.');
    expect(tokenize('Es war 2017.', '13a')).toBe('Es war 2017 .');
  });

  it('intl splits Unicode punctuation and symbols', () => {
    expect(tokenize('„Hallo“ — sagte er… 5€', 'intl')).toBe('„ Hallo “ — sagte er … 5 €');
  });

  it('zh isolates CJK characters and, like sacreBLEU, U+2001..U+2A6D but not CJK Extension B', () => {
    expect(tokenize('我爱abc。', 'zh')).toBe('我 爱 abc 。');
    expect(tokenize('a“b”c', 'zh')).toBe('a “ b ” c');
    expect(tokenize('x𠀀y', 'zh')).toBe('x𠀀y');
  });

  it('char splits into code points and drops whitespace', () => {
    expect(new BLEU({ tokenize: 'char' }).tokens('ab 😀')).toEqual(['a', 'b', '😀']);
  });

  it('none splits on Python whitespace only', () => {
    expect(new BLEU({ tokenize: 'none' }).tokens('a,b \x1cc\ufeffd')).toEqual(['a,b', 'c\ufeffd']);
  });

  it('rejects an unknown tokenizer with the accepted names', () => {
    expect(() => getTokenizer('moses')).toThrow(SeqwasmError);
    expect(() => getTokenizer('moses')).toThrow(/expected one of 13a, intl, zh, char, none, received "moses"/);
    expect(TOKENIZER_NAMES).toEqual(['13a', 'intl', 'zh', 'char', 'none']);
  });
});
