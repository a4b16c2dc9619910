/// <reference types="@webgpu/types" />
/**
 * Records kernel dispatches into one command encoder and submits them together.
 *
 * Submitting one command buffer per dispatch costs tens of microseconds of driver time each; a
 * training step has hundreds of dispatches. So dispatches accumulate in one compute pass of one
 * encoder, and the batch is submitted when
 *   - a read needs the results (`flush()` before the copy to a staging buffer is mapped),
 *   - the caller syncs, or
 *   - the batch reaches `maxDispatches` (so a long loop without reads still makes progress).
 *
 * Kernel parameters (shapes, strides, scalar attributes) go into a uniform "arena": each dispatch
 * gets a 256-byte slot of one uniform buffer, written with a single `queue.writeBuffer` right before
 * the submit. Queue operations run in order, so the next batch may overwrite the arena: its write is
 * queued after the previous submit.
 *
 * Ordering hazard this class guards against: `queue.writeBuffer` runs before any command recorded
 * but not yet submitted. Writing into a buffer the pending batch still reads would corrupt the batch,
 * so `beforeWrite(buffer)` flushes first when the buffer was touched by the pending batch.
 */

/** Bytes of kernel parameters one dispatch may use (64 u32/f32 words). */
export const PARAM_SLOT_BYTES = 256;

/** One storage binding of a dispatch: a buffer (or a byte range of one). */
export interface StorageBinding {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

export class CommandBatcher {
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private readonly touched = new Set<GPUBuffer>();
  private readonly arena: GPUBuffer;
  private readonly arenaData: ArrayBuffer;
  private slots = 0;
  private dispatches = 0;
  /** Total submits so far (for tests and stats). */
  submits = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxDispatches = 512,
  ) {
    this.arenaData = new ArrayBuffer(PARAM_SLOT_BYTES * maxDispatches);
    this.arena = device.createBuffer({
      size: this.arenaData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: 'llmforge-params-arena',
    });
  }

  /** Number of dispatches recorded and not yet submitted. */
  get pending(): number {
    return this.dispatches;
  }

  private ensureEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'llmforge-batch' });
    return this.encoder;
  }

  private ensurePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.ensureEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = undefined;
    }
  }

  /**
   * Records one dispatch. `params` (at most 256 bytes) is bound at binding 0 as a uniform when given;
   * storage `bindings` follow at 1, 2, ... (or from 0 when there are no params).
   */
  dispatch(
    pipeline: GPUComputePipeline,
    bindings: readonly StorageBinding[],
    workgroups: readonly [number, number?, number?],
    params?: ArrayBuffer,
  ): void {
    if (this.dispatches >= this.maxDispatches) this.flush();
    const entries: GPUBindGroupEntry[] = [];
    let binding = 0;
    if (params) {
      const slot = this.slots++;
      new Uint8Array(this.arenaData, slot * PARAM_SLOT_BYTES, PARAM_SLOT_BYTES).set(
        new Uint8Array(params, 0, Math.min(params.byteLength, PARAM_SLOT_BYTES)),
      );
      entries.push({
        binding: binding++,
        resource: { buffer: this.arena, offset: slot * PARAM_SLOT_BYTES, size: PARAM_SLOT_BYTES },
      });
    }
    for (const b of bindings) {
      const resource: GPUBufferBinding = { buffer: b.buffer };
      if (b.offset !== undefined) resource.offset = b.offset;
      if (b.size !== undefined) resource.size = b.size;
      entries.push({ binding: binding++, resource });
      this.touched.add(b.buffer);
    }
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.ensurePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    this.dispatches += 1;
  }

  /** Records a buffer-to-buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.endPass();
    this.ensureEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
    this.touched.add(src);
    this.touched.add(dst);
    this.dispatches += 1;
  }

  /** Call before `queue.writeBuffer(buffer, ...)`: submits the batch first if it uses `buffer`. */
  beforeWrite(buffer: GPUBuffer): void {
    if (this.touched.has(buffer)) this.flush();
  }

  /** Submits everything recorded so far (no-op when nothing is pending). */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.slots > 0) {
      this.device.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.slots * PARAM_SLOT_BYTES);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.touched.clear();
    this.slots = 0;
    this.dispatches = 0;
    this.submits += 1;
  }

  /** Releases the parameter arena. */
  destroy(): void {
    this.encoder = undefined;
    this.pass = undefined;
    this.arena.destroy();
  }
}
