// A trained model with its vocabularies: text in, text out, and a self-contained directory:
//
//   config.json         {format, version, model: the Seq2Seq options}, plus what the caller adds
//   source-vocab.json   the source Vocabulary
//   target-vocab.json   the target Vocabulary
//   model.safetensors   the weights by PyTorch-style name (safetensors, F32)
//
// `toFiles` / `fromFiles` turn a translator into these files' bytes and back in any runtime;
// `save` / `load` write and read a directory in Node, and `fetch` reads one over HTTP(S)
// (browsers, Deno, Workers). Every file is written under a temporary name and renamed into
// place, weights last, so a reader never finds new weights beside an old configuration.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Backend } from '../core/backend.js';
import { getBackend } from '../core/init.js';
import { writeFiles } from '../core/files.js';
import { nodeModule } from '../core/node-module.js';
import { encodeSafetensors, decodeSafetensors } from '../nn/safetensors.js';
import { attentionHeatmap, type AttentionHeatmapOptions } from '../plot/attention-heatmap.js';
import type { Hypothesis } from '../decode/index.js';
import { Seq2Seq, type Seq2SeqOptions, type TranslateOptions } from './model.js';
import { Vocabulary, type VocabularyJSON } from './vocab.js';

export const SEQ2SEQ_FILES = {
  config: 'config.json',
  source: 'source-vocab.json',
  target: 'target-vocab.json',
  weights: 'model.safetensors',
} as const;

const FORMAT = 'seqwasm-seq2seq', VERSION = 1;

/** A hypothesis as text: the decoder's tokens, their strings, and the detokenized output. */
export interface TextHypothesis extends Hypothesis {
  text: string;
  /** The output tokens as strings (</s> left out). */
  words: string[];
}

export class Translator {
  /** Whatever else config.json holds (e.g. the training settings the CLI records). */
  readonly info: Record<string, unknown>;

  constructor(readonly model: Seq2Seq, readonly source: Vocabulary, readonly target: Vocabulary, info: Record<string, unknown> = {}) {
    if (!(model instanceof Seq2Seq) || !(source instanceof Vocabulary) || !(target instanceof Vocabulary)) {
      throw new SeqwasmError(ErrorCode.badArgument, `expected (Seq2Seq, Vocabulary, Vocabulary), received (${describe(model)}, ${describe(source)}, ${describe(target)})`);
    }
    if (model.srcVocabSize !== source.size || model.vocabSize !== target.size || model.bos !== target.bos || model.eos !== target.eos) {
      throw new SeqwasmError(ErrorCode.badArgument,
        `the vocabularies do not fit the model: it has ${model.srcVocabSize} source and ${model.vocabSize} target ids (bos ${model.bos}, eos ${model.eos}), ` +
        `the vocabularies ${source.size} and ${target.size} (bos ${target.bos}, eos ${target.eos})`);
    }
    this.info = info;
  }

  /** Source token ids of each text; an empty text or one over the model's maximum length is an error naming it. */
  encode(texts: readonly string[]): number[][] {
    if (!Array.isArray(texts) || texts.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `texts must be a non-empty array of strings, received ${describe(texts)}`);
    return texts.map((t, i) => {
      const ids = this.source.encode(t);
      if (ids.length === 0) throw new SeqwasmError(ErrorCode.badArgument, `texts[${i}] has no tokens (empty or only spaces)`);
      if (ids.length > this.model.maxSourceLength) throw new SeqwasmError(ErrorCode.outOfRange, `texts[${i}] has ${ids.length} tokens, more than the model's maxSourceLength ${this.model.maxSourceLength}`);
      return ids;
    });
  }

  /**
   * Translates texts; per text, up to `nbest` hypotheses, best first. <pad> and <s> are never
   * generated unless `bannedTokens` says otherwise (add `target.unk` to it to forbid <unk>).
   */
  translate(texts: readonly string[], options: TranslateOptions = {}): TextHypothesis[][] {
    const bannedTokens = options.bannedTokens ?? [this.target.pad, this.target.bos];
    return this.model.translate(this.encode(texts), { ...options, bannedTokens }).map((hyps) => hyps.map((h) => {
      const content = h.tokens.filter((t) => t !== this.target.eos);
      return { ...h, words: content.map((t) => this.target.tokens[t]), text: this.target.decode(content) };
    }));
  }

