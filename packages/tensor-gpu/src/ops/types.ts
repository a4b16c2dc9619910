/**
 * Option bags shared by the differentiable functions and the Tensor methods that forward to them
 * (`matmul(a, b, options)` and `a.matmul(b, options)`). They live here, below both, so neither
 * imports the other for a type.
 */

/** Options of matmul. */
export interface MatmulOptions {
  /** Use aᵀ (the last two dims swapped) without copying. */
  transA?: boolean;
  /** Use bᵀ without copying (x @ Wᵀ for torch-layout Linear weights). */
  transB?: boolean;
}

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as size 1 (default false). */
  keepDims?: boolean;
}
