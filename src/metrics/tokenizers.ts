// BLEU tokenizers with sacreBLEU 2.x semantics (sacrebleu/tokenizers/tokenizer_{13a,intl,zh,char,none}.py).
// sacreBLEU's tokenizers end with `' '.join(line.split())` and BLEU splits the result again; here the
// internal tokenizers return whitespace-separated tokens without that normalisation (it changes no
// token and costs a pass over every line), and `tokenize()` normalises for callers who want the string.
import { SeqwasmError } from '../errors.js';
import { codePoints, pyNormalizeSpaces, pyStrip } from './text.js';

export type TokenizerName = '13a' | 'intl' | 'zh' | 'char' | 'none';
export const TOKENIZER_NAMES: readonly TokenizerName[] = ['13a', 'intl', 'zh', 'char', 'none'];

export type Tokenizer = (line: string) => string;

// mteval-v13a's Western rules, shared by `13a` and `zh`. The classes are ASCII-only, so they are
// the same on UTF-16 units and on code points. The first class is: { | } ~ [ \ ] ^ _ `
// ! " # $ % & ( ) * + : ; < = > ? @ /  (ASCII punctuation but ' , - . ). sacreBLEU's class also
// holds the space, which only turns one space into three; leaving it out gives the same tokens
// (no later rule can consume a space as a digit, '.' or ',') and makes this rule 8 times faster.
export const WESTERN_RULES: readonly [RegExp, string][] = [
  [/([{-~[-`!-&(-+:-@\/])/g, ' $1 '],
  // period and comma unless preceded by a digit
  [/([^0-9])([.,])/g, '$1 $2 '],
  // period and comma unless followed by a digit
  [/([.,])([^0-9])/g, ' $1 $2'],
  // dash when preceded by a digit
  [/([0-9])(-)/g, '$1 $2 '],
];

function western(line: string): string {
  for (const [re, repl] of WESTERN_RULES) line = line.replace(re, repl);
  return line;
}

/** The four XML entities mteval (and tercom) unescape. */
export function unescapeXml(line: string): string {
  if (!line.includes('&')) return line;
  return line
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}

/** mteval-v13a: unescape four XML entities, then the Western rules with a space added at both ends. */
function tokenize13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  return western(` ${unescapeXml(line)} `);
}

// mteval-v14 "international": Unicode general categories P (punctuation), S (symbol), N (number),
// as Python's `regex` module reads \p{P}, \p{S}, \p{N}. The `u` flag makes these code-point based.
// No space is added at the ends, so a sentence-final "2017." keeps its period (as in mteval-v14).
const INTL_RULES: readonly [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  [/(\p{S})/gu, ' $1 '],
];

function tokenizeIntl(line: string): string {
  for (const [re, repl] of INTL_RULES) line = line.replace(re, repl);
  return line;
}

// The code point ranges sacreBLEU's `zh` tokenizer isolates. Two of its ranges are written in Python
// as 6-hex-digit `\u` escapes ('\u20000'..'\u2a6d6', '\u2f800'..'\u2fa1d'), which Python reads as a
// 4-digit escape plus a digit; compared with one character, they select U+2001..U+2A6D and
// U+2F81..U+2FA1 (general punctuation, currency, arrows, maths, ...). We reproduce that exactly,
// since it is what every published sacreBLEU `tok:zh` score used; CJK Extension B is therefore not split.
const ZH_RANGES: readonly [number, number][] = [
  [0x3400, 0x4db5],
  [0x4e00, 0x9fa5],
  [0x9fa6, 0x9fbb],
  [0xf900, 0xfa2d],
  [0xfa30, 0xfa6a],
  [0xfa70, 0xfad9],
  [0x2001, 0x2a6d],
  [0x2f81, 0x2fa1],
  [0xff00, 0xffef],
  [0x2e80, 0x2eff],
  [0x3000, 0x303f],
  [0x31c0, 0x31ef],
  [0x2f00, 0x2fdf],
  [0x2ff0, 0x2fff],
  [0x3100, 0x312f],
  [0x31a0, 0x31bf],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe4f],
  [0x2600, 0x26ff],
  [0x2700, 0x27bf],
  [0x3200, 0x32ff],
  [0x3300, 0x33ff],
];

function isZhChar(cp: number): boolean {
  for (const [lo, hi] of ZH_RANGES) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** Chinese: every character in ZH_RANGES becomes its own token, the rest follows the Western rules. */
function tokenizeZh(line: string): string {
  let out = '';
  for (const ch of pyStrip(line)) {
    out += isZhChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  }
  // sacreBLEU's zh applies the Western rules without 13a's entity unescaping or padding.
  return western(out);
}

/** Every code point is a token (whitespace disappears when BLEU splits). */
function tokenizeChar(line: string): string {
  return codePoints(line).join(' ');
}

function tokenizeNone(line: string): string {
  return line;
}

const TOKENIZERS: Readonly<Record<TokenizerName, Tokenizer>> = {
  '13a': tokenize13a,
  intl: tokenizeIntl,
  zh: tokenizeZh,
  char: tokenizeChar,
  none: tokenizeNone,
};

/** The named tokenizer, returning whitespace-separated tokens (see the note at the top). */
export function getTokenizer(name: string): Tokenizer {
  if (!(TOKENIZER_NAMES as readonly string[]).includes(name)) {
    throw new SeqwasmError(
      'bad_argument',
      `unknown tokenizer: expected one of ${TOKENIZER_NAMES.join(', ')}, received ${JSON.stringify(name)}`,
    );
  }
  return TOKENIZERS[name as TokenizerName];
}

/** The tokens of `line` joined by single spaces, exactly as sacreBLEU's tokenizer `name` returns them. */
export function tokenize(line: string, name: TokenizerName = '13a'): string {
  return pyNormalizeSpaces(getTokenizer(name)(line));
}
