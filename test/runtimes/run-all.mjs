#!/usr/bin/env node
// Cross-runtime check: packs seqwasm with `npm pack`, installs the tarball into a scratch
// consumer, and in Node, Deno, Chromium and workerd imports the bare specifier `seqwasm` (so each
// runtime goes through the package's exports map with its own condition), runs a GEMM of awkward
// sizes on every build the runtime supports and compares it with a float64 loop (check.mjs).
//
//   node test/runtimes/run-all.mjs [--only node,deno,chromium,workerd] [--keep] [--verbose]
//
// Prints one line per runtime and exits 1 if any runtime fails. See README.md.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const BIN = join(REPO, 'node_modules', '.bin');
const RUNTIME_TIMEOUT_MS = Number(process.env.SEQWASM_RUNTIME_TIMEOUT_MS ?? 60_000);
const TOTAL_TIMEOUT_MS = 180_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const RESULT_MARK = '__SEQWASM_RESULT__';
const FILES = ['check.mjs', 'node-entry.mjs', 'browser-entry.mjs', 'worker.mjs', 'page.html'];

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const keep = flag('--keep') || process.env.SEQWASM_KEEP_TMP === '1';
const verbose = flag('--verbose');
const ALL = ['node', 'deno', 'chromium', 'workerd'];
const only = (option('--only') ?? ALL.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only) {
  if (!ALL.includes(name)) {
    console.error(`unknown runtime ${name}; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is started in its own process group and killed on the way out.

const children = new Set();

function killGroup(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAll() {
  for (const child of children) killGroup(child);
  children.clear();
}

/** Spawns a tracked child; `done` resolves with its exit status and output (never rejects). */
function run(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    options.onOutput?.(d);
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    options.onOutput?.(d);
  });
  const done = new Promise((resolveDone) => {
    child.on('error', (error) => {
      children.delete(child);
      resolveDone({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n`, error });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => stdout + stderr };
}

