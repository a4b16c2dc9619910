/**
 * Where the models run: the CPU backend (WebAssembly SIMD kernels over the machine's cores) by
 * default, or WebGPU through Dawn with `--backend webgpu` — a GPU through Vulkan, or Mesa's
 * llvmpipe through OpenGL ES on a machine without one. The demo says which adapter it got; with
 * no adapter at all it says why and falls back to the CPU.
 *
 * The CPU backend runs its relaxed-SIMD kernels (fused multiply-add) wherever the CPU and runtime
 * can: on Node 20 that needs V8's `--experimental-wasm-relaxed-simd`, a process-wide switch a
 * library must not flip for its users but an application may, so the demo asks for it
 * (`relaxedSimd: 'enable-flag'`; Node ≥ 22 has it anyway). On a 2-core AMD EPYC (Zen 1, whose
 * 128-bit pipes run a fused multiply-add as fast as a multiply) the demo's SFT step took 350 ms
 * instead of 459 ms (`pnpm bench cpu-train-step -- demo [--relaxed]` in @llmforge/tensor-gpu);
 * where relaxed SIMD does not validate, the plain kernels run and the line below says so.
 */
import { type Backend, createCpuBackend, createWebGPUBackend } from '@llmforge/tensor-gpu';

/** An opened backend and a line describing it. */
export interface DemoBackend {
  backend: Backend;
  kind: 'cpu' | 'webgpu';
  /** e.g. `webgpu: llvmpipe (LLVM 15.0.6, 256 bits), Dawn's opengl backend` or `cpu: 2 threads, simd`. */
  description: string;
}

/** What a WebGPU adapter says about itself, as one phrase. */
function describeAdapter(adapter: GPUAdapter, dawnBackend: string): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description]
    .map((s) => (s ?? '').trim())
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i);
  return `${parts.join(', ') || 'an unnamed adapter'} (Dawn's ${dawnBackend === 'default' ? 'default (Vulkan)' : dawnBackend} backend)`;
}

/**
 * Opens the backend a run asks for.
 *
 * @example
 * ```ts
 * const { backend, description } = await openBackend('webgpu', null, console.log);
 * // webgpu: llvmpipe-llvm-15-0-6-256-bits, OpenGL version 4.5 … Mesa 22.3.6 (Dawn's opengl backend)
 * ```
 */
export async function openBackend(
  kind: 'cpu' | 'webgpu',
  threads: number | null,
  log: (line: string) => void,
): Promise<DemoBackend> {
  if (kind === 'webgpu') {
    try {
      const { createNodeGPU } = await import('@llmforge/tensor-gpu/node');
      const opened = await createNodeGPU();
      const backend = await createWebGPUBackend({
        device: opened.device,
        ownsDevice: true,
        keepAlive: opened.gpu,
      });
      return { backend, kind, description: `webgpu: ${describeAdapter(opened.adapter, opened.backend)}` };
    } catch (cause) {
      log(`webgpu: no adapter (${(cause as Error).message.split('\n')[0]}); using the CPU backend instead`);
    }
  }
  const cpu = createCpuBackend({ relaxedSimd: 'enable-flag', ...(threads === null ? {} : { threads }) });
  const info = cpu.info();
  return {
    backend: cpu,
    kind: 'cpu',
    description: `cpu: ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${info.simd === 'none' ? 'TypeScript kernels' : `WebAssembly ${info.simd} SIMD`}`,
  };
}
