// Build step: puts the compiled modules beside the compiled JavaScript in dist/, where every
// runtime entry looks for them, and makes the CLI executable.
import { copyFileSync, chmodSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
for (const file of ['seqwasm.wasm', 'seqwasm-relaxed.wasm', 'seqwasm-shared.wasm', 'seqwasm-shared-relaxed.wasm']) copyFileSync(`build/${file}`, `dist/${file}`);
chmodSync('dist/cli.js', 0o755);
