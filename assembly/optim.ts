// Optimizer updates and gradient clipping over flat f32 buffers.
//
// Each update kernel applies one step of one optimizer to one parameter buffer in place, with
// PyTorch 1.13's single-tensor (`foreach=False`) update rules and operation order, so float32
// results agree with PyTorch's to a few ulps. Hyperparameters arrive as f64 (JavaScript numbers)
// and are rounded to f32 once, as PyTorch turns Python floats into float scalars; values derived
// from them (1 − β, bias corrections) are formed in f64 first for the same reason.
//
// The element-wise rule of each kernel is written once, in an inlined `xxxAt(off, full, ...)`.
// With `full` it handles four lanes; without, one element in lane 0 (the other lanes load as
// zero and are never stored), which is how the SIMD tail runs the very same rule.
import { madd } from './simd';

// @ts-ignore: decorator
@inline function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_zero(p);
}

// @ts-ignore: decorator
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

// ---------------------------------------------------------------------------------------------
// SGD

// @ts-ignore: decorator
@inline function sgdAt(off: usize, full: bool, param: usize, buf: usize, grad: usize,
                       negLr: v128, mu: v128, keep: v128, wd: v128, useMomentum: bool,
                       useDecay: bool, nesterov: bool, maximize: bool, firstStep: bool): void {
  const p = ld(param + off, full);
  let g = ld(grad + off, full);
  if (maximize) g = f32x4.neg(g);
  if (useDecay) g = madd(p, wd, g);
  if (useMomentum) {
    const b = firstStep ? g : madd(g, keep, f32x4.mul(ld(buf + off, full), mu));
    st(buf + off, b, full);
    g = nesterov ? madd(b, mu, g) : b;
  }
  st(param + off, madd(g, negLr, p), full);
}

/**
 * SGD with momentum, dampening, Nesterov and L2 weight decay, one step:
 *   g = ±grad + wd·p;  b = g on the first step (no dampening), else μ·b + (1−dampening)·g;
 *   g = nesterov ? g + μ·b : b;  p −= lr·g.
 * `momentumBuf` is touched only when momentum ≠ 0 (it may be 0 otherwise).
 */
export function sgdStep(param: usize,        // (n) updated in place
                        momentumBuf: usize,  // (n) updated in place
                        grad: usize,         // (n)
                        n: i32, lr: f64, momentum: f64, dampening: f64, weightDecay: f64,
                        nesterov: i32, maximize: i32, firstStep: i32): void {
  const negLr = f32x4.splat(<f32>-lr);
  const mu = f32x4.splat(<f32>momentum);
  const keep = f32x4.splat(<f32>(1.0 - dampening));
  const wd = f32x4.splat(<f32>weightDecay);
  const useMomentum = momentum != 0, useDecay = weightDecay != 0;
  const nest = nesterov != 0, flip = maximize != 0, first = firstStep != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    sgdAt(<usize>i << 2, true, param, momentumBuf, grad, negLr, mu, keep, wd, useMomentum, useDecay, nest, flip, first);
  }
  for (; i < n; i++) {
    sgdAt(<usize>i << 2, false, param, momentumBuf, grad, negLr, mu, keep, wd, useMomentum, useDecay, nest, flip, first);
  }
}

// ---------------------------------------------------------------------------------------------
// Adam / AdamW

// @ts-ignore: decorator
@inline function adamAt(off: usize, full: bool, param: usize, m1: usize, m2: usize, m2max: usize,
                        grad: usize, b1: v128, c1: v128, b2: v128, c2: v128, eps: v128, wd: v128,
                        shrink: v128, negStepSize: v128, bc2Sqrt: v128, useDecay: bool,
                        decoupled: bool, amsgrad: bool, maximize: bool): void {
  let p = ld(param + off, full);
  let g = ld(grad + off, full);
  if (maximize) g = f32x4.neg(g);
  if (decoupled) p = f32x4.mul(p, shrink);
  else if (useDecay) g = madd(p, wd, g);
  const m = madd(g, c1, f32x4.mul(ld(m1 + off, full), b1));
  let v = madd(f32x4.mul(g, g), c2, f32x4.mul(ld(m2 + off, full), b2));
  st(m1 + off, m, full);
  st(m2 + off, v, full);
  if (amsgrad) {
    v = f32x4.max(ld(m2max + off, full), v);
    st(m2max + off, v, full);
  }
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), bc2Sqrt), eps);
  st(param + off, madd(f32x4.div(m, denom), negStepSize, p), full);
}

/**
 * Adam (L2 weight decay added to the gradient) or AdamW (`decoupled`: p *= 1 − lr·wd first),
 * one step at 1-based step `t`:
 *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  amsgrad: vmax = max(vmax, v), used for v;
 *   p −= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + eps).
 * `maxExpAvgSq` is touched only with amsgrad (it may be 0 otherwise).
 */
