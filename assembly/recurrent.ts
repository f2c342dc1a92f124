// Fused element-wise kernels of one time step of an RNN, GRU or LSTM, over a batch, with their
// backward passes. The GEMMs around them (input projection of all steps, the recurrent product,
// weight gradients) are done by the caller with blas.ts; these kernels do everything else a step
// needs in one pass over memory, and store what backward needs.
//
// Shapes: B batch rows, H hidden units. Gate layouts are PyTorch's: LSTM (i, f, g, o), GRU
// (r, z, n), each gate a block of H columns of a (B, G·H) row.
//
// Variable lengths (PyTorch's packed-sequence semantics): `lengths` points at B i32 lengths, or
// is 0 when every sample spans all steps. A sample is active at time t when t < length. An
// inactive sample's state is carried unchanged, its output row is zero, and in backward its
// state gradient passes through unchanged. Because the reverse direction walks t from T−1 down
// and carries h0 through its inactive (padded) steps, it starts at each sample's own last step.
//
// Outputs: `out` points at the (B, ldo) output rows of time t for this direction (ldo = D·H for
// D directions), so both directions write their halves of one (T, B, D·H) output in place.
import { sigmoid1, sigmoid4, tanh4 } from './math';

// Every kernel runs four hidden units at a time with f32x4 (math.ts: exp4, sigmoid4, tanh4,
// from Cephes), and the last H % 4 units with the scalar functions.

// @ts-ignore: decorator
@inline function active(lengths: usize, b: i32, t: i32): bool {
  return lengths == 0 || t < load<i32>(lengths + (<usize>b << 2));
}

// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function set(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

// @ts-ignore: decorator
@inline function mul(a: v128, b: v128): v128 {
  return f32x4.mul(a, b);
}

// @ts-ignore: decorator
@inline function add(a: v128, b: v128): v128 {
  return f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline function sub(a: v128, b: v128): v128 {
  return f32x4.sub(a, b);
}

/**
 * Pre-activation of four units: input side x·W_ihᵀ (row `x`) + b_ih + recurrent side h·W_hhᵀ
 * (row `r`) + b_hh, at column j. The biases are added here, not broadcast over the (T, B, G·H)
 * slab before the input projection: that lets the projection GEMM write the slab without reading
 * it (beta 0), which saves a pass over memory per call.
 */
// @ts-ignore: decorator
@inline function pre4(x: usize, bi: usize, r: usize, bh: usize, j: i32): v128 {
  return add(add(ld(x, j), ld(bi, j)), add(ld(r, j), ld(bh, j)));
}

// @ts-ignore: decorator
@inline function pre1(x: usize, bi: usize, r: usize, bh: usize, j: i32): f32 {
  return (f(x, j) + f(bi, j)) + (f(r, j) + f(bh, j));
}

/** Copies row b of a (B, H) state, or zeroes an output row. */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, H: i32): void {
  memory.copy(dst, src, <usize>H << 2);
}

// @ts-ignore: decorator
@inline function zeroRow(dst: usize, H: i32): void {
  memory.fill(dst, 0, <usize>H << 2);
}

/**
 * LSTM step. On entry `gates` (B, 4H) holds the input side x·W_ihᵀ and `rec` (B, 4H) the
 * recurrent product h·W_hhᵀ; with the biases `bih`, `bhh` (4H) their sum is the pre-activation.
 * Keeping the per-step GEMM's output in a small buffer that stays in cache (beta 0) and adding
 * the input side here, in one sequential pass, measured faster than accumulating the GEMM onto
 * the (T, B, 4H) slab.
 * On return `gates` holds the activations i, f, g, o (zero for inactive rows).
 * c' = f⊙c + i⊙g, h' = o⊙tanh(c'). Writes cNext, hNext (B, H), tanhC = tanh(c') (B, H), and
 * the output row.
 */
