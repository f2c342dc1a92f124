// Kernel declarations of assembly/w2v.ts (part of the one facade in src/core/kernels.ts).
export interface W2vKernels {}
export const w2vKernelNames: readonly string[] = [];