/** Runs a command to completion; throws with its output if it fails. */
async function runOk(command, args, options) {
  const { done } = run(command, args, options);
  const r = await done;
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.code ?? r.signal}:\n${r.stdout}${r.stderr}`);
  return r;
}

const cleanups = [];
let scratch = null;

async function cleanUp() {
  for (const f of cleanups.splice(0).reverse()) {
    try {
      await f();
    } catch {
      // keep going: everything else must still be torn down
    }
  }
  killAll();
  if (scratch !== null && !keep) rmSync(scratch, { recursive: true, force: true });
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    console.error(`\nreceived ${signal}: stopping`);
    await cleanUp();
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function timeout(promise, ms, what, onTimeout) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        onTimeout?.();
        reject(new Error(`${what} timed out after ${ms / 1000} s`));
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Waits for a child with the per-runtime timeout; on timeout kills it and reports its output. */
async function timeoutWithOutput(proc, what) {
  try {
    return await timeout(proc.done, RUNTIME_TIMEOUT_MS, what, () => killGroup(proc.child));
  } catch (e) {
    const out = proc.output();
    if (out.trim()) e.message += `; its output:\n${tail(out)}`;
    throw e;
  }
}

const tail = (text, lines = 25) => text.trim().split('\n').filter((l) => l !== '' && !l.startsWith(RESULT_MARK)).slice(-lines).map((l) => `    ${l}`).join('\n');

function parseResult(output) {
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (line === undefined) return null;
  return JSON.parse(line.slice(RESULT_MARK.length));
}

/** A port that was free on 127.0.0.1 a moment ago (for programs that cannot take port 0). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolveConnect) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

/**
 * Resolves `exports["."]` (or `exports[subpath]`) of a package.json for a set of conditions, in
 * the map's key order, as Node and bundlers do. Returns the target string or undefined.
 */
function resolveExports(pkg, conditions, subpath = '.') {
  let target = pkg.exports;
  if (target !== null && typeof target === 'object' && !Array.isArray(target) && Object.keys(target).some((k) => k.startsWith('.'))) {
    target = target[subpath];
  } else if (subpath !== '.') {
    return undefined;
  }
  const pick = (t) => {
    if (typeof t === 'string') return t;
    if (Array.isArray(t)) {
      for (const x of t) {
        const r = pick(x);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    if (t !== null && typeof t === 'object') {
      for (const [key, value] of Object.entries(t)) {
        if (key === 'default' || conditions.includes(key)) {
          const r = pick(value);
          if (r !== undefined) return r;
        }
      }
    }
    return undefined;
  };
  return pick(target);
}

/** Every target path in an exports map, with the conditions leading to it. */
function exportTargets(exportsField, path = []) {
  if (typeof exportsField === 'string') return [{ path: path.join(' → '), target: exportsField }];
  if (Array.isArray(exportsField)) return exportsField.flatMap((x) => exportTargets(x, path));
  if (exportsField !== null && typeof exportsField === 'object') {
    return Object.entries(exportsField).flatMap(([k, v]) => exportTargets(v, [...path, k]));
  }
  return [];
}

function describeEntry(entry, pkgDir) {
  if (typeof entry !== 'string') return '?';
  let p = entry;
  if (entry.startsWith('file:')) p = fileURLToPath(entry);
  const m = /(?:^|\/)node_modules\/seqwasm\/(.*)$/.exec(p.split(sep).join('/'));
  if (m) return m[1];
  return pkgDir && p.startsWith(pkgDir) ? relative(pkgDir, p) : entry;
}

// ---------------------------------------------------------------------------------------------
// Setup: pack and install into a scratch consumer

async function setUp() {
  for (const file of ['dist/seqwasm.wasm', 'dist/seqwasm-relaxed.wasm', 'dist/seqwasm-shared.wasm', 'dist/seqwasm-shared-relaxed.wasm']) {
    if (!existsSync(join(REPO, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'seqwasm-runtimes-')));
  const t0 = Date.now();
  // --ignore-scripts: dist/ is already built; `prepare` would rebuild everything.
  const packed = await runOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: REPO });
  const [{ filename, files }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: 'seqwasm-runtime-check', private: true, type: 'module' }, null, 2)}\n`);
  await runOk('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock',
    '--loglevel=error', `./${basename(filename)}`], { cwd: scratch });
  for (const file of FILES) copyFileSync(join(HERE, file), join(scratch, file));
  const pkgDir = join(scratch, 'node_modules', 'seqwasm');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  console.log(`packed ${basename(filename)} (${files.length} files) and installed it in ${scratch} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { pkgDir, pkg };
}

/** Every file the exports map names must be in the tarball. */
function checkExportTargets({ pkgDir, pkg }) {
  const missing = exportTargets(pkg.exports).filter(({ target }) => !existsSync(join(pkgDir, target)));
  if (missing.length === 0) return { ok: true, line: `exports map: all ${exportTargets(pkg.exports).length} targets present in the tarball OK` };
  return {
    ok: false,
    line: `exports map: FAIL: ${missing.map(({ path, target }) => `${path} → ${target}`).join(', ')} not in the tarball`,
  };
}

// ---------------------------------------------------------------------------------------------
// Runtimes. Each returns { result, entry, notes[] } or throws.

async function checkNode(extraArgs = []) {
  const proc = run(process.execPath, [...extraArgs, 'node-entry.mjs'], { cwd: scratch });
  const r = await timeoutWithOutput(proc, 'node');
  const result = parseResult(r.stdout);
  if (result === null) throw new Error(`node exited with ${r.code ?? r.signal} and printed no result:\n${tail(r.stdout + r.stderr)}`);
  if (r.code !== 0) result.error = `${result.error ?? ''} (exit code ${r.code})`;
  return { result, log: r.stdout + r.stderr };
}

async function checkDeno() {
  const deno = join(BIN, 'deno');
  if (!existsSync(deno)) throw new Error(`${deno} is missing (devDependency deno): run npm install`);
  // --node-modules-dir=manual: use the node_modules that npm filled (no download, no Deno cache);
  // Deno then resolves `seqwasm` through package.json#exports like Node does.
  const args = ['run', '--no-prompt', '--no-lock', '--node-modules-dir=manual', '--cached-only', `--allow-read=${scratch}`, 'node-entry.mjs'];
  const env = { ...process.env, DENO_DIR: join(scratch, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const proc = run(deno, args, { cwd: scratch, env });
  const r = await timeoutWithOutput(proc, 'deno');
  const result = parseResult(r.stdout);
  if (result === null) throw new Error(`deno exited with ${r.code ?? r.signal} and printed no result:\n${tail(r.stdout + r.stderr)}`);
  if (r.code !== 0) result.error = `${result.error ?? ''} (exit code ${r.code})`;
  return { result, log: r.stdout + r.stderr };
}

// Cross-origin isolation (COOP + COEP) on every response: without it the page has no
// SharedArrayBuffer, so word2vec's threads cannot run there.
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

async function checkChromium({ pkg }) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const target = resolveExports(pkg, ['browser', 'import']);
  if (target === undefined) throw new Error('package.json#exports gives no target for the browser condition');
  const entryUrl = `/node_modules/seqwasm/${target.replace(/^\.\//, '')}`;
  if (!existsSync(join(scratch, entryUrl))) {
    throw new Error(`package.json#exports["."] gives ${target} for the browser condition, but the package has no such file`);
  }
  const importMap = JSON.stringify({ imports: { seqwasm: entryUrl } });
  const page = readFileSync(join(scratch, 'page.html'), 'utf8').replace('__IMPORT_MAP__', importMap);

  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, ISOLATION);
      res.end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/page.html') {
      res.writeHead(200, { ...ISOLATION, 'content-type': CONTENT_TYPES['.html'], 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    const file = resolve(scratch, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(scratch + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...ISOLATION, 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...ISOLATION, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  cleanups.push(() => new Promise((ok) => {
    server.closeAllConnections?.();
    server.close(ok);
  }));
  const { port } = server.address();

  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch (e) {
    throw new Error(`cannot import playwright-core (devDependency): ${e.message}`);
  }
  const chromium = playwright.chromium ?? playwright.default.chromium;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: RUNTIME_TIMEOUT_MS });
  cleanups.push(() => browser.close());
  const log = [];
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    tab.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => log.push(`page error: ${e.message}`));
    tab.on('response', (r) => {
      if (r.status() >= 400) log.push(`HTTP ${r.status()} ${r.url()}`);
    });
    tab.on('requestfailed', (r) => log.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await tab.goto(`http://127.0.0.1:${port}/page.html`, { timeout: RUNTIME_TIMEOUT_MS });
    await tab.waitForFunction(() => window.__result !== undefined, null, { timeout: RUNTIME_TIMEOUT_MS });
    const result = await tab.evaluate(() => window.__result);
    result.runtime = `chromium ${browser.version()}`;
    result.wasmFetched = requests.filter((p) => p.endsWith('.wasm')).map((p) => basename(p));
    result.entry ??= entryUrl;
    return { result, log: log.join('\n') };
  } catch (e) {
    e.message += log.length ? `\n${tail(log.join('\n'))}` : '';
    throw e;
  } finally {
    await browser.close().catch(() => {});
  }
}

async function bundleWorker() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    throw new Error(`cannot import esbuild (installed with vitest/tsx; add it to devDependencies if it moves): ${e.message}`);
  }
  const outdir = join(scratch, 'workerd');
  mkdirSync(outdir, { recursive: true });
  const built = await esbuild.build({
    absWorkingDir: scratch,
    entryPoints: ['worker.mjs'],
    outdir,
    entryNames: '[name]',
    assetNames: '[name]',
    outExtension: { '.js': '.js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // What wrangler uses for Workers: `workerd` first, then `worker` and `browser`.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // `copy` keeps `import m from './x.wasm'` an import of a separate file (which workerd turns
    // into a compiled WebAssembly.Module); nothing is inlined or compiled from bytes.
    loader: { '.wasm': 'copy' },
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = built.metafile.outputs;
  const main = Object.keys(outputs).find((p) => outputs[p].entryPoint === 'worker.mjs');
  const wasm = outputs[main].imports.filter((i) => i.path.endsWith('.wasm'));
  const entryImport = built.metafile.inputs['worker.mjs'].imports.find((i) => i.original === 'seqwasm');
  // Module names are relative to the main module, as the bundle's import specifiers are.
  const names = wasm.map((i) => relative(dirname(main), i.path).split(sep).join('/'));
  return { outdir, main: basename(main), wasm: names, entry: entryImport?.path };
}

function capnpConfig(main, wasmModules, port) {
  const str = (s) => JSON.stringify(s);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .checkWorker) ],
  sockets = [ (name = "http", address = ${str(`127.0.0.1:${port}`)}, http = (), service = "main") ],
);

const checkWorker :Workerd.Worker = (
  modules = [
    (name = ${str(main)}, esModule = embed ${str(main)}),
${wasmModules.map((w) => `    (name = ${str(w)}, wasm = embed ${str(w)}),`).join('\n')}
  ],
  compatibilityDate = "2025-06-01",
);
`;
}

async function checkWorkerd() {
  const workerd = join(BIN, 'workerd');
  if (!existsSync(workerd)) throw new Error(`${workerd} is missing (devDependency workerd): run npm install`);
  const bundle = await bundleWorker();
  if (bundle.wasm.length === 0) throw new Error(`the worker bundle imports no .wasm module (entry ${bundle.entry}): the wasm must have been inlined`);
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    writeFileSync(join(bundle.outdir, 'config.capnp'), capnpConfig(bundle.main, bundle.wasm, port));
    const proc = run(workerd, ['serve', 'config.capnp', '--verbose'], { cwd: bundle.outdir, env: { ...process.env, PWD: bundle.outdir } });
    try {
      const deadline = Date.now() + RUNTIME_TIMEOUT_MS;
      let exited = null;
      proc.done.then((r) => { exited = r; });
      while (!(await canConnect(port))) {
        if (exited !== null) break;
        if (Date.now() > deadline) throw new Error(`workerd did not listen on 127.0.0.1:${port} within ${RUNTIME_TIMEOUT_MS / 1000} s:\n${tail(proc.output())}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (exited !== null) {
        lastError = new Error(`workerd exited with ${exited.code ?? exited.signal} before listening:\n${tail(proc.output())}`);
        if (/address already in use/i.test(proc.output())) continue;
        throw lastError;
      }
      const response = await timeout(fetch(`http://127.0.0.1:${port}/`), RUNTIME_TIMEOUT_MS, 'fetching the worker');
      const text = await response.text();
      if (!response.ok) throw new Error(`the worker answered HTTP ${response.status}: ${text.slice(0, 2000)}\n${tail(proc.output())}`);
      const result = JSON.parse(text);
      result.entry ??= bundle.entry;
      result.wasmModules = bundle.wasm;
      // Give workerd a moment to flush its log before reading it.
      await new Promise((r) => setTimeout(r, 100));
      const log = proc.output();
      if (/Wasm code generation disallowed by embedder/i.test(log)) {
        result.ok = false;
        result.error = `${result.error ?? ''} workerd logged "Wasm code generation disallowed by embedder"`.trim();
      }
      if (!String(result.compileFromBytes).startsWith('refused')) {
        result.ok = false;
        result.error = `${result.error ?? ''} WebAssembly.compile(bytes) was ${result.compileFromBytes} in workerd, so the check cannot tell whether the module was imported`.trim();
      }
      return { result, log };
    } finally {
      killGroup(proc.child, 'SIGTERM');
      await timeout(proc.done, 5000, 'stopping workerd', () => killGroup(proc.child)).catch(() => killGroup(proc.child));
    }
  }
  throw lastError;
}

