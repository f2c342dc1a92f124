// Tensor creation on the default backend (the one `init()` loaded).
import type { Shape } from './shape.js';
import type { TensorData, TensorOptions } from './backend.js';
import type { DType, Tensor } from './tensor.js';
import { getBackend } from './init.js';

export function tensor(data: TensorData, shape?: Shape, options?: TensorOptions): Tensor {
  return getBackend().tensor(data, shape, options);
}

export function zeros(shape: Shape, dtype?: DType): Tensor {
  return getBackend().zeros(shape, dtype);
}
