// Kernel declarations of assembly/attention.ts (part of the one facade in src/core/kernels.ts).
export interface AttentionKernels {}
export const attentionKernelNames: readonly string[] = [];
