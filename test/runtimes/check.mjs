// The checks every runtime runs (Node, Deno, Chromium, workerd): a GEMM against a float64 loop,
// a small attention model trained, saved to bytes, reloaded and decoded, and word2vec with two
// Hogwild threads where the runtime has them (or the typed error where it has not). Runtime-neutral: no
// imports, no Node or DOM APIs. The caller imports `seqwasm` through the package's exports map and
// passes the module namespace in, so this file never decides which entry gets loaded.

/** M×K · K×N problems. Odd sizes on purpose: none is a multiple of a SIMD width or a tile. */
export const SIZES = [
  [7, 5, 9], // the headline case printed on each runtime's line
  [1, 7, 13], // a single row (matmul takes the GEMV path)
  [33, 17, 29],
  [67, 45, 71],
];

/** Tolerance on |C - C_ref| / Σ_k |A_ik|·|B_kj| (relative to the size of the terms summed). */
export const TOLERANCE = 1e-5;

/** mulberry32: a small seeded PRNG, so every runtime sees the same numbers. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values in [-1, 1), rounded to float32 so the float64 reference sees what the wasm sees. */
function values(n, seed) {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

/** Plain row-major float64 GEMM, and the scale Σ_k |a|·|b| for each entry. */
function reference(a, b, M, K, N) {
  const c = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < K; k++) {
        const p = a[i * K + k] * b[k * N + j];
        s += p;
        t += Math.abs(p);
      }
      c[i * N + j] = s;
      scale[i * N + j] = t;
    }
  }
  return { c, scale };
}

function compare(got, ref, shape, M, N) {
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== M || shape[1] !== N) {
    return { error: Infinity, problem: `result shape ${JSON.stringify(shape)}, expected [${M},${N}]` };
  }
  if (!(got instanceof Float32Array) || got.length !== M * N) {
    return { error: Infinity, problem: `toArray() gave ${got?.constructor?.name} of length ${got?.length}, expected Float32Array(${M * N})` };
  }
  let error = 0;
  for (let i = 0; i < M * N; i++) {
    const e = Math.abs(got[i] - ref.c[i]) / Math.max(ref.scale[i], 1e-30);
    if (Number.isNaN(e)) return { error: NaN, problem: `got ${got[i]} at flat index ${i}, expected ${ref.c[i]}` };
    if (e > error) error = e;
  }
  return { error, problem: null };
}

/**
 * Runs the check with the module namespace `seqwasm`. `threads` says whether this runtime must
 * train word2vec with threads (the entry knows where it runs). Returns a plain JSON-able object;
 * never throws (errors are reported in `error`).
 */
