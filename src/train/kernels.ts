// Kernel declarations of assembly/optim.ts (part of the one facade in src/core/kernels.ts).
export interface OptimKernels {}
export const optimKernelNames: readonly string[] = [];
