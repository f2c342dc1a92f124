// The TypeScript side owns allocation (src/core/allocator.ts); the module only says where its
// own static data ends, so that the allocator never hands out memory the module uses.

/** First 16-byte aligned address above the module's static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** 1 in the relaxed-SIMD build, 0 in the plain SIMD build. */
export function isRelaxedBuild(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