export async function runCheck(seqwasm, { threads }) {
  const result = { build: null, relaxedSupported: null, cases: [], headline: null, maxError: 0, ok: false, error: null };
  try {
    for (const name of ['init', 'createBackend', 'tensor', 'matmul', 'relaxedSimdSupported']) {
      if (typeof seqwasm[name] !== 'function') throw new Error(`the entry does not export a function ${name}`);
    }
    result.relaxedSupported = seqwasm.relaxedSimdSupported();
    const backend = await seqwasm.init();
    result.build = backend.build;
    const expected = result.relaxedSupported ? 'relaxed' : 'simd';
    const problems = [];
    if (backend.build !== expected) {
      problems.push(`init() picked build ${backend.build} but relaxedSimdSupported() is ${result.relaxedSupported} (expected ${expected})`);
    }

    const run = (label, build, makeTensor, M, K, N, seed) => {
      const a = values(M * K, seed);
      const b = values(K * N, seed + 1);
      const ref = reference(a, b, M, K, N);
      const ta = makeTensor(a, [M, K]);
      const tb = makeTensor(b, [K, N]);
      const tc = seqwasm.matmul(ta, tb);
      const { error, problem } = compare(tc.toArray(), ref, tc.shape, M, N);
      for (const t of [ta, tb, tc]) t.release?.();
      const ok = problem === null && error <= TOLERANCE;
      const c = { via: label, build, size: `${M}x${K}·${K}x${N}`, error, ok, problem };
      result.cases.push(c);
      if (!ok) problems.push(`${label} ${c.size}: ${problem ?? `max error ${error.toExponential(2)} > ${TOLERANCE}`}`);
      if (!(error <= result.maxError)) result.maxError = error;
      return c;
    };

    // The default backend through the free functions, as a user would call them.
    SIZES.forEach(([M, K, N], i) => {
      const c = run('init()', backend.build, (d, s) => seqwasm.tensor(d, s), M, K, N, 1000 + i * 10);
      if (i === 0) result.headline = c;
    });
    // Each build this runtime runs, asked for explicitly.
    for (const build of result.relaxedSupported ? ['simd', 'relaxed'] : ['simd']) {
      const other = await seqwasm.createBackend({ build });
      if (other.build !== build) problems.push(`createBackend({build: '${build}'}) gave build ${other.build}`);
      SIZES.forEach(([M, K, N], i) => run(`createBackend({build: '${build}'})`, build, (d, s) => other.tensor(d, s), M, K, N, 2000 + i * 10));
    }
    result.seq2seq = seq2seqCheck(seqwasm, problems);
    result.w2vThreads = await word2vecThreadsCheck(seqwasm, threads, problems);
    result.ok = problems.length === 0;
    if (!result.ok) result.error = problems.join('; ');
  } catch (e) {
    result.ok = false;
    result.error = `${e?.name ?? 'Error'}: ${e?.message ?? e}${e?.stack ? `\n${e.stack}` : ''}`;
  }
  // JSON has no Infinity/NaN: make the numbers printable.
  for (const c of result.cases) c.error = Number.isFinite(c.error) ? c.error : String(c.error);
  if (!Number.isFinite(result.maxError)) result.maxError = String(result.maxError);
  return result;
}

/**
 * Trains a small GRU attention model to reverse 3-5 letter words (seeded), round-trips it
 * through the model directory's bytes (safetensors, JSON), and decodes held-out words greedily
 * and with beam 3: the whole stack (training kernels, decoders, file formats, TextEncoder)
 * in this runtime. Returns the exact-match rates and the outputs; a rate under 0.9 is a problem.
 */
function seq2seqCheck(seqwasm, problems) {
  const { Seq2Seq, Seq2SeqVocabulary: Vocabulary, Translator } = seqwasm;
  const next = rng(7);
  const word = () => Array.from({ length: 3 + Math.floor(next() * 3) }, () => 'abcdef'[Math.floor(next() * 6)]).join('');
  const train = Array.from({ length: 600 }, word), test = Array.from({ length: 50 }, word);
  const reverse = (w) => [...w].reverse().join('');
  const src = Vocabulary.build(train, { level: 'char' }), tgt = Vocabulary.build(train.map(reverse), { level: 'char' });
  const model = new Seq2Seq({ srcVocabSize: src.size, tgtVocabSize: tgt.size, embeddingDim: 8, hiddenSize: 32, bidirectional: true, seed: 1 });
  const t0 = Date.now();
  model.fit(train.map((w) => src.encode(w)), train.map((w) => tgt.encode(reverse(w))), { epochs: 20, batchSize: 16, lr: 1e-2, seed: 1 });
  const seconds = (Date.now() - t0) / 1000;
  const reloaded = Translator.fromFiles(new Translator(model, src, tgt).toFiles());
  model.release();
  const outputs = (beam) => reloaded.translate(test, { beam }).map((h) => h[0].text);
  const greedy = outputs(1), beam3 = outputs(3);
  const rate = (o) => o.filter((t, i) => t === reverse(test[i])).length / test.length;
  // The outputs themselves go back too: with one thread and a seed, runtimes on the same build
  // must agree exactly (the runner compares them).
  const out = { greedy: rate(greedy), beam3: rate(beam3), trainSeconds: seconds, outputs: [...greedy, ...beam3].join(' ') };
  reloaded.release();
  if (!(out.greedy >= 0.9 && out.beam3 >= 0.9)) problems.push(`seq2seq: reversal exact match greedy ${out.greedy}, beam 3 ${out.beam3}, expected ≥ 0.9`);
  return out;
}

