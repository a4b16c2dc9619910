/**
 * The device-side range check of i32 ids against an {@link IdCheck} (valid: integers in [0, bound),
 * or equal to `ignore`), for ops built from other ops that must still reject bad ids (takeAlongAxis
 * checks its indices before turning them into flat row ids). One thread per id; a bad id sets the
 * error flag (`id-error-flag.ts`), raised by the next read. Not a contract op: `Backend.checkIds`.
 *
 * Params: 0 n, 1 bound, 2 has ignore (0/1), 3 ignore (i32), 4 tag.
 */
import type { IdCheck } from '../../backend/id-check.js';
import { idFlagWGSL } from '../id-error-flag.js';
import type { GpuTensor, KernelContext } from '../kernel-context.js';
import { ENTRY_1D_ARGS, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

/** WGSL: true when id `id` is outside [0, bound) and not the ignored id (params words as above). */
export const BAD_ID_WGSL = /* wgsl */ `
fn badId(id: i32, bound: u32, hasIgnore: u32, ignore: i32) -> bool {
  if (hasIgnore != 0u && id == ignore) { return false; }
  return id < 0 || u32(id) >= bound;
}
`;

const CODE = /* wgsl */ `${PARAMS_WGSL}${BAD_ID_WGSL}
@group(0) @binding(1) var<storage, read> IDS: array<i32>;
${idFlagWGSL(2)}
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  if (badId(IDS[i], pu(1u), pu(2u), pi(3u))) { reportBadId(pu(4u), i); }
}`;

/** Records the check of `ids` (and the dispatch that fetches a bad id) into the pending batch. */
export function checkIdsKernel(ctx: KernelContext, ids: GpuTensor, check: IdCheck): void {
  const n = ids.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const use = ctx.idCheck(check);
  const params = new Params()
    .u32(n)
    .u32(check.bound)
    .u32(check.ignore === undefined ? 0 : 1)
    .i32(check.ignore ?? 0)
    .u32(use.tag).buffer;
  ctx.dispatch(check.operation, CODE, [ids, use.binding], grid1d(n, 256), params);
  ctx.resolveIds(use, ids);
}
