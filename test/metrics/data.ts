// Shared test data: the WMT17 en-de system outputs and reference in shared/data/wmt17 (see
// shared/data/SOURCES.md), and the NLTK golden values written by tools/metrics_golden.py.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** shared/ sits beside the repository (CI's fresh clone and the work tree alike). */
export const WMT17_DIR = [join(repo, '..', 'shared', 'data', 'wmt17'), '/work/shared/data/wmt17'].find((d) =>
  existsSync(d),
) as string;

if (WMT17_DIR === undefined) throw new Error('shared/data/wmt17 not found beside the repository');

/** Lines as Python reads them with newline='\n' (only '\n' ends a line; a final newline adds none). */
export function readGzLines(file: string): string[] {
  const lines = gunzipSync(readFileSync(join(WMT17_DIR, file))).toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const REF_FILE = 'newstest2017-ende-ref.de.txt.gz';
export const SYSTEM_FILES = readdirSync(WMT17_DIR)
  .filter((f) => f.startsWith('newstest2017.'))
  .sort();

/** "newstest2017.LIUM-NMT.4900.en-de.txt.gz" -> "LIUM-NMT.4900" */
export const systemName = (file: string): string => file.replace(/^newstest2017\./, '').replace(/\.en-de\.txt\.gz$/, '');

export const golden = JSON.parse(
  readFileSync(join(repo, 'test', 'fixtures', 'metrics', 'nltk_golden.json'), 'utf8'),
) as {
  min_hyp_tokens: number;
  tokenizers: Record<string, string>[];
  wmt17_corpus_bleu_13a: Record<string, number>;
  wmt17_lium_variants: Record<string, number>;
  sentence_bleu: { hyp: string; refs: string[]; floor: number; 'add-k': number; exp: number }[];
};
