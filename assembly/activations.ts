// Element-wise activations. Forward kernels may run in place (y == x). Backward kernels take the
// forward *output* y (all three derivatives are functions of it) and add into dx.
import { madd } from './simd';
import { sigmoid1 } from './math';

export function sigmoidForward(y: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, sigmoid1(load<f32>(x + off)));
  }
}

/** dx += dy · y · (1 − y) */
export function sigmoidBackward(dx: usize, y: usize, dy: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const yv = v128.load(y + off);
    const g = f32x4.mul(v128.load(dy + off), f32x4.mul(yv, f32x4.sub(one, yv)));
    v128.store(dx + off, f32x4.add(v128.load(dx + off), g));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const yv = load<f32>(y + off);
    store<f32>(dx + off, load<f32>(dx + off) + load<f32>(dy + off) * yv * (1 - yv));
  }
}

export function tanhForward(y: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, Mathf.tanh(load<f32>(x + off)));
  }
}

/** dx += dy · (1 − y²) */
export function tanhBackward(dx: usize, y: usize, dy: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const yv = v128.load(y + off);
    const d = f32x4.sub(one, f32x4.mul(yv, yv));
    v128.store(dx + off, madd(v128.load(dy + off), d, v128.load(dx + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const yv = load<f32>(y + off);
    store<f32>(dx + off, load<f32>(dx + off) + load<f32>(dy + off) * (1 - yv * yv));
  }
}

export function reluForward(y: usize, x: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, f32x4.max(v128.load(x + off), zero));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, max<f32>(load<f32>(x + off), 0));
  }
}

/** dx += dy where y > 0 (PyTorch's convention: the derivative at 0 is 0). */
export function reluBackward(dx: usize, y: usize, dy: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const mask = f32x4.gt(v128.load(y + off), zero);
    v128.store(dx + off, f32x4.add(v128.load(dx + off), v128.and(v128.load(dy + off), mask)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    if (load<f32>(y + off) > 0) store<f32>(dx + off, load<f32>(dx + off) + load<f32>(dy + off));
  }
}