export function lstmStepForward(gates: usize, rec: usize, bih: usize, bhh: usize, cNext: usize, hNext: usize, tanhC: usize, out: usize, ldo: i32,
                                cPrev: usize, hPrev: usize, B: i32, H: i32, lengths: usize, t: i32): void {
  for (let b = 0; b < B; b++) {
    const g = gates + ((<usize>b * 4 * H) << 2);
    const q = rec + ((<usize>b * 4 * H) << 2);
    const row = (<usize>b * H) << 2;
    const o = out + ((<usize>b * ldo) << 2);
    if (!active(lengths, b, t)) {
      copyRow(cNext + row, cPrev + row, H);
      copyRow(hNext + row, hPrev + row, H);
      zeroRow(tanhC + row, H);
      zeroRow(o, H);
      memory.fill(g, 0, (<usize>4 * H) << 2);
      continue;
    }
    const cp = cPrev + row, cn = cNext + row, tcr = tanhC + row, hn = hNext + row;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const ig = sigmoid4(pre4(g, bih, q, bhh, j));
      const fg = sigmoid4(pre4(g, bih, q, bhh, H + j));
      const gg = tanh4(pre4(g, bih, q, bhh, 2 * H + j));
      const og = sigmoid4(pre4(g, bih, q, bhh, 3 * H + j));
      st(g, j, ig); st(g, H + j, fg); st(g, 2 * H + j, gg); st(g, 3 * H + j, og);
      const c = add(mul(fg, ld(cp, j)), mul(ig, gg));
      const tc = tanh4(c);
      st(cn, j, c);
      st(tcr, j, tc);
      const h = mul(og, tc);
      st(hn, j, h);
      st(o, j, h);
    }
    for (; j < H; j++) {
      const ig = sigmoid1(pre1(g, bih, q, bhh, j));
      const fg = sigmoid1(pre1(g, bih, q, bhh, H + j));
      const gg = Mathf.tanh(pre1(g, bih, q, bhh, 2 * H + j));
      const og = sigmoid1(pre1(g, bih, q, bhh, 3 * H + j));
      set(g, j, ig); set(g, H + j, fg); set(g, 2 * H + j, gg); set(g, 3 * H + j, og);
      const c = fg * f(cPrev + row, j) + ig * gg;
      const tc = Mathf.tanh(c);
      set(cNext + row, j, c);
      set(tanhC + row, j, tc);
      const h = og * tc;
      set(hNext + row, j, h);
      set(o, j, h);
    }
  }
}

/**
 * LSTM step backward. `dh` (B, H) holds the gradient flowing into h' from the next step; the
 * output gradient row `dOut` is added to it here. On return `dh` holds the part of ∂L/∂h that
 * does not go through the gates (the carried gradient of inactive rows, else 0): the caller adds
 * dGates·W_hh. `dc` (B, H) is updated in place from ∂L/∂c' to ∂L/∂c. Writes dGates (B, 4H),
 * the gradient of the pre-activations.
 */
export function lstmStepBackward(dGates: usize, dh: usize, dc: usize, gates: usize, cPrev: usize, tanhC: usize,
                                 dOut: usize, ldo: i32, B: i32, H: i32, lengths: usize, t: i32): void {
  for (let b = 0; b < B; b++) {
    const dg = dGates + ((<usize>b * 4 * H) << 2);
    const g = gates + ((<usize>b * 4 * H) << 2);
    const row = (<usize>b * H) << 2;
    if (!active(lengths, b, t)) {
      memory.fill(dg, 0, (<usize>4 * H) << 2);
      continue; // dh and dc pass through unchanged
    }
    const dO = dOut + ((<usize>b * ldo) << 2);
    const tcr = tanhC + row, dhr = dh + row, dcr = dc + row, cp = cPrev + row;
    const one = splat(1), zero = splat(0);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const ig = ld(g, j), fg = ld(g, H + j), gg = ld(g, 2 * H + j), og = ld(g, 3 * H + j);
      const tc = ld(tcr, j);
      const dhj = add(ld(dhr, j), ld(dO, j));
      const dcj = add(ld(dcr, j), mul(mul(dhj, og), sub(one, mul(tc, tc))));
      st(dg, j, mul(mul(mul(dcj, gg), ig), sub(one, ig)));
      st(dg, H + j, mul(mul(mul(dcj, ld(cp, j)), fg), sub(one, fg)));
      st(dg, 2 * H + j, mul(mul(dcj, ig), sub(one, mul(gg, gg))));
      st(dg, 3 * H + j, mul(mul(mul(dhj, tc), og), sub(one, og)));
      st(dcr, j, mul(dcj, fg));
      st(dhr, j, zero);
    }
    for (; j < H; j++) {
      const ig = f(g, j), fg = f(g, H + j), gg = f(g, 2 * H + j), og = f(g, 3 * H + j);
      const tc = f(tanhC + row, j);
      const dhj = f(dh + row, j) + f(dO, j);
      const dcj = f(dc + row, j) + dhj * og * (1 - tc * tc);
      set(dg, j, dcj * gg * ig * (1 - ig));
      set(dg, H + j, dcj * f(cPrev + row, j) * fg * (1 - fg));
      set(dg, 2 * H + j, dcj * ig * (1 - gg * gg));
      set(dg, 3 * H + j, dhj * tc * og * (1 - og));
      set(dc + row, j, dcj * fg);
      set(dh + row, j, 0);
    }
  }
}

