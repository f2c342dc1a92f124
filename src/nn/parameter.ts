// A trainable tensor with its gradient, named as in PyTorch's state_dict.
import type { Tensor } from '../core/tensor.js';

export class Parameter {
  /** Gradients are accumulated into `grad` by backward passes and zeroed by the optimizer. */
  constructor(
    readonly name: string,
    readonly value: Tensor,
    readonly grad: Tensor,
    public requiresGrad = true,
  ) {}
}
