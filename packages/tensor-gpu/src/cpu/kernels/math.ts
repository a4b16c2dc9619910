/**
 * Scalar math shared by CPU kernels: erf (for exact GELU) accurate to ~1e-15, and a stable sigmoid.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function. |x| < 3: Maclaurin series Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1)) · 2/√π (terms shrink
 * past n ≈ x², about 16 significant digits kept); |x| ≥ 3: erf = 1 − erfc with erfc from its
 * continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
 *
 * @example
 * ```ts
 * erf(0.5); // 0.5204998778130465
 * ```
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return sum * TWO_OVER_SQRT_PI;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  // continued fraction evaluated bottom-up with 60 levels
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** 1/(1+e^−x) without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** √(2/π), the GPT-2 tanh-GELU constant. */
export const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** 1/√2. */
export const SQRT1_2 = Math.SQRT1_2;
/** 1/√(2π), the standard normal density at 0. */
export const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
