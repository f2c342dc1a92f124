// TER with sacreBLEU 2.x semantics (sacrebleu/metrics/ter.py, tokenizers/tokenizer_ter.py):
// case-insensitive by default, no tokenization unless `normalized`, optional punctuation removal and
// Asian (CJK) splitting; for several references, the fewest edits and the average reference length.
import { ReferenceMetric, type RefStreams, type Score } from './metric.js';
import { formatSignature, yesNo, type ResamplingInfo } from './signature.js';
import { translationEditRate } from './tercom.js';
import { pyRstrip, pySplit } from './text.js';
import { unescapeXml, WESTERN_RULES } from './tokenizers.js';

export interface TerOptions {
  /** Tercom's normalisation: unescape entities and tokenize punctuation (Western rules). */
  normalized?: boolean;
  /** Remove . , ? : ; ! " ( ) (and CJK punctuation with `asianSupport`). */
  noPunct?: boolean;
  /** With `normalized`, split CJK characters; with `noPunct`, remove CJK punctuation too. */
  asianSupport?: boolean;
  /** Default false: TER lowercases everything. */
  caseSensitive?: boolean;
  references?: RefStreams;
}

export interface TerScore extends Score {
  name: 'TER';
  score: number;
  num_edits: number;
  ref_length: number;
}

// tercom's Normalizer.java as sacreBLEU ports it: Western rule 1, possessives, then rules 2-4.
const TERCOM_WESTERN: readonly [RegExp, string][] = [
  WESTERN_RULES[0],
  [/'s /g, " 's "],
  [/'s$/g, " 's"],
  ...WESTERN_RULES.slice(1),
];

const ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/g;
const FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/g;

// CJK blocks split to single characters; the kana rules are sacreBLEU's literal (and odd) patterns,
// which in effect only match a kana run that is the whole string.
const ASIAN_RULES: readonly [RegExp, string][] = [
  [/([\u4e00-\u9fff\u3400-\u4dbf])/g, ' $1 '],
  [/([\u31c0-\u31ef\u2e80-\u2eff])/g, ' $1 '],
  [/([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/g, ' $1 '],
  [/([\u3200-\u3f22])/g, ' $1 '],
  [/(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/g, '$1 $2 '],
  [/(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/g, '$1 $2 '],
  [/(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/g, '$1 $2 '],
  [ASIAN_PUNCT, ' $1 '],
  [FULL_WIDTH_PUNCT, ' $1 '],
];

const applyRules = (s: string, rules: readonly [RegExp, string][]): string =>
  rules.reduce((acc, [re, repl]) => acc.replace(re, repl), s);

export class TER extends ReferenceMetric<string[][], TerScore> {
  readonly name = 'TER';
  readonly normalized: boolean;
  readonly noPunct: boolean;
  readonly asianSupport: boolean;
  readonly caseSensitive: boolean;

  constructor(opts: TerOptions = {}) {
    super();
    this.normalized = opts.normalized ?? false;
    this.noPunct = opts.noPunct ?? false;
    this.asianSupport = opts.asianSupport ?? false;
    this.caseSensitive = opts.caseSensitive ?? false;
    if (opts.references !== undefined) this.cacheReferences(opts.references);
  }

  /** Tercom's tokenization of one line, as words. */
  words(line: string): string[] {
    let s = pyRstrip(line);
    if (!this.caseSensitive) s = s.toLowerCase();
    if (this.normalized) {
      s = s.replace(/\n-/g, '').replace(/\n/g, ' ');
      s = applyRules(` ${unescapeXml(s)} `, TERCOM_WESTERN);
      if (this.asianSupport) s = applyRules(s, ASIAN_RULES);
      // (tercom's whitespace collapsing is left to the split below: it changes no word)
    }
    if (this.noPunct) {
      s = s.replace(/[.,?:;!"()]/g, '');
      if (this.asianSupport) s = s.replace(ASIAN_PUNCT, '').replace(FULL_WIDTH_PUNCT, '');
    }
    return pySplit(s);
  }

  protected referenceInfo(refs: string[]): string[][] {
    return refs.map((r) => this.words(r));
  }

  /** [fewest edits over the references, average reference length]. */
  protected segmentStatistics(hyp: string, refs: string[][]): number[] {
    const words = this.words(hyp);
    let best = Infinity;
    let lengths = 0;
    for (const ref of refs) {
      const [edits, len] = translationEditRate(words, ref);
      lengths += len;
      if (edits < best) best = edits;
    }
    return [best, lengths / refs.length];
  }

  protected statisticsLength(): number {
    return 2;
  }

  protected computeScore(stats: readonly number[]): TerScore {
    const [edits, refLength] = stats;
    let score: number;
    if (refLength > 0) score = edits / refLength;
    else score = edits > 0 ? 1 : 0; // empty reference(s): 100 with a non-empty hypothesis, else 0
    return { name: 'TER', score: 100 * score, num_edits: Math.trunc(edits), ref_length: refLength };
  }

  signature(short = false, resampling: ResamplingInfo = {}): string {
    return formatSignature(
      this.requireNumRefs(),
      [
        { key: 'case', abbr: 'c', value: this.caseSensitive ? 'mixed' : 'lc' },
        { key: 'tok', abbr: 't', value: 'tercom' },
        { key: 'norm', abbr: 'nr', value: yesNo(this.normalized) },
        { key: 'punct', abbr: 'pn', value: yesNo(!this.noPunct) },
        { key: 'asian', abbr: 'as', value: yesNo(this.asianSupport) },
      ],
      short,
      resampling,
    );
  }
}
