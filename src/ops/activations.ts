// Element-wise activations and their backward passes. Backward takes the forward output y and
// the upstream gradient dy, and adds into dx (a new zero tensor unless given), the convention of
// every backward kernel.
import type { Tensor } from '../core/tensor.js';
import type { Kernels } from '../core/kernels.js';
import { checkTensor, checkSameSize, checkSameBackend } from './check.js';

type Forward = 'sigmoidForward' | 'tanhForward' | 'reluForward';
type Backward = 'sigmoidBackward' | 'tanhBackward' | 'reluBackward';

function forward(kernel: Forward, x: Tensor, out?: Tensor): Tensor {
  checkTensor(x, 'x');
  const y = out ?? x.backend.empty(x.shape);
  checkTensor(y, 'out');
  checkSameSize(x, y, 'x', 'out');
  checkSameBackend([x, y]);
  (x.backend.kernels[kernel] as Kernels[Forward])(y.ptr, x.ptr, x.size);
  return y;
}

function backward(kernel: Backward, y: Tensor, dy: Tensor, dx?: Tensor): Tensor {
  checkTensor(y, 'y');
  checkTensor(dy, 'dy');
  checkSameSize(y, dy, 'y', 'dy');
  const grad = dx ?? y.backend.zeros(y.shape);
  checkTensor(grad, 'dx');
  checkSameSize(y, grad, 'y', 'dx');
  checkSameBackend([y, dy, grad]);
  (y.backend.kernels[kernel] as Kernels[Backward])(grad.ptr, y.ptr, dy.ptr, y.size);
  return grad;
}

export const sigmoid = (x: Tensor, out?: Tensor) => forward('sigmoidForward', x, out);
export const tanh = (x: Tensor, out?: Tensor) => forward('tanhForward', x, out);
export const relu = (x: Tensor, out?: Tensor) => forward('reluForward', x, out);
export const sigmoidBackward = (y: Tensor, dy: Tensor, dx?: Tensor) => backward('sigmoidBackward', y, dy, dx);
export const tanhBackward = (y: Tensor, dy: Tensor, dx?: Tensor) => backward('tanhBackward', y, dy, dx);
export const reluBackward = (y: Tensor, dy: Tensor, dx?: Tensor) => backward('reluBackward', y, dy, dx);
