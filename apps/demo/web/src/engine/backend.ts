/**
 * Where the page's tensors live: WebGPU when the browser offers an adapter, the CPU backend
 * (WebAssembly SIMD kernels, with threads when the page is cross-origin isolated) otherwise. Runs in
 * a worker: both backends work there, and a worker may block, so the CPU backend's threads can wait
 * on each other with `Atomics.wait`.
 *
 * The page always says which one runs and why, e.g. "WebGPU is not available: the browser has
 * WebGPU but offered no adapter; no usable GPU, or WebGPU is disabled. Running on the CPU
 * (WebAssembly SIMD, 2 threads) instead."
 */
import { type Backend, createCpuBackend, createWebGPUBackend } from '@llmforge/tensor-gpu';

/** What the user asked for: the best available, or the CPU backend. */
export type BackendChoice = 'auto' | 'cpu';

/** What runs, for the status line. */
export interface BackendInfo {
  kind: 'webgpu' | 'cpu';
  /** e.g. "WebGPU (google swiftshader)" or "CPU (WebAssembly SIMD, 2 threads)". */
  label: string;
  /** Why the CPU backend runs when WebGPU was not chosen by the user (absent otherwise). */
  fallback?: string;
}

/** Why WebGPU cannot be used here, or the adapter when it can. */
async function probeWebGPU(): Promise<{ gpu: GPU; adapter: GPUAdapter } | { reason: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { reason: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter)
    return {
      reason: 'the browser has WebGPU but offered no adapter; no usable GPU, or WebGPU is disabled',
    };
  return { gpu, adapter };
}

function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ');
  return name || 'adapter';
}

/**
 * Opens a backend: WebGPU when `choice` is `auto` and an adapter exists, else the CPU backend.
 *
 * @example
 * ```ts
 * const { backend, info } = await openBackend('auto');
 * console.log(info.label, info.fallback ?? '');
 * ```
 */
export async function openBackend(choice: BackendChoice): Promise<{ backend: Backend; info: BackendInfo }> {
  let fallback: string | undefined;
  if (choice === 'auto') {
    const probe = await probeWebGPU();
    if ('adapter' in probe) {
      try {
        const backend = await createWebGPUBackend({ gpu: probe.gpu });
        return { backend, info: { kind: 'webgpu', label: `WebGPU (${adapterName(probe.adapter)})` } };
      } catch (e) {
        fallback = `the WebGPU device could not be created: ${(e as Error).message}`;
      }
    } else {
      fallback = probe.reason;
    }
  }
  const cpu = createCpuBackend();
  const i = cpu.info();
  const kernels = i.arena
    ? `WebAssembly ${i.simd === 'relaxed' ? 'relaxed ' : ''}SIMD`
    : 'TypeScript kernels';
  const threads = `${i.threads} thread${i.threads === 1 ? '' : 's'}`;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const label = `CPU (${kernels}, ${threads}${isolated ? '' : ': the page is not cross-origin isolated'})`;
  return { backend: cpu, info: { kind: 'cpu', label, ...(fallback === undefined ? {} : { fallback }) } };
}
