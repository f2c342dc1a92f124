// Softmax and log-softmax over the last dimension, and softmax cross-entropy.
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import type { Tensor } from '../core/tensor.js';
import { shapeString } from '../core/shape.js';
import { checkTensor, checkSameSize, checkSameBackend, rowsCols, checkNumber } from './check.js';

type Forward = 'softmaxForward' | 'logSoftmaxForward';
type Backward = 'softmaxBackward' | 'logSoftmaxBackward';

function forward(kernel: Forward, x: Tensor, out?: Tensor): Tensor {
  checkTensor(x, 'x');
  const [rows, cols] = rowsCols(x, 'x');
  const y = out ?? x.backend.empty(x.shape);
  checkTensor(y, 'out');
  checkSameSize(x, y, 'x', 'out');
  checkSameBackend([x, y]);
  x.backend.kernels[kernel](y.ptr, x.ptr, rows, cols);
  return y;
}

function backward(kernel: Backward, y: Tensor, dy: Tensor, dx?: Tensor): Tensor {
  checkTensor(y, 'y');
  checkTensor(dy, 'dy');
  checkSameSize(y, dy, 'y', 'dy');
  const [rows, cols] = rowsCols(y, 'y');
  const grad = dx ?? y.backend.zeros(y.shape);
  checkTensor(grad, 'dx');
  checkSameSize(y, grad, 'y', 'dx');
  checkSameBackend([y, dy, grad]);
  y.backend.kernels[kernel](grad.ptr, y.ptr, dy.ptr, rows, cols);
  return grad;
}

export const softmax = (x: Tensor, out?: Tensor) => forward('softmaxForward', x, out);
export const logSoftmax = (x: Tensor, out?: Tensor) => forward('logSoftmaxForward', x, out);
/** dx += softmax'ᵀ dy, with y the softmax output. */
export const softmaxBackward = (y: Tensor, dy: Tensor, dx?: Tensor) => backward('softmaxBackward', y, dy, dx);
/** dx += log-softmax'ᵀ dy, with y the log-softmax output. */
export const logSoftmaxBackward = (y: Tensor, dy: Tensor, dx?: Tensor) => backward('logSoftmaxBackward', y, dy, dx);

export interface CrossEntropyOptions {
  /** Rows whose target equals this are left out of the loss and its count. Default −100 (PyTorch's). */
  ignoreIndex?: number;
  /** ε of PyTorch's `label_smoothing`. Default 0. */
  labelSmoothing?: number;
  /** 'mean' over the rows not ignored (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
}

export interface CrossEntropyResult {
  /** The reduced loss. With 'mean' and every row ignored it is 0 (PyTorch gives NaN), count 0. */
  loss: number;
  /** Rows that counted. */
  count: number;
  /** Softmax of the logits, kept for the backward pass (caller releases it). */
  probs: Tensor;
}

function checkOptions(options: CrossEntropyOptions): Required<CrossEntropyOptions> {
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) {
    throw new SeqwasmError(ErrorCode.badArgument, `ignoreIndex must be an integer, received ${describe(ignoreIndex)}`);
  }
  const labelSmoothing = checkNumber(options.labelSmoothing ?? 0, 'labelSmoothing');
  if (labelSmoothing < 0 || labelSmoothing > 1) {
    throw new SeqwasmError(ErrorCode.badArgument, `labelSmoothing must be in [0, 1], received ${labelSmoothing}`);
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new SeqwasmError(ErrorCode.badArgument, `reduction must be 'mean' or 'sum', received ${describe(reduction)}`);
  }
  return { ignoreIndex, labelSmoothing, reduction };
}

/** Checks targets against the class count (wasm indexes with them) and counts the rows kept. */
function countTargets(targets: Tensor, rows: number, cols: number, ignoreIndex: number): number {
  if (targets.size !== rows) {
    throw new SeqwasmError(ErrorCode.badShape, `targets must have one entry per row of logits (${rows}), received shape ${shapeString(targets.shape)}`);
  }
  const t = targets.data;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    if (t[i] === ignoreIndex) continue;
    if (t[i] < 0 || t[i] >= cols) {
      throw new SeqwasmError(ErrorCode.outOfRange, `target ${t[i]} at row ${i} is out of range: expected 0 ≤ target < ${cols} or ${ignoreIndex} (ignored)`);
    }
    count++;
  }
  return count;
}

/** Softmax cross-entropy of logits (…, C) against int32 class targets (…). */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): CrossEntropyResult {
  checkTensor(logits, 'logits');
  checkTensor(targets, 'targets', 'int32');
  checkSameBackend([logits, targets]);
  const { ignoreIndex, labelSmoothing, reduction } = checkOptions(options);
  const [rows, cols] = rowsCols(logits, 'logits');
  const count = countTargets(targets, rows, cols, ignoreIndex);
  const probs = logits.backend.empty(logits.shape);
  const total = logits.backend.kernels.softmaxCrossEntropyForward(probs.ptr, logits.ptr, targets.ptr, rows, cols, ignoreIndex, labelSmoothing);
  const loss = reduction === 'sum' ? total : count === 0 ? 0 : total / count;
  return { loss, count, probs };
}

/** dlogits += gradOutput · ∂loss/∂logits, from the probs the forward pass returned. */
export function softmaxCrossEntropyBackward(probs: Tensor, targets: Tensor, options: CrossEntropyOptions & { gradOutput?: number; dlogits?: Tensor } = {}): Tensor {
  checkTensor(probs, 'probs');
  checkTensor(targets, 'targets', 'int32');
  const { ignoreIndex, labelSmoothing, reduction } = checkOptions(options);
  const gradOutput = checkNumber(options.gradOutput ?? 1, 'gradOutput');
  const [rows, cols] = rowsCols(probs, 'probs');
  const count = countTargets(targets, rows, cols, ignoreIndex);
  const dlogits = options.dlogits ?? probs.backend.zeros(probs.shape);
  checkTensor(dlogits, 'dlogits');
  checkSameSize(probs, dlogits, 'probs', 'dlogits');
  checkSameBackend([probs, targets, dlogits]);
  const scale = reduction === 'sum' ? gradOutput : count === 0 ? 0 : gradOutput / count;
  probs.backend.kernels.softmaxCrossEntropyBackward(dlogits.ptr, probs.ptr, targets.ptr, rows, cols, ignoreIndex, labelSmoothing, scale);
  return dlogits;
}