// ---------------------------------------------------------------------------------------------
// Report

function lineFor(name, { result }, seconds) {
  const head = result.headline;
  const error = (e) => (typeof e === 'number' ? e.toExponential(1) : String(e));
  const builds = [...new Set((result.cases ?? []).map((c) => c.build))].sort().reverse();
  const details = [];
  if (result.cases?.length) details.push(`${result.cases.length} cases on ${builds.join('+')} max error ${error(result.maxError)}`);
  if (result.seq2seq) details.push(`seq2seq reversal greedy ${result.seq2seq.greedy} beam ${result.seq2seq.beam3} (trained in ${result.seq2seq.trainSeconds} s)`);
  const w = result.w2vThreads;
  if (w?.predictions) details.push(`w2v threads ${w.threads}: predictions ${w.predictions.join('/')}, cosine within ${w.within} across ${w.across} (${w.seconds} s)`);
  else if (w) details.push(`w2v threads: 2 ${w.threads}${w.error ? ` (${w.error})` : ''}`);
  details.push(`entry ${describeEntry(result.entry)}`);
  if (result.wasmFetched) details.push(`fetched ${result.wasmFetched.join(', ') || 'no .wasm'}`);
  if (result.wasmModules) details.push(`wasm modules ${result.wasmModules.join(', ')}, compile from bytes ${String(result.compileFromBytes).split(' ')[0]}`);
  details.push(`${seconds.toFixed(1)} s`);
  const gemm = head ? `gemm ${head.size} max error ${error(head.error)}` : 'no gemm ran';
  const status = result.ok ? 'OK' : `FAIL: ${String(result.error ?? 'unknown error').split('\n')[0]}`;
  return `runtime ${name}: build ${result.build ?? '?'}, ${gemm} ${status} (${details.join('; ')})`;
}

