// `npm run bench [-- --json FILE] [WORKLOAD...]`: runs every workload in bench/workloads/ (or
// the named ones), prints each figure with its ratio to every peer measured in the same run,
// and optionally writes all figures as JSON.
import { readdirSync, writeFileSync, renameSync } from 'node:fs';
import type { Figure, Workload } from './harness.js';

const args = process.argv.slice(2);
let jsonFile: string | undefined;
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') jsonFile = args[++i];
  else wanted.push(args[i]);
}
if (args.includes('--json') && !jsonFile) throw new Error('--json needs a file name');

const dir = new URL('./workloads/', import.meta.url);
const all: Workload[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  const mod = (await import(new URL(file, dir).href)) as { workloads: Workload[] };
  all.push(...mod.workloads);
}
const unknown = wanted.filter((w) => !all.some((x) => x.name === w));
if (unknown.length > 0) {
  console.error(`unknown workloads: ${unknown.join(', ')}; known: ${all.map((w) => w.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? all.filter((w) => wanted.includes(w.name)) : all;

/** How many times better seqwasm is than the peer (>1: seqwasm wins), whatever the unit. */
function advantage(w: Workload, ours: number, theirs: number): number {
  return w.higherIsBetter ? ours / theirs : theirs / ours;
}

const figures: Figure[] = [];
console.log(`seqwasm benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
for (const w of selected) {
  const f = await w.run({ peers: true });
  figures.push(f);
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const parts = [`seqwasm ${fmt(f.seqwasm)}`];
  if (f.relaxed !== undefined) parts.push(`relaxed ${fmt(f.relaxed)}`);
  for (const [peer, v] of Object.entries(f.peers)) {
    parts.push(`${peer} ${fmt(v)} (simd ×${advantage(w, f.seqwasm, v).toFixed(2)}` +
      (f.relaxed !== undefined ? `, relaxed ×${advantage(w, f.relaxed, v).toFixed(2)}` : '') + ')');
  }
  console.log(`${w.name.padEnd(16)} [${f.unit}] ${parts.join('  ')}${f.note ? `  — ${f.note}` : ''}`);
}
if (jsonFile) {
  // Write then rename, so an interrupted run never leaves a half-written file.
  writeFileSync(`${jsonFile}.tmp`, JSON.stringify(figures, null, 2) + '\n');
  renameSync(`${jsonFile}.tmp`, jsonFile);
  console.log(`wrote ${figures.length} figures to ${jsonFile}`);
}
