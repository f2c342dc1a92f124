// Kernel declarations of assembly/recurrent.ts (part of the one facade in src/core/kernels.ts).
export interface RecurrentKernels {}
export const recurrentKernelNames: readonly string[] = [];