  /** The attention map of a translation of `text` (from `translate` with `returnAttention`) as SVG. */
  attentionSvg(text: string, hypothesis: TextHypothesis, options: AttentionHeatmapOptions = {}): string {
    if (hypothesis?.attention === undefined) throw new SeqwasmError(ErrorCode.badArgument, 'the hypothesis has no attention weights: translate with returnAttention: true');
    const target = hypothesis.tokens.map((t) => this.target.tokens[t]);
    return attentionHeatmap({ source: this.source.tokenize(text), target, weights: hypothesis.attention }, options);
  }

  /** Translates `text` and draws the attention map of its best translation. */
  heatmap(text: string, options: TranslateOptions & AttentionHeatmapOptions = {}): { svg: string; translation: TextHypothesis } {
    const [best] = this.translate([text], { ...options, nbest: 1, returnAttention: true })[0];
    return { svg: this.attentionSvg(text, best, options), translation: best };
  }

  /** The directory's files as bytes, by file name, weights last (the order to write them in). */
  toFiles(): Record<string, Uint8Array> {
    const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 1) + '\n');
    return {
      [SEQ2SEQ_FILES.config]: json({ ...this.info, format: FORMAT, version: VERSION, model: this.model.options }),
      [SEQ2SEQ_FILES.source]: json(this.source.toJSON()),
      [SEQ2SEQ_FILES.target]: json(this.target.toJSON()),
      [SEQ2SEQ_FILES.weights]: encodeSafetensors(this.model.stateDict(), { format: FORMAT }),
    };
  }

  /** Rebuilds a translator from the files' bytes (names as in SEQ2SEQ_FILES). */
  static fromFiles(files: Record<string, Uint8Array>, backend: Backend = getBackend()): Translator {
    const get = (name: string) => {
      const b = files?.[name];
      if (!(b instanceof Uint8Array)) throw new SeqwasmError(ErrorCode.badFile, `the model has no ${name}`);
      return b;
    };
    const json = (name: string): unknown => {
      const bytes = get(name);
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (e) {
        throw new SeqwasmError(ErrorCode.badFile, `${name} is not valid JSON: ${(e as Error).message}`);
      }
    };
    const config = json(SEQ2SEQ_FILES.config) as { format?: unknown; version?: unknown; model?: Seq2SeqOptions } & Record<string, unknown>;
    if (config === null || typeof config !== 'object' || config.format !== FORMAT) {
      throw new SeqwasmError(ErrorCode.badFile, `${SEQ2SEQ_FILES.config} must have format "${FORMAT}", received ${describe(config?.format)}`);
    }
    if (config.version !== VERSION) throw new SeqwasmError(ErrorCode.badFile, `${SEQ2SEQ_FILES.config} has version ${describe(config.version)}; this seqwasm reads version ${VERSION}`);
    const source = Vocabulary.fromJSON(json(SEQ2SEQ_FILES.source) as VocabularyJSON);
    const target = Vocabulary.fromJSON(json(SEQ2SEQ_FILES.target) as VocabularyJSON);
    const { dict } = decodeSafetensors(get(SEQ2SEQ_FILES.weights));
    const { format: _format, version: _version, model: options, ...info } = config;
    const model = new Seq2Seq(options as Seq2SeqOptions, backend); // checks the options
    try {
      model.loadStateDict(dict);
      return new Translator(model, source, target, info);
    } catch (e) {
      model.release();
      throw e;
    }
  }

  /** Writes the translator to `dir` (Node), creating it if needed. */
  async save(dir: string): Promise<void> {
    await writeFiles(dir, this.toFiles());
  }

  /** Reads a translator from `dir` (Node). */
  static async load(dir: string, backend: Backend = getBackend()): Promise<Translator> {
    const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(SEQ2SEQ_FILES)) {
      try {
        files[name] = new Uint8Array(await readFile(`${dir}/${name}`));
      } catch (e) {
        throw new SeqwasmError(ErrorCode.badFile, `cannot read ${dir}/${name}: ${(e as Error).message}`);
      }
    }
    return Translator.fromFiles(files, backend);
  }

  /** Reads a translator from a base URL (a directory served over HTTP(S)). */
  static async fetch(base: string | URL, backend: Backend = getBackend()): Promise<Translator> {
    const root = new URL(String(base).endsWith('/') ? String(base) : `${base}/`);
    const files: Record<string, Uint8Array> = {};
    await Promise.all(Object.values(SEQ2SEQ_FILES).map(async (name) => {
      const url = new URL(name, root);
      const r = await fetch(url);
      if (!r.ok) throw new SeqwasmError(ErrorCode.badFile, `cannot fetch ${url}: HTTP ${r.status}`);
      files[name] = new Uint8Array(await r.arrayBuffer());
    }));
    return Translator.fromFiles(files, backend);
  }

  release(): void {
    this.model.release();
  }
}
