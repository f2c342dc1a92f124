// Gradient clipping as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13), over the
// gradients of parameters with requiresGrad (PyTorch's "parameters that have a grad").
import { SeqwasmError, ErrorCode, describe } from '../errors.js';
import { Parameter } from '../nn/parameter.js';
import { checkTensor } from '../ops/check.js';

export interface ClipGradNormOptions {
  /** Throw (leaving the gradients as they were) when the total norm is NaN or infinite. */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: readonly Parameter[], what: string) {
  if (!Array.isArray(params)) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what} needs an array of Parameters, received ${describe(params)}`);
  }
  params.forEach((p, i) => {
    if (!(p instanceof Parameter)) throw new SeqwasmError(ErrorCode.badArgument, `${what}: parameter ${i} must be a Parameter, received ${describe(p)}`);
  });
  const grads = params.filter((p) => p.requiresGrad).map((p) => checkTensor(p.grad, `gradient of ${p.name}`));
  if (grads.some((g) => g.backend !== grads[0].backend)) {
    throw new SeqwasmError(ErrorCode.badArgument, `${what}: all gradients must come from the same backend`);
  }
  return grads;
}

/**
 * Scales all gradients, taken together as one vector, so that their norm is at most `maxNorm`,
 * and returns their norm before clipping. `normType` is 2 or Infinity. The factor
 * maxNorm / (norm + 1e-6) is applied when it is below 1, and also when it is NaN: PyTorch
 * multiplies by it unconditionally, so a NaN norm turns every gradient into NaN there too.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number, normType = 2,
                             options: ClipGradNormOptions = {}): number {
  const grads = gradsOf(params, 'clipGradNorm');
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new SeqwasmError(ErrorCode.badArgument, `maxNorm must be a number ≥ 0, received ${describe(maxNorm)}`);
  }
  if (normType !== 2 && normType !== Infinity) {
    throw new SeqwasmError(ErrorCode.badArgument, `normType must be 2 or Infinity, received ${describe(normType)}`);
  }
  if (grads.length === 0) return 0;
  const k = grads[0].backend.kernels;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      const m = k.maxAbs(g.size, g.ptr);
      total = Number.isNaN(m) || Number.isNaN(total) ? NaN : Math.max(total, m);
    }
  } else {
    let sum = 0;
    for (const g of grads) sum += k.sumSquares(g.size, g.ptr);
    total = Math.sqrt(sum);
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new SeqwasmError(ErrorCode.nonFinite,
      `the total ${normType === Infinity ? 'inf' : '2'}-norm of the gradients is ${total}; clipping them would make them meaningless`);
  }
  const coef = maxNorm / (total + 1e-6);
  if (!(coef >= 1)) {
    for (const g of grads) k.scale(g.size, coef, g.ptr);
  }
  return total;
}

/** Clamps every gradient element to [−clipValue, clipValue]; NaN stays NaN. */
export function clipGradValue(params: readonly Parameter[], clipValue: number): void {
  const grads = gradsOf(params, 'clipGradValue');
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new SeqwasmError(ErrorCode.badArgument, `clipValue must be a number ≥ 0, received ${describe(clipValue)}`);
  }
  for (const g of grads) g.backend.kernels.clampSymmetric(g.ptr, g.size, clipValue);
}
