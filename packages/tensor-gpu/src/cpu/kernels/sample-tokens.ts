/**
 * CPU kernel of `sampleTokens`: one token id per row of logits (B,V), filters applied in Hugging
 * Face's order (temperature → top-k → top-p → min-p), then one uniform draw per row.
 *
 * Worked example, logits [2, 1, 0, −1], temperature 1, topK 3, topP 0.9, minP 0:
 * p ≈ [.644, .237, .087, .032]; top-k keeps ids 0,1,2; renormalised [.665, .245, .090]; top-p keeps
 * a token while the mass strictly before it (descending) is < 0.9: ids 0 (0), 1 (.665), 2 (.910 ✗)
 * → {0, 1}; u = philoxUniform(seed, offset, b) picks id 0 if u·(.665+.245) < .665, else id 1.
 */
import { philoxUniform } from '../../random/philox.js';
import type { CpuKernel } from './kernel.js';

/** The `k` largest of p[0..V) into order[0..k), descending, lower index first on ties. */
function selectTop(p: Float64Array, V: number, k: number, order: Int32Array): void {
  let count = 0;
  for (let j = 0; j < V; j++) {
    const v = p[j]!;
    if (count === k && !(v > p[order[k - 1]!]!)) continue;
    let at = count < k ? count : k - 1;
    while (at > 0 && v > p[order[at - 1]!]!) {
      order[at] = order[at - 1]!;
      at--;
    }
    order[at] = j;
    if (count < k) count++;
  }
}

export const sampleTokensKernel: CpuKernel<'sampleTokens'> = ({
  inputs: { logits },
  outputs: { ids },
  attrs,
}) => {
  const [B, V] = logits.shape as [number, number];
  const la = logits.storage;
  const out = ids.storage;
  const { temperature, topK, topP, minP, seed, offset } = attrs;
  const p = new Float64Array(V);
  const keep = new Uint8Array(V);
  const filtered = (topK > 0 && topK < V) || topP < 1;
  const order = filtered ? new Int32Array(V) : undefined;
  for (let b = 0; b < B; b++) {
    const base = b * V;
    // greedy: argmax, first index on ties
    let best = 0;
    for (let j = 1; j < V; j++) if (la[base + j]! > la[base + best]!) best = j;
    if (temperature === 0 || V === 1) {
      out[b] = best;
      continue;
    }
    const max = la[base + best]!;
    let total = 0;
    for (let j = 0; j < V; j++) {
      const e = Math.exp((la[base + j]! - max) / temperature);
      p[j] = e;
      total += e;
    }
    for (let j = 0; j < V; j++) p[j] = p[j]! / total;
    keep.fill(1);
    if (order) {
      // `order[0..k)`: the k most likely ids, descending (ties: lower id first)
      const k = topK > 0 && topK < V ? topK : V;
      // mass of the candidates top-p is measured against (all of them when top-k is off)
      let kept = 0;
      if (k === V) for (let j = 0; j < V; j++) kept += p[j]!;
      // Partial selection of the best `sel` ids (one comparison per id) is enough when top-k is
      // small, or when top-p's nucleus ends inside it; otherwise sort everything.
      const sel = Math.min(k, 256);
      selectTop(p, V, sel, order);
      let prefix = 0;
      for (let r = 0; r < sel; r++) prefix += p[order[r]!]!;
      const enough = sel === k || (topP < 1 && prefix >= topP * kept);
      if (!enough) {
        for (let j = 0; j < V; j++) order[j] = j;
        order.sort((i, j) => p[j]! - p[i]! || i - j);
      }
      const n = enough ? sel : k;
      if (k < V) {
        kept = 0;
        for (let r = 0; r < k; r++) kept += p[order[r]!]!;
      }
      if (n < V) {
        keep.fill(0);
        for (let r = 0; r < n; r++) keep[order[r]!] = 1;
      }
      if (topP < 1) {
        let before = 0;
        for (let r = 0; r < n; r++) {
          const id = order[r]!;
          if (r > 0 && before >= topP * kept) keep[id] = 0;
          before += p[id]!;
        }
      }
    }
    if (minP > 0) {
      const cut = minP * p[best]!;
      for (let j = 0; j < V; j++) if (p[j]! < cut) keep[j] = 0;
    }
    let mass = 0;
    for (let j = 0; j < V; j++) if (keep[j]) mass += p[j]!;
    const target = philoxUniform(seed, offset, b) * mass;
    let run = 0;
    let pick = best;
    for (let j = 0; j < V; j++) {
      if (!keep[j]) continue;
      run += p[j]!;
      pick = j;
      if (run > target) break;
    }
    out[b] = pick;
  }
};