/**
 * word2vec with threads: 2. Where `expected` is true, threadsSupported() must say so, and a
 * skip-gram model trained on sentences that each draw from one of three word groups must have
 * learned the groups (every word's nearest neighbour in its own group, and the mean cosine
 * within groups well above the mean across) with both workers having trained (each one's
 * prediction count > 0). Where it is false, threadsSupported() must say so and threads: 2 must
 * throw a SeqwasmError that says why.
 */
async function word2vecThreadsCheck(seqwasm, expected, problems) {
  const supported = seqwasm.threadsSupported();
  if (supported !== expected) problems.push(`w2v: threadsSupported() is ${supported}, expected ${expected} in this runtime`);
  if (!expected) {
    try {
      new seqwasm.Word2Vec({ threads: 2 });
      problems.push('w2v: new Word2Vec({threads: 2}) did not throw where threads are not supported');
      return { threads: 'not refused' };
    } catch (e) {
      if (!(e instanceof seqwasm.SeqwasmError) || e.code !== 'bad_argument' || !/^threads must be 1 in this runtime, received 2: /.test(e.message)) {
        problems.push(`w2v: threads: 2 threw ${e?.name} ${e?.code}: ${e?.message}, expected a SeqwasmError bad_argument saying threads must be 1`);
      }
      return { threads: 'refused', error: `${e?.name} ${e?.code}: ${e?.message}` };
    }
  }
  const next = rng(11);
  const group = (s) => 'abc'[s % 3];
  // 2,400 sentences of 10 words: 24,000 words an epoch, three batches, so both workers get work.
  const lines = Array.from({ length: 2400 }, (_, s) => Array.from({ length: 10 }, () => `${group(s)}${Math.floor(next() * 8)}`));
  const t0 = Date.now();
  const model = new seqwasm.Word2Vec({ model: 'skipgram', vectorSize: 16, window: 3, negative: 3, minCount: 1, sample: 0, epochs: 3, seed: 1, threads: 2 });
  await model.buildVocab(lines);
  const run = await model.train(lines);
  const seconds = (Date.now() - t0) / 1000;
  const wv = model.wv, words = wv.words;
  let within = 0, nWithin = 0, across = 0, nAcross = 0, misplaced = 0;
  for (const a of words) {
    for (const b of words) {
      if (a === b) continue;
      const s = wv.similarity(a, b);
      if (a[0] === b[0]) { within += s; nWithin++; } else { across += s; nAcross++; }
    }
    if (wv.mostSimilar({ positive: a, topn: 1 })[0][0][0] !== a[0]) misplaced++;
  }
  model.dispose();
  const out = {
    threads: run.perThread.length, predictions: run.perThread.map((t) => t.predictions),
    within: Number((within / nWithin).toFixed(3)), across: Number((across / nAcross).toFixed(3)), misplaced, seconds,
  };
  if (out.threads !== 2 || !out.predictions.every((p) => p > 0)) problems.push(`w2v: per-thread predictions ${JSON.stringify(out.predictions)}, expected two counts > 0`);
  if (words.length !== 24) problems.push(`w2v: vocabulary of ${words.length} words, expected 24`);
  if (!(out.within > out.across + 0.3) || misplaced > 0) {
    problems.push(`w2v: mean cosine within groups ${out.within} vs across ${out.across} (expected a margin > 0.3), ${misplaced} words nearest to another group (expected 0)`);
  }
  return out;
}
