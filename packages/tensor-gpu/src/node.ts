/// <reference types="@webgpu/types" />
/**
 * The Node entry of @llmforge/tensor-gpu: WebGPU through Dawn's Node binding (the `webgpu` package),
 * and files (the `node:fs` side of safetensors I/O and atomic directories).
 *
 * This is the only entry that imports `webgpu` (an optional peer dependency) or `node:*` modules; the
 * core entry takes a `GPU` object and bytes instead, so the same code runs in browsers. What is here:
 *
 * - `createNodeGPU`, `createNodeBackend`: WebGPU through Dawn (below);
 * - `loadSafetensors(path)`, `loadSafetensorsInto(path, module)`: the main entry's loaders, plus paths;
 * - `saveSafetensors`, `saveTensors`, `SafetensorsFile`, `writeSafetensorsFile`: safetensors files;
 * - `writeDirectoryAtomically`, `recoverDirectory`: whole directories replaced atomically;
 * - `updateDirectoryAtomically`: some entries of a directory replaced atomically, the others kept.
 *
 * What `createNodeGPU` does, in order:
 * 1. sets `EGL_PLATFORM=surfaceless` (unless set) before Dawn initialises EGL, so the OpenGL path
 *    works on headless machines;
 * 2. tries Dawn's default backend (Vulkan on Linux) with the toggles that unlock `shader-f16` on
 *    NVIDIA (`vulkan_enable_f16_on_nvidia`) and experimental features;
 * 3. falls back to `backend=opengl` with `featureLevel: 'compatibility'` (Mesa llvmpipe on CPU-only
 *    machines works this way);
 * 4. throws a BackendError saying what is missing when neither gives an adapter.
 */
import { BackendError } from './errors.js';

import { type OpenedDevice, requestDevice } from './webgpu/request-device.js';
import { createWebGPUBackend, type WebGPUBackend } from './webgpu/webgpu-backend.js';

// files (the path versions of the main entry's loaders, and the writers)
export {
  AtomicDirectoryError,
  type AtomicDirectoryOptions,
  type RecoverResult,
  recoverDirectory,
  writeDirectoryAtomically,
} from './io/atomic-directory.js';
export { loadSafetensors, loadSafetensorsInto, saveSafetensors, saveTensors } from './io/node-files.js';
export { SafetensorsFile, writeSafetensorsFile } from './io/safetensors-file.js';
export { type UpdateDirectoryOptions, updateDirectoryAtomically } from './io/update-directory.js';

/** Options of {@link createNodeGPU}. */
export interface NodeGPUOptions {
  /** Which Dawn backends to try, in order (default `['default', 'opengl']`). */
  backends?: ReadonlyArray<'default' | 'vulkan' | 'opengl'>;
  powerPreference?: GPUPowerPreference;
  /**
   * Extra Dawn toggles. Default: `vulkan_enable_f16_on_nvidia` (shader-f16 on NVIDIA). Add
   * `allow_unsafe_apis` to get `chromium-experimental-subgroup-matrix` where the driver has it.
   */
  dawnFeatures?: readonly string[];
}

/** A device opened through Dawn, and which Dawn backend gave it. */
export interface NodeGPU extends OpenedDevice {
  gpu: GPU;
  backend: 'default' | 'vulkan' | 'opengl';
}

type WebGPUModule = { create: (options: string[]) => GPU; globals: object };

async function loadWebGPU(): Promise<WebGPUModule> {
  process.env.EGL_PLATFORM ??= 'surfaceless';
  try {
    const mod = (await import('webgpu')) as unknown as WebGPUModule;
    const g = globalThis as Record<string, unknown>;
    // Dawn's constants (GPUBufferUsage, GPUMapMode, ...) as browser globals, when absent.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in g)) g[k] = v;
    return mod;
  } catch (cause) {
    throw new BackendError({
      operation: 'createNodeBackend',
      expected: 'the optional peer dependency "webgpu" (Dawn for Node) to be installed',
      found: `it could not be loaded (${(cause as Error).message})`,
      hint: 'run `npm install webgpu` (prebuilt for linux-x64, darwin, win32), or use createCpuBackend()',
      cause,
    });
  }
}

/**
 * Opens a WebGPU device in Node through Dawn (Vulkan first, then OpenGL ES via EGL).
 *
 * @example
 * ```ts
 * import { createNodeGPU } from '@llmforge/tensor-gpu/node';
 * const { device, backend } = await createNodeGPU();
 * console.log(backend, device.features.has('shader-f16'));
 * ```
 */
export async function createNodeGPU(options: NodeGPUOptions = {}): Promise<NodeGPU> {
  const { create } = await loadWebGPU();
  const backends = options.backends ?? ['default', 'opengl'];
  const features = options.dawnFeatures ?? ['vulkan_enable_f16_on_nvidia'];
  const tried: string[] = [];
  for (const backend of backends) {
    const flags = features.length > 0 ? [`enable-dawn-features=${features.join(',')}`] : [];
    if (backend !== 'default') flags.push(`backend=${backend}`);
    try {
      const gpu = create(flags);
      const opened = await requestDevice(gpu, {
        ...(options.powerPreference ? { powerPreference: options.powerPreference } : {}),
        ...(backend === 'opengl' ? { featureLevel: 'compatibility' as const } : {}),
      });
      return { gpu, backend, ...opened };
    } catch (e) {
      tried.push(`${backend}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new BackendError({
    operation: 'createNodeBackend',
    expected: 'a WebGPU adapter from Dawn (Vulkan or OpenGL ES)',
    found: `none (${tried.join('; ')})`,
    hint: 'install a Vulkan driver, or Mesa for OpenGL (`apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri`), or use createCpuBackend()',
  });
}

/** Options of {@link createNodeBackend}. */
export interface NodeBackendOptions extends NodeGPUOptions {
  /** Dispatches per submitted command buffer (default 512). */
  maxBatch?: number;
}

/**
 * The WebGPU backend in Node: opens a device through Dawn ({@link createNodeGPU}) and wraps it.
 * `backend.dispose()` destroys the device.
 *
 * @example
 * ```ts
 * import { createNodeBackend } from '@llmforge/tensor-gpu/node';
 * const backend = await createNodeBackend();
 * const s = backend.allocate('f32', 2);
 * backend.write(s, new Float32Array([1, 2]));
 * console.log(await backend.read(s, 'f32', 2)); // Float32Array [1, 2]
 * backend.dispose();
 * ```
 */
export async function createNodeBackend(options: NodeBackendOptions = {}): Promise<WebGPUBackend> {
  const { device, gpu } = await createNodeGPU(options);
  return createWebGPUBackend({
    device,
    ownsDevice: true,
    keepAlive: gpu,
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
  });
}