export function adamStep(param: usize,        // (n) updated in place
                         expAvg: usize,       // (n) updated in place
                         expAvgSq: usize,     // (n) updated in place
                         maxExpAvgSq: usize,  // (n) updated in place
                         grad: usize,         // (n)
                         n: i32, t: i32, lr: f64, beta1: f64, beta2: f64, eps: f64,
                         weightDecay: f64, decoupled: i32, amsgrad: i32, maximize: i32): void {
  // PyTorch forms these in Python floats (f64) from the step count.
  const stepSize = lr / (1.0 - Math.pow(beta1, <f64>t));
  const bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, <f64>t));
  const b1 = f32x4.splat(<f32>beta1), c1 = f32x4.splat(<f32>(1.0 - beta1));
  const b2 = f32x4.splat(<f32>beta2), c2 = f32x4.splat(<f32>(1.0 - beta2));
  const ve = f32x4.splat(<f32>eps), wd = f32x4.splat(<f32>weightDecay);
  const shrink = f32x4.splat(<f32>(1.0 - lr * weightDecay));
  const negStep = f32x4.splat(<f32>-stepSize), bc2 = f32x4.splat(<f32>bc2Sqrt);
  const useDecay = weightDecay != 0, dec = decoupled != 0, ams = amsgrad != 0, flip = maximize != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    adamAt(<usize>i << 2, true, param, expAvg, expAvgSq, maxExpAvgSq, grad, b1, c1, b2, c2, ve, wd,
           shrink, negStep, bc2, useDecay, dec, ams, flip);
  }
  for (; i < n; i++) {
    adamAt(<usize>i << 2, false, param, expAvg, expAvgSq, maxExpAvgSq, grad, b1, c1, b2, c2, ve, wd,
           shrink, negStep, bc2, useDecay, dec, ams, flip);
  }
}

// ---------------------------------------------------------------------------------------------
// RMSprop

// @ts-ignore: decorator
@inline function rmspropAt(off: usize, full: bool, param: usize, sq: usize, buf: usize, gavg: usize,
                           grad: usize, negLr: v128, a: v128, ca: v128, eps: v128, wd: v128, mu: v128,
                           useDecay: bool, useMomentum: bool, centered: bool, maximize: bool): void {
  const p = ld(param + off, full);
  let g = ld(grad + off, full);
  if (maximize) g = f32x4.neg(g);
  if (useDecay) g = madd(p, wd, g);
  const s = madd(f32x4.mul(g, g), ca, f32x4.mul(ld(sq + off, full), a));
  st(sq + off, s, full);
  let avg: v128;
  if (centered) {
    const ga = madd(g, ca, f32x4.mul(ld(gavg + off, full), a));
    st(gavg + off, ga, full);
    avg = f32x4.add(f32x4.sqrt(f32x4.sub(s, f32x4.mul(ga, ga))), eps);
  } else {
    avg = f32x4.add(f32x4.sqrt(s), eps);
  }
  let u = f32x4.div(g, avg);
  if (useMomentum) {
    u = f32x4.add(f32x4.mul(ld(buf + off, full), mu), u);
    st(buf + off, u, full);
  }
  st(param + off, madd(u, negLr, p), full);
}

/**
 * RMSprop, one step:
 *   g = ±grad + wd·p;  s = α·s + (1−α)·g²;  centered: ḡ = α·ḡ + (1−α)·g, avg = sqrt(s − ḡ²) + eps,
 *   else avg = sqrt(s) + eps;  momentum > 0: b = μ·b + g/avg, p −= lr·b;  else p −= lr·g/avg.
 * `momentumBuf` and `gradAvg` are touched only when used (they may be 0 otherwise).
 */
export function rmspropStep(param: usize,        // (n) updated in place
                            squareAvg: usize,    // (n) updated in place
                            momentumBuf: usize,  // (n) updated in place
                            gradAvg: usize,      // (n) updated in place
                            grad: usize,         // (n)
                            n: i32, lr: f64, alpha: f64, eps: f64, weightDecay: f64,
                            momentum: f64, centered: i32, maximize: i32): void {
  const negLr = f32x4.splat(<f32>-lr);
  const a = f32x4.splat(<f32>alpha), ca = f32x4.splat(<f32>(1.0 - alpha));
  const ve = f32x4.splat(<f32>eps), wd = f32x4.splat(<f32>weightDecay), mu = f32x4.splat(<f32>momentum);
  const useDecay = weightDecay != 0, useMomentum = momentum > 0;
  const cen = centered != 0, flip = maximize != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    rmspropAt(<usize>i << 2, true, param, squareAvg, momentumBuf, gradAvg, grad, negLr, a, ca, ve, wd, mu,
              useDecay, useMomentum, cen, flip);
  }
  for (; i < n; i++) {
    rmspropAt(<usize>i << 2, false, param, squareAvg, momentumBuf, gradAvg, grad, negLr, a, ca, ve, wd, mu,
              useDecay, useMomentum, cen, flip);
  }
}

// ---------------------------------------------------------------------------------------------
// Clipping

/**
 * Σ x² accumulated in f64 (a float32 sum of millions of squares loses digits the norm needs).
 * NaN and ±Infinity propagate.
 */
export function sumSquares(n: i32, x: usize /* (n) */): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<i64>(v, v, 1, 0));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    sum += v * v;
  }
  return sum;
}

/** max |x|, 0 for n = 0; NaN if any element is NaN (wasm's min/max propagate NaN). */
export function maxAbs(n: i32, x: usize /* (n) */): f32 {
  let m = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) m = f32x4.max(m, f32x4.abs(v128.load(x + (<usize>i << 2))));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)),
              max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) r = max(r, abs(load<f32>(x + (<usize>i << 2))));
  return r;
}

/** x = min(max(x, −c), c) in place; NaN stays NaN, as with torch.clamp. */
export function clampSymmetric(x: usize /* (n) updated in place */, n: i32, c: f32): void {
  const hi = f32x4.splat(c), lo = f32x4.splat(-c);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    v128.store(p, f32x4.min(f32x4.max(v128.load(p), lo), hi));
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 2);
    store<f32>(p, min(max(load<f32>(p), -c), c));
  }
}
