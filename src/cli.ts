#!/usr/bin/env node
// The `seqwasm` command. Each subcommand lives in src/cli/ and is loaded only when used.
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { SeqwasmError } from './errors.js';
import { relaxedSimdSupported } from './core/init.js';
import { VERSION } from './api.js';
import type { CliIO, Command } from './cli/io.js';

const commands: Record<string, Command> = {
  bleu: {
    summary: 'score translations with BLEU, chrF and TER as sacreBLEU does (seqwasm bleu --help)',
    run: async (argv, io) => (await import('./cli/bleu.js')).bleuCommand(argv, io),
  },
  word2vec: {
    summary: "train word vectors with word2vec.c's options, or query them (seqwasm word2vec --help)",
    run: async (argv, io) => (await import('./cli/word2vec.js')).word2vecCommand(argv, io),
  },
  seq2seq: {
    summary: 'train an attention encoder-decoder on tab-separated pairs (seqwasm seq2seq train --help)',
    run: async (argv, io) => (await import('./cli/seq2seq.js')).seq2seqCommand(argv, io),
  },
  translate: {
    summary: 'translate lines with a trained model, greedy or beam search (seqwasm translate --help)',
    run: async (argv, io) => (await import('./cli/seq2seq.js')).translateCommand(argv, io),
  },
  bench: {
    summary: "time seqwasm's own workloads (GEMM, GEMV) on each build this runtime runs",
    run: async (argv, io) => (await import('./cli/bench.js')).benchCommand(argv, io),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    `seqwasm ${VERSION}: sequence models in WebAssembly`,
    '',
    'Usage: seqwasm <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (or a command\'s: seqwasm <command> --help)',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Node 20 runs relaxed-SIMD modules only behind a flag that a shebang cannot pass portably, so
 * the CLI re-runs itself once with the flag there. Newer Nodes have relaxed SIMD on by default.
 */
function reexecWithRelaxedSimd(): number | null {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20 || relaxedSimdSupported() || process.env.SEQWASM_NO_REEXEC) return null;
  const result = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, SEQWASM_NO_REEXEC: '1' },
  });
  return result.status ?? 1;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined || !Object.hasOwn(commands, name)) {
    io.stderr(`seqwasm: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}

// Run only when executed (npm's bin link is a symlink, hence realpath), not when imported by tests.
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const code = reexecWithRelaxedSimd();
  if (code !== null) process.exit(code);
  const io: CliIO = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (path) => readFile(path, 'utf8'),
    readStdin,
  };
  main(process.argv.slice(2), io).then(
    (status) => { process.exitCode = status; },
    (err) => {
      if (err instanceof SeqwasmError) {
        process.stderr.write(`seqwasm: ${err.message} [${err.code}]\n`);
        process.exitCode = 1;
      } else {
        throw err;
      }
    },
  );
}