/**
 * GRU step. On entry `gx` (B, 3H) holds x·W_ihᵀ and `gh` (B, 3H) holds h·W_hhᵀ; with the biases,
 * x_* = gx + b_ih and h_* = gh + b_hh. r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n),
 * h' = (1−z)⊙n + z⊙h. On return gx holds r, z, n; `hn` (B, H) keeps h_n for backward.
 */
export function gruStepForward(gx: usize, gh: usize, bih: usize, bhh: usize, hn: usize, hNext: usize, out: usize, ldo: i32,
                               hPrev: usize, B: i32, H: i32, lengths: usize, t: i32): void {
  for (let b = 0; b < B; b++) {
    const x = gx + ((<usize>b * 3 * H) << 2);
    const h = gh + ((<usize>b * 3 * H) << 2);
    const row = (<usize>b * H) << 2;
    const o = out + ((<usize>b * ldo) << 2);
    if (!active(lengths, b, t)) {
      copyRow(hNext + row, hPrev + row, H);
      zeroRow(hn + row, H);
      zeroRow(o, H);
      memory.fill(x, 0, (<usize>3 * H) << 2);
      continue;
    }
    const hnr = hn + row, hp = hPrev + row, hx = hNext + row;
    const one = splat(1);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const r = sigmoid4(pre4(x, bih, h, bhh, j));
      const z = sigmoid4(pre4(x, bih, h, bhh, H + j));
      const hnj = add(ld(h, 2 * H + j), ld(bhh, 2 * H + j));
      const n = tanh4(add(add(ld(x, 2 * H + j), ld(bih, 2 * H + j)), mul(r, hnj)));
      st(x, j, r); st(x, H + j, z); st(x, 2 * H + j, n);
      st(hnr, j, hnj);
      const hv = add(mul(sub(one, z), n), mul(z, ld(hp, j)));
      st(hx, j, hv);
      st(o, j, hv);
    }
    for (; j < H; j++) {
      const r = sigmoid1(pre1(x, bih, h, bhh, j));
      const z = sigmoid1(pre1(x, bih, h, bhh, H + j));
      const hnj = f(h, 2 * H + j) + f(bhh, 2 * H + j);
      const n = Mathf.tanh(f(x, 2 * H + j) + f(bih, 2 * H + j) + r * hnj);
      set(x, j, r); set(x, H + j, z); set(x, 2 * H + j, n);
      set(hn + row, j, hnj);
      const hv: f32 = (<f32>1 - z) * n + z * f(hPrev + row, j);
      set(hNext + row, j, hv);
      set(o, j, hv);
    }
  }
}

/**
 * GRU step backward. Writes the pre-activation gradients of the input side dGx (B, 3H) and of
 * the recurrent side dGh (B, 3H); they differ only in the n block (dGh_n = dGx_n ⊙ r). `dh` as
 * in lstmStepBackward: on return it holds the direct part z⊙∂L/∂h' (or the carried gradient);
 * the caller adds dGh·W_hh.
 */
