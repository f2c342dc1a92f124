// The module's exports: every kernel, by concern. src/core/kernels.ts declares the same list
// with TypeScript types.
export * from './memory';
export * from './blas';
export * from './activations';
export * from './softmax';
export * from './random';
export * from './recurrent';
export * from './optim';
export * from './w2v';
export * from './embedding';
export * from './pooling';
export * from './attention';
