/**
 * Principal component analysis to two dimensions, for the embedding map: the token embeddings
 * (V, C) are centred, and projected onto the two directions along which they vary most.
 *
 *   X (n, d) ─► Xc = X − mean ─► S = Xcᵀ·Xc / (n − 1)  (d, d) covariance
 *            ─► the top two eigenvectors of S (orthogonal iteration, then a 2×2 Rayleigh–Ritz step)
 *            ─► points = Xc · [v₁ v₂]  (n, 2); explained variance λᵢ / trace(S)
 *
 * Orthogonal iteration: start from two independent vectors, repeat W = S·V, orthonormalise W
 * (Gram–Schmidt) into V. The span converges to the top-two eigenspace at the rate (λ₃/λ₂)ᵏ; the
 * final 2×2 eigenproblem of Vᵀ·S·V separates v₁ from v₂ inside it. Signs are fixed as scikit-learn
 * fixes them (`svd_flip` on the components): the loading of largest magnitude is positive.
 *
 * Worked example: points (−2, 0), (0, 1), (2, 0), (0, −1): variances 8/3 along x, 2/3 along y, so
 * v₁ = (1, 0), v₂ = (0, 1), explained 0.8 and 0.2, and the projections are the points themselves.
 */

/** What {@link pca2} returns. */
export interface Pca2 {
  /** The projections, (n, 2) row-major. */
  points: Float64Array;
  /** The two principal directions, (2, d) row-major, unit length. */
  components: Float64Array;
  /** The variance along each direction (eigenvalues of the covariance). */
  variances: [number, number];
  /** The fraction of the total variance each direction explains. */
  explained: [number, number];
}

/** Options of {@link pca2}. */
export interface Pca2Options {
  /** Most iterations (default 3000). */
  maxIterations?: number;
  /** Stop when each direction moves less than this (default 1e-13). */
  tolerance?: number;
}

/** Gram–Schmidt on the two columns of w (d, 2), in place; returns how far the basis moved from v. */
function orthonormalise(w: Float64Array, v: Float64Array, d: number): number {
  let n0 = 0;
  for (let i = 0; i < d; i++) n0 += w[2 * i]! ** 2;
  n0 = Math.sqrt(n0) || 1;
  let dot = 0;
  for (let i = 0; i < d; i++) {
    w[2 * i] = w[2 * i]! / n0;
    dot += w[2 * i]! * w[2 * i + 1]!;
  }
  let n1 = 0;
  for (let i = 0; i < d; i++) {
    w[2 * i + 1] = w[2 * i + 1]! - dot * w[2 * i]!;
    n1 += w[2 * i + 1]! ** 2;
  }
  n1 = Math.sqrt(n1) || 1;
  for (let i = 0; i < d; i++) w[2 * i + 1] = w[2 * i + 1]! / n1;
  // how far each direction moved: ‖w − ±v‖ (≈ the angle between them; 1 − |cos| would only
  // resolve angles down to √ε ≈ 1e-8, too coarse for the projections' precision)
  let moved = 0;
  for (let c = 0; c < 2; c++) {
    let cos = 0;
    for (let i = 0; i < d; i++) cos += w[2 * i + c]! * v[2 * i + c]!;
    const sign = cos < 0 ? -1 : 1;
    let dist = 0;
    for (let i = 0; i < d; i++) dist += (w[2 * i + c]! - sign * v[2 * i + c]!) ** 2;
    moved = Math.max(moved, Math.sqrt(dist));
  }
  return moved;
}

/**
 * The two principal components of `data` (n rows of d values, row-major).
 *
 * @example
 * ```ts
 * const { points, explained } = pca2(Float64Array.from([-2, 0, 0, 1, 2, 0, 0, -1]), 4, 2);
 * // points ≈ [-2, 0, 0, 1, 2, 0, 0, -1], explained ≈ [0.8, 0.2]
 * ```
 */
export function pca2(data: ArrayLike<number>, n: number, d: number, options: Pca2Options = {}): Pca2 {
  const maxIterations = options.maxIterations ?? 3000;
  const tolerance = options.tolerance ?? 1e-13;
  // mean and centred copy
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + data[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  const xc = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) xc[r * d + j] = data[r * d + j]! - mean[j]!;
  // covariance, upper triangle then mirrored
  const s = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const row = r * d;
    for (let i = 0; i < d; i++) {
      const xi = xc[row + i]!;
      if (xi === 0) continue;
      for (let j = i; j < d; j++) s[i * d + j] = s[i * d + j]! + xi * xc[row + j]!;
    }
  }
  const denom = Math.max(1, n - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = s[i * d + j]! / denom;
      s[i * d + j] = v;
      s[j * d + i] = v;
    }
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += s[i * d + i]!;

  // orthogonal iteration on V (d, 2), from two fixed generic vectors
  let v = new Float64Array(2 * d);
  for (let i = 0; i < d; i++) {
    v[2 * i] = 1 + Math.sin(i + 1);
    v[2 * i + 1] = Math.cos(2 * i + 1);
  }
  orthonormalise(v, new Float64Array(2 * d), d);
  let w = new Float64Array(2 * d);
  for (let it = 0; it < maxIterations; it++) {
    for (let i = 0; i < d; i++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < d; j++) {
        const sij = s[i * d + j]!;
        a += sij * v[2 * j]!;
        b += sij * v[2 * j + 1]!;
      }
      w[2 * i] = a;
      w[2 * i + 1] = b;
    }
    const moved = orthonormalise(w, v, d);
    [v, w] = [w, v];
    if (moved < tolerance) break;
  }
  // Rayleigh–Ritz: H = Vᵀ S V (2×2), its eigenvectors rotate V into v₁, v₂
  let h00 = 0;
  let h01 = 0;
  let h11 = 0;
  for (let i = 0; i < d; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < d; j++) {
      a += s[i * d + j]! * v[2 * j]!;
      b += s[i * d + j]! * v[2 * j + 1]!;
    }
    h00 += v[2 * i]! * a;
    h01 += v[2 * i]! * b;
    h11 += v[2 * i + 1]! * b;
  }
  const half = (h00 + h11) / 2;
  const gap = Math.sqrt(((h00 - h11) / 2) ** 2 + h01 ** 2);
  const l1 = half + gap;
  const l2 = half - gap;
  const theta = 0.5 * Math.atan2(2 * h01, h00 - h11); // rotation taking (e0, e1) to H's eigenvectors
  const c = Math.cos(theta);
  const sn = Math.sin(theta);
  const components = new Float64Array(2 * d);
  for (let i = 0; i < d; i++) {
    components[i] = c * v[2 * i]! + sn * v[2 * i + 1]!;
    components[d + i] = -sn * v[2 * i]! + c * v[2 * i + 1]!;
  }
  // sign: the loading of largest magnitude positive (scikit-learn's svd_flip on the components)
  for (let k = 0; k < 2; k++) {
    let at = 0;
    for (let i = 1; i < d; i++)
      if (Math.abs(components[k * d + i]!) > Math.abs(components[k * d + at]!)) at = i;
    if (components[k * d + at]! < 0)
      for (let i = 0; i < d; i++) components[k * d + i] = -components[k * d + i]!;
  }
  const points = new Float64Array(n * 2);
  for (let r = 0; r < n; r++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < d; j++) {
      a += xc[r * d + j]! * components[j]!;
      b += xc[r * d + j]! * components[d + j]!;
    }
    points[2 * r] = a;
    points[2 * r + 1] = b;
  }
  const total = trace > 0 ? trace : 1;
  return { points, components, variances: [l1, l2], explained: [l1 / total, l2 / total] };
}