export function gruStepBackward(dGx: usize, dGh: usize, dh: usize, gates: usize, hn: usize, hPrev: usize,
                                dOut: usize, ldo: i32, B: i32, H: i32, lengths: usize, t: i32): void {
  for (let b = 0; b < B; b++) {
    const dx = dGx + ((<usize>b * 3 * H) << 2);
    const dhh = dGh + ((<usize>b * 3 * H) << 2);
    const g = gates + ((<usize>b * 3 * H) << 2);
    const row = (<usize>b * H) << 2;
    if (!active(lengths, b, t)) {
      memory.fill(dx, 0, (<usize>3 * H) << 2);
      memory.fill(dhh, 0, (<usize>3 * H) << 2);
      continue;
    }
    const dO = dOut + ((<usize>b * ldo) << 2);
    const dhr = dh + row, hp = hPrev + row, hnr = hn + row;
    const one = splat(1);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const r = ld(g, j), z = ld(g, H + j), n = ld(g, 2 * H + j);
      const dhj = add(ld(dhr, j), ld(dO, j));
      const dnPre = mul(mul(dhj, sub(one, z)), sub(one, mul(n, n)));
      const dzPre = mul(mul(mul(dhj, sub(ld(hp, j), n)), z), sub(one, z));
      const drPre = mul(mul(mul(dnPre, ld(hnr, j)), r), sub(one, r));
      st(dx, j, drPre); st(dx, H + j, dzPre); st(dx, 2 * H + j, dnPre);
      st(dhh, j, drPre); st(dhh, H + j, dzPre); st(dhh, 2 * H + j, mul(dnPre, r));
      st(dhr, j, mul(dhj, z));
    }
    for (; j < H; j++) {
      const r = f(g, j), z = f(g, H + j), n = f(g, 2 * H + j);
      const dhj = f(dh + row, j) + f(dO, j);
      const dnPre = dhj * (1 - z) * (1 - n * n);
      const dzPre = dhj * (f(hPrev + row, j) - n) * z * (1 - z);
      const drPre = dnPre * f(hn + row, j) * r * (1 - r);
      set(dx, j, drPre); set(dx, H + j, dzPre); set(dx, 2 * H + j, dnPre);
      set(dhh, j, drPre); set(dhh, H + j, dzPre); set(dhh, 2 * H + j, dnPre * r);
      set(dh + row, j, dhj * z);
    }
  }
}

/**
 * Elman RNN step: on entry `g` (B, H) holds x·W_ihᵀ and `rec` (B, H) h·W_hhᵀ; the
 * pre-activation adds the biases. On return `g` holds h' = tanh(pre) (or relu(pre)), which is
 * also written to hNext and the output row.
 */
export function rnnStepForward(g: usize, rec: usize, bih: usize, bhh: usize, hNext: usize, out: usize, ldo: i32, hPrev: usize,
                               B: i32, H: i32, lengths: usize, t: i32, relu: i32): void {
  for (let b = 0; b < B; b++) {
    const gr = g + ((<usize>b * H) << 2);
    const q = rec + ((<usize>b * H) << 2);
    const row = (<usize>b * H) << 2;
    const o = out + ((<usize>b * ldo) << 2);
    if (!active(lengths, b, t)) {
      copyRow(hNext + row, hPrev + row, H);
      zeroRow(o, H);
      zeroRow(gr, H);
      continue;
    }
    const hx = hNext + row;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const p = pre4(gr, bih, q, bhh, j);
      const h = relu ? f32x4.max(p, splat(0)) : tanh4(p);
      st(gr, j, h);
      st(hx, j, h);
      st(o, j, h);
    }
    for (; j < H; j++) {
      const p = pre1(gr, bih, q, bhh, j);
      const h = relu ? max<f32>(p, 0) : Mathf.tanh(p);
      set(gr, j, h);
      set(hNext + row, j, h);
      set(o, j, h);
    }
  }
}

/** Elman RNN step backward; `g` holds the step's outputs h'. `dh` as in lstmStepBackward. */
export function rnnStepBackward(dG: usize, dh: usize, g: usize, dOut: usize, ldo: i32,
                                B: i32, H: i32, lengths: usize, t: i32, relu: i32): void {
  for (let b = 0; b < B; b++) {
    const dgr = dG + ((<usize>b * H) << 2);
    const gr = g + ((<usize>b * H) << 2);
    const row = (<usize>b * H) << 2;
    if (!active(lengths, b, t)) {
      zeroRow(dgr, H);
      continue;
    }
    const dO = dOut + ((<usize>b * ldo) << 2);
    const dhr = dh + row;
    const one = splat(1), zero = splat(0);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const h = ld(gr, j);
      const dhj = add(ld(dhr, j), ld(dO, j));
      st(dgr, j, relu ? v128.and(dhj, f32x4.gt(h, zero)) : mul(dhj, sub(one, mul(h, h))));
      st(dhr, j, zero);
    }
    for (; j < H; j++) {
      const h = f(gr, j);
      const dhj = f(dh + row, j) + f(dO, j);
      set(dgr, j, relu ? (h > 0 ? dhj : 0) : dhj * (1 - h * h));
      set(dh + row, j, 0);
    }
  }
}