async function main() {
  const started = Date.now();
  const failures = [];
  const lines = [];
  const report = (line, ok, name, more) => {
    console.log(line);
    if (more && (!ok || verbose)) console.log(more);
    lines.push(line);
    if (!ok) failures.push(name);
  };
  const setup = await setUp();
  const exportsCheck = checkExportTargets(setup);
  report(exportsCheck.line, exportsCheck.ok, 'exports map');

  const runtimes = [], outcomes = [];
  if (only.includes('node')) {
    runtimes.push(['node', () => checkNode()]);
  }
  if (only.includes('deno')) runtimes.push(['deno', () => checkDeno()]);
  if (only.includes('chromium')) runtimes.push(['chromium', () => checkChromium(setup)]);
  if (only.includes('workerd')) runtimes.push(['workerd', () => checkWorkerd()]);

  for (let i = 0; i < runtimes.length; i++) {
    const [name, check] = runtimes[i];
    const t0 = Date.now();
    try {
      const outcome = await timeout(check(), RUNTIME_TIMEOUT_MS + 10_000, name);
      const ok = outcome.result.ok === true;
      outcomes.push({ name, result: outcome.result });
      report(lineFor(name, outcome, (Date.now() - t0) / 1000), ok, name,
        !ok ? `${tail(String(outcome.result.error ?? ''))}\n${tail(outcome.log ?? '')}` : verbose ? tail(outcome.log ?? '') : undefined);
      // Node below 22 runs relaxed SIMD only behind a flag: check that build there too.
      if (name === 'node' && outcome.result.relaxedSupported === false) {
        runtimes.splice(i + 1, 0, ['node --experimental-wasm-relaxed-simd', () => checkNode(['--experimental-wasm-relaxed-simd'])]);
      }
    } catch (e) {
      const [first, ...rest] = String(e.message).split('\n');
      report(`runtime ${name}: FAIL: ${first}`, false, name, tail(verbose ? e.stack ?? '' : rest.join('\n'), 40) || undefined);
    }
  }
  // Seeded single-thread training is reproducible bit for bit: every runtime on the same build
  // must have produced the same translations.
  const byBuild = new Map();
  for (const { name, result } of outcomes) {
    if (!result.seq2seq) continue;
    const first = byBuild.get(result.build);
    if (!first) byBuild.set(result.build, { name, outputs: result.seq2seq.outputs });
    else if (first.outputs !== result.seq2seq.outputs) report(`seq2seq: ${name} and ${first.name} (build ${result.build}) trained different models from the same seed FAIL`, false, 'reproducibility');
  }
  if (byBuild.size > 0 && failures.length === 0) console.log(`seq2seq: identical translations on every runtime of each build (${[...byBuild.keys()].join(', ')}) OK`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length === 0) console.log(`all runtimes OK in ${seconds} s`);
  else console.log(`FAILED: ${failures.join(', ')} (${seconds} s)${keep ? `; scratch kept in ${scratch}` : '; rerun with --keep to inspect the scratch directory'}`);
  return failures.length === 0 ? 0 : 1;
}

const watchdog = setTimeout(async () => {
  console.error(`run-all: gave up after ${TOTAL_TIMEOUT_MS / 1000} s`);
  await cleanUp();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

let exitCode = 1;
try {
  exitCode = await main();
} catch (e) {
  console.error(`run-all: ${e.stack ?? e.message}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
process.exit(exitCode);
