/**
 * WGSL expressions of the elementwise functions (`unary` op) and their derivatives (`unaryGrad`), all
 * in f32. WGSL has no `erf`, and `tanh` of a large argument is NaN on some drivers, so both are
 * written out here (`MATH_WGSL`), as is a `pow` with PyTorch's rules for negative bases. WGSL's
 * `sin`/`cos` only promise 2⁻¹¹ absolute error on [−π, π] (SwiftShader is off by ~1.5e-4, and
 * hardware approximations degrade with |x|), so `TRIG_WGSL` computes them as C libraries do.
 */
import type { BinaryKind, UnaryKind } from '../../backend/ops.js';

/**
 * `sin_f`, `cos_f`: Cody–Waite range reduction r = x − k·π/2 (π/2 split into three parts whose
 * products with k stay exact for |x| < 1e5), then minimax polynomials on [−π/4, π/4] chosen by the
 * quadrant k mod 4. Within a few f32 ulps of the true values, on every adapter.
 */
export const TRIG_WGSL = /* wgsl */ `
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
// r = x − k·π/2 and the quadrant k mod 4
fn trig_reduce(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236758134);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  return vec2<f32>(r, f32(bitcast<u32>(i32(k)) & 3u));
}
fn sin_f(x: f32) -> f32 {
  let rq = trig_reduce(x);
  let q = u32(rq.y);
  let v = select(sin_poly(rq.x), cos_poly(rq.x), (q & 1u) == 1u);
  return select(v, -v, q >= 2u);
}
fn cos_f(x: f32) -> f32 {
  let rq = trig_reduce(x);
  let q = u32(rq.y);
  let v = select(cos_poly(rq.x), sin_poly(rq.x), (q & 1u) == 1u);
  return select(v, -v, q == 1u || q == 2u);
}
`;

/** Helper functions the expressions below call. */
export const MATH_WGSL = /* wgsl */ `${TRIG_WGSL}
// erf(x), Abramowitz & Stegun 7.1.26 refined: |error| < 1.5e-7.
fn erf_f(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(-y, y, x >= 0.0);
}
// tanh(x) that saturates instead of overflowing: 1 − 2/(exp(2x) + 1) on |x|.
fn tanh_f(x: f32) -> f32 {
  let a = min(abs(x), 20.0);
  let e = exp(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
fn sigmoid_f(x: f32) -> f32 {
  // Branch on the sign so exp never overflows: σ(x) = 1/(1+e^−x) = e^x/(1+e^x).
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}
// x^y with torch.pow semantics: negative base only for integer exponents (sign from parity).
fn pow_f(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (x == 0.0) { return select(posInf(), 0.0, y > 0.0); }
  if (x > 0.0) { return exp2(y * log2(x)); }
  if (floor(y) != y) { return f32bits(0x7fc00000u); }
  let m = exp2(y * log2(-x));
  let odd = abs(y) % 2.0 == 1.0;
  return select(m, -m, odd);
}
`;

const GELU_K = '0.7978845608028654'; // √(2/π)
const INV_SQRT2 = '0.7071067811865476';
const INV_SQRT_2PI = '0.3989422804014327';

/** f(x) for each unary kind; `x` is an f32 expression (evaluated once by the caller). */
export function unaryExpr(op: UnaryKind, x: string): string {
  switch (op) {
    case 'neg':
      return `-${x}`;
    case 'abs':
      return `abs(${x})`;
    case 'exp':
      return `exp(${x})`;
    case 'log':
      return `log(${x})`;
    case 'sqrt':
      return `sqrt(${x})`;
    case 'rsqrt':
      return `(1.0 / sqrt(${x}))`;
    case 'square':
      return `(${x} * ${x})`;
    case 'reciprocal':
      return `(1.0 / ${x})`;
    case 'tanh':
      return `tanh_f(${x})`;
    case 'sigmoid':
      return `sigmoid_f(${x})`;
    case 'relu':
      return `max(${x}, 0.0)`;
    case 'gelu_erf':
      return `(0.5 * ${x} * (1.0 + erf_f(${x} * ${INV_SQRT2})))`;
    case 'gelu_tanh':
      return `(0.5 * ${x} * (1.0 + tanh_f(${GELU_K} * (${x} + 0.044715 * ${x} * ${x} * ${x}))))`;
    case 'silu':
      return `(${x} * sigmoid_f(${x}))`;
    case 'sin':
      return `sin_f(${x})`;
    case 'cos':
      return `cos_f(${x})`;
  }
}

/** f'(x) for each unary kind (the caller multiplies by dy). */
export function unaryGradExpr(op: UnaryKind, x: string): string {
  switch (op) {
    case 'neg':
      return '-1.0';
    case 'abs':
      return `sign(${x})`;
    case 'exp':
      return `exp(${x})`;
    case 'log':
      return `(1.0 / ${x})`;
    case 'sqrt':
      return `(0.5 / sqrt(${x}))`;
    case 'rsqrt':
      return `(-0.5 / (${x} * sqrt(${x})))`;
    case 'square':
      return `(2.0 * ${x})`;
    case 'reciprocal':
      return `(-1.0 / (${x} * ${x}))`;
    case 'tanh':
      return `(1.0 - tanh_f(${x}) * tanh_f(${x}))`;
    case 'sigmoid':
      return `(sigmoid_f(${x}) * (1.0 - sigmoid_f(${x})))`;
    case 'relu':
      return `select(0.0, 1.0, ${x} > 0.0)`;
    case 'gelu_erf':
      return `(0.5 * (1.0 + erf_f(${x} * ${INV_SQRT2})) + ${x} * ${INV_SQRT_2PI} * exp(-0.5 * ${x} * ${x}))`;
    case 'gelu_tanh': {
      const t = `tanh_f(${GELU_K} * (${x} + 0.044715 * ${x} * ${x} * ${x}))`;
      return `(0.5 * (1.0 + ${t}) + 0.5 * ${x} * (1.0 - ${t} * ${t}) * ${GELU_K} * (1.0 + 0.134145 * ${x} * ${x}))`;
    }
    case 'silu':
      return `(sigmoid_f(${x}) * (1.0 + ${x} * (1.0 - sigmoid_f(${x}))))`;
    case 'sin':
      return `cos_f(${x})`;
    case 'cos':
      return `(-sin_f(${x}))`;
  }
}

/**
 * a ∘ b for each binary kind in compute type `ct` (f32, i32 or u32); comparisons give a bool
 * expression (the caller selects 1/0).
 */
export function binaryExpr(op: BinaryKind, a: string, b: string): string {
  switch (op) {
    case 'add':
      return `(${a} + ${b})`;
    case 'sub':
      return `(${a} - ${b})`;
    case 'mul':
      return `(${a} * ${b})`;
    case 'div':
      return `(${a} / ${b})`;
    case 'pow':
      return `pow_f(${a}, ${b})`;
    case 'maximum':
      return `max(${a}, ${b})`;
    case 'minimum':
      return `min(${a}, ${b})`;
    case 'eq':
      return `(${a} == ${b})`;
    case 'ne':
      return `(${a} != ${b})`;
    case 'lt':
      return `(${a} < ${b})`;
    case 'le':
      return `(${a} <= ${b})`;
    case 'gt':
      return `(${a} > ${b})`;
    case 'ge':
      return `(${a} >= ${b})`;
  }
}
