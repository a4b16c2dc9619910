/// <reference types="@webgpu/types" />
/**
 * Adapter → device with the limits and features the kernels want.
 *
 * WebGPU hands out a device with conservative default limits (256 invocations per workgroup, 128 MiB
 * bindings, 16 KiB of workgroup memory, and in compatibility mode even less) unless the caller asks
 * for more. The kernels want what the adapter really has, so every limit below is requested at the
 * adapter's value. Optional features are requested when present: `shader-f16` (f16 kernels),
 * `subgroups`, `timestamp-query`, and `chromium-experimental-subgroup-matrix` (tensor-core matmul).
 */
import { BackendError } from '../errors.js';

const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxUniformBufferBindingSize',
] as const;

const WANTED_FEATURES = [
  'shader-f16',
  'subgroups',
  'timestamp-query',
  'chromium-experimental-subgroup-matrix',
] as const;

/** Options for {@link requestDevice}. */
export interface RequestDeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** `compatibility` for OpenGL ES backends (llvmpipe), `core` otherwise. */
  featureLevel?: 'core' | 'compatibility';
}

/** An adapter and a device opened on it with the adapter's full limits. */
export interface OpenedDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
}

/**
 * Requests an adapter from `gpu` and a device with every limit in `WANTED_LIMITS` raised to the
 * adapter's maximum. Throws a BackendError naming what is missing when no adapter is available.
 *
 * @example
 * ```ts
 * const { device } = await requestDevice(navigator.gpu, { powerPreference: 'high-performance' });
 * ```
 */
export async function requestDevice(gpu: GPU, options: RequestDeviceOptions = {}): Promise<OpenedDevice> {
  const adapterOptions: GPURequestAdapterOptions & { featureLevel?: string } = {};
  if (options.powerPreference) adapterOptions.powerPreference = options.powerPreference;
  if (options.featureLevel) adapterOptions.featureLevel = options.featureLevel;
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) {
    throw new BackendError({
      operation: 'createWebGPUBackend',
      expected: 'a WebGPU adapter',
      found: 'none (gpu.requestAdapter() returned null)',
      hint: 'in a browser, enable WebGPU; in Node, use createNodeBackend() from "@llmforge/tensor-gpu/node", which also tries OpenGL; or use createCpuBackend()',
    });
  }
  const requiredLimits: Record<string, number> = {};
  const limits = adapter.limits as unknown as Record<string, number>;
  for (const name of WANTED_LIMITS) {
    const v = limits[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'llmforge' });
  return { adapter, device };
}
