/**
 * Building blocks of the row-wise kernels (softmax, norms, cross entropy): one 256-thread workgroup
 * per row; each thread folds elements t, t+256, ... and `wgSum` / `wgMax` combine the 256 partials
 * through a tree in workgroup memory (8 barrier steps), returning the result to every thread.
 *
 * Worked example with 4 threads: partials [1,2,3,4] → step 2: [4,6,·,·] → step 1: [10,·,·,·] → 10.
 */

/** Threads per row workgroup. */
export const ROW_WG = 256;

/**
 * The reduction tree, unrolled: `if (lid < S) { red[lid] = <combine>; } workgroupBarrier();` for
 * S = 128, 64, ..., 1 (`S` in `combine` is replaced). Unrolled because Mesa's llvmpipe mis-synchronised
 * a barrier inside a loop (threads ≥ 8 read a partial result).
 */
export function tree(combine: string, size = ROW_WG, arr = 'red'): string {
  const lines: string[] = [];
  for (let s = size / 2; s >= 1; s /= 2) {
    lines.push(
      `  if (lid < ${s}u) { ${arr}[lid] = ${combine.replaceAll('S', `${s}u`)}; }`,
      '  workgroupBarrier();',
    );
  }
  return lines.join('\n');
}

/**
 * `wgSum(v, lid)` and `wgMax(v, lid)` over a workgroup of `size` threads (a power of two), with their
 * `red` array; call from uniform control flow only. Each starts with a barrier so the previous call's
 * readers of red[0] are done before red is overwritten (a trailing barrier alone was not enough on
 * Mesa llvmpipe: threads beyond the first 8 read a partial sum).
 */
export function workgroupReduceWgsl(size: number): string {
  return /* wgsl */ `
var<workgroup> red: array<f32, ${size}>;
fn wgSum(v: f32, lid: u32) -> f32 {
  workgroupBarrier();
  red[lid] = v;
  workgroupBarrier();
${tree('red[lid] + red[lid + S]', size)}
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn wgMax(v: f32, lid: u32) -> f32 {
  workgroupBarrier();
  red[lid] = v;
  workgroupBarrier();
${tree('max(red[lid], red[lid + S])', size)}
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;
}

/** The reductions of the 256-thread row kernels. */
export const ROW_REDUCE_WGSL = workgroupReduceWgsl(ROW_WG);

/** Entry-point arguments of a row kernel; the row index is `row` (see {@link ROW_INDEX}). */
export const ROW_ENTRY_ARGS =
  '@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32';

/** `let row = ...;` plus the early exit for the padding workgroups of a 2-D grid. */
export const ROW_INDEX = 'let row = wg.x + wg.y * nwg.x;\n  if (row >= pu(0u)) { return; }';
