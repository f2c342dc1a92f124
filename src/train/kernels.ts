// Kernel declarations of assembly/optim.ts (part of the one facade in src/core/kernels.ts).
type Ptr = number;

export interface OptimKernels {
  sgdStep(param: Ptr, momentumBuf: Ptr, grad: Ptr, n: number, lr: number, momentum: number,
          dampening: number, weightDecay: number, nesterov: number, maximize: number, firstStep: number): void;
  adamStep(param: Ptr, expAvg: Ptr, expAvgSq: Ptr, maxExpAvgSq: Ptr, grad: Ptr, n: number, t: number,
           lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
           decoupled: number, amsgrad: number, maximize: number): void;
  rmspropStep(param: Ptr, squareAvg: Ptr, momentumBuf: Ptr, gradAvg: Ptr, grad: Ptr, n: number,
              lr: number, alpha: number, eps: number, weightDecay: number, momentum: number,
              centered: number, maximize: number): void;
  sumSquares(n: number, x: Ptr): number;
  maxAbs(n: number, x: Ptr): number;
  clampSymmetric(x: Ptr, n: number, c: number): void;
}

export const optimKernelNames: readonly string[] = [
  'sgdStep', 'adamStep', 'rmspropStep', 'sumSquares', 'maxAbs', 'clampSymmetric',
];
