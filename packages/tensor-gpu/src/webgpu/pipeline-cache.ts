/// <reference types="@webgpu/types" />
/**
 * Compiled compute pipelines, cached by WGSL source + entry point + override constants.
 *
 * Kernels generate their WGSL from a few parameters (dtype, tile sizes, whether the shape is aligned),
 * so the same source string comes back every time a kernel runs with the same parameters; compiling
 * it again would cost milliseconds per dispatch. The cache key is the full source text, so two kernels
 * can never collide by accident.
 *
 * @example
 * ```ts
 * const cache = new PipelineCache(device);
 * const p1 = cache.get(wgsl, 'main');
 * const p2 = cache.get(wgsl, 'main'); // same object, compiled once
 * ```
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  /** The pipeline for `code` at `entryPoint` with override `constants`, compiled on first use. */
  get(code: string, entryPoint = 'main', constants?: Record<string, number>): GPUComputePipeline {
    const constKey = constants
      ? Object.keys(constants)
          .sort()
          .map((k) => `${k}=${constants[k]}`)
          .join(',')
      : '';
    const key = `${entryPoint}|${constKey}|${code}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline) return pipeline;
    let module = this.modules.get(code);
    if (!module) {
      module = this.device.createShaderModule({ code, label: `llmforge-${entryPoint}` });
      this.modules.set(code, module);
    }
    pipeline = this.device.createComputePipeline({
      layout: 'auto',
      compute: constants ? { module, entryPoint, constants } : { module, entryPoint },
      label: `llmforge-${entryPoint}`,
    });
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Number of distinct pipelines compiled so far. */
  get size(): number {
    return this.pipelines.size;
  }
}
