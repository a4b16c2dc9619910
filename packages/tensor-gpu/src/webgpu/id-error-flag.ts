/// <reference types="@webgpu/types" />
/**
 * The device-side error flag of the kernels that take ids (gather, scatterAdd, crossEntropy and its
 * backward, takeAlongAxis's index check): a GPU kernel cannot throw, so a kernel that meets an id out
 * of range records it in a 16-byte storage buffer, and the backend raises the CPU backend's ShapeError
 * when the user next reads a result (`data()`, `item()`) or syncs. Nothing is read back per op: the
 * flag travels in the same copy and the same `mapAsync` as the read the user does anyway.
 *
 * The flag, four u32 words:
 *
 * ```text
 * [0] tag       0 = no error; else the tag of the first dispatch that met a bad id
 * [1] position  the lowest position of a bad id in that dispatch (atomicMin; 0xffffffff = none)
 * [2] id        the bad id at that position (written by a one-thread "resolve" dispatch recorded
 *               right after the kernel, while its ids buffer is still the same)
 * [3] unused
 * ```
 *
 * Each dispatch that checks ids gets a fresh tag, and the host keeps the {@link IdCheck} (operation,
 * bound, message parts) of every tag not yet settled. Dispatches run in order and a kernel only
 * writes the flag while word 0 is 0 or its own tag, so the first bad op wins, as on the CPU, where it
 * throws at once. A read settles the tags recorded before it: no error → they are dropped; an error →
 * `idError(check, id, position)` is thrown, the flag is reset and the tags dropped (an error in a later
 * op of the same batch is not reported: its inputs came from the bad op anyway).
 *
 * Worked example: `crossEntropy(logits (2,3), targets [0, 5])` records tag 7 with the check "every
 * target in [0, 3) or equal to ignoreIndex -100"; row 1's workgroup sets [7, 1, ·, ·], the resolve
 * dispatch stores 5 in word 2; `await loss.item()` copies the flag with the loss, sees tag 7 and
 * throws "crossEntropy: expected every target in [0, 3) or equal to ignoreIndex -100, found target 5
 * at row 1; hint: ...".
 */
import { type IdCheck, idError } from '../backend/id-check.js';
import type { ShapeError } from '../errors.js';
import type { CommandBatcher, StorageBinding } from './command-batcher.js';
import { PARAMS_WGSL } from './wgsl.js';

/** Bytes of the flag buffer. */
export const ID_FLAG_BYTES = 16;

const NO_POSITION = 0xffffffff;

/** Unsettled tags kept at most (older ones are reported without their message details). */
const MAX_PENDING = 1 << 16;

/**
 * WGSL of the flag binding and `reportBadId(tag, position)`, for a kernel whose flag binding is
 * `binding`. A kernel calls `reportBadId(pu(w), i)` for each bad id it meets, the tag at params word w.
 */
export function idFlagWGSL(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read_write> IDFLAG: array<atomic<u32>, 4>;
fn reportBadId(tag: u32, position: u32) {
  let owner = atomicLoad(&IDFLAG[0]);
  if (owner == 0u || owner == tag) {
    atomicStore(&IDFLAG[0], tag);
    atomicMin(&IDFLAG[1], position);
  }
}
`;
}

/**
 * Copies the bad id at the recorded position into word 2: one thread, dispatched right after the
 * checking kernel with the same ids (params: 0 tag, 1 number of ids).
 */
export const RESOLVE_BAD_ID_WGSL = /* wgsl */ `${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> IDS: array<i32>;
${idFlagWGSL(2)}
@compute @workgroup_size(1)
fn main() {
  if (atomicLoad(&IDFLAG[0]) != pu(0u)) { return; }
  let position = atomicLoad(&IDFLAG[1]);
  if (position < pu(1u)) { atomicStore(&IDFLAG[2], bitcast<u32>(IDS[position])); }
}`;

/** A dispatch's part in the flag: its tag (a params word) and the flag's binding. */
export interface IdFlagUse {
  readonly tag: number;
  readonly binding: StorageBinding;
}

/** The tags a read covers (see {@link IdErrorFlag.snapshot}). */
export type IdFlagSnapshot = readonly number[];

/** The flag buffer and the checks of the tags not yet settled. */
export class IdErrorFlag {
  readonly buffer: GPUBuffer;
  private readonly pending = new Map<number, IdCheck>();
  private nextTag = 1;
  /** The tag of the error raised last (a second read of the same flag must not raise it again). */
  private reportedTag = 0;

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({
      size: ID_FLAG_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      mappedAtCreation: true,
      label: 'llmforge-id-error-flag',
    });
    new Uint32Array(this.buffer.getMappedRange()).set([0, NO_POSITION, 0, 0]);
    this.buffer.unmap();
  }

  /** True when some dispatch checked ids since the last settled read. */
  get active(): boolean {
    return this.pending.size > 0;
  }

  /** Registers a checking dispatch: its tag and the binding of the flag. */
  use(check: IdCheck): IdFlagUse {
    const tag = this.nextTag;
    this.nextTag = tag >= 0xfffffff0 ? 1 : tag + 1;
    this.pending.set(tag, check);
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    return { tag, binding: { buffer: this.buffer, offset: 0, size: ID_FLAG_BYTES } };
  }

  /** The tags a read recorded now will cover (every dispatch recorded before it). */
  snapshot(): IdFlagSnapshot {
    return [...this.pending.keys()];
  }

  /**
   * Settles the tags of `covered` from the flag's words as a read copied them: undefined when no
   * dispatch met a bad id, else the error to raise (the flag is reset on the device first).
   */
  settle(words: Uint32Array, covered: IdFlagSnapshot, batcher: CommandBatcher): ShapeError | undefined {
    const tag = words[0]!;
    if (tag === 0 || tag === this.reportedTag) {
      for (const t of covered) this.pending.delete(t);
      return undefined;
    }
    const check = this.pending.get(tag);
    for (const t of covered) this.pending.delete(t);
    this.pending.delete(tag);
    this.reportedTag = tag;
    batcher.beforeWrite(this.buffer);
    this.device.queue.writeBuffer(this.buffer, 0, new Uint32Array([0, NO_POSITION, 0, 0]));
    const position = words[1]!;
    const id = (words[2]! | 0) as number;
    return idError(
      check ?? {
        operation: 'a WebGPU op taking ids',
        bound: 0,
        expected: 'ids in range',
        found: (v, i) => `id ${v} at position ${i}`,
        hint: `the op was one of ${MAX_PENDING} or more unread ops ago; read results more often to name it`,
      },
      id,
      position,
    );
  }

  /** Frees the buffer. */
  destroy(): void {
    this.buffer.destroy();
    this.pending.clear();
  }
}
