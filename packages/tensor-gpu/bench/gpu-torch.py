"""PyTorch reference for bench/gpu-bench.ts, same shapes, same machine, same command.

f32 matmul with TF32 off (cuBLAS SIMT, what a WGSL f32 kernel competes with), f16 matmul (tensor
cores), and causal attention forward + backward at the GPT-2 small shape through SDPA.
Prints one JSON object per measurement.
"""
import json
import time

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"


def timed(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) / iters * 1e3


for dtype in (torch.float32, torch.float16):
    for n in (2048, 4096, 8192):
        a = torch.rand(n, n, device=dev, dtype=dtype)
        b = torch.rand(n, n, device=dev, dtype=dtype)
        ms = timed(lambda: a @ b, 5 if n == 8192 else 20)
        print(json.dumps({"bench": "torch-matmul", "dtype": str(dtype), "n": n, "ms": round(ms, 3),
                          "tflops": round(2 * n**3 / ms / 1e9, 2)}))

B, H, T, D = 4, 12, 1024, 64
for dtype in (torch.float32, torch.float16):
    q, k, v = (torch.rand(B, H, T, D, device=dev, dtype=dtype, requires_grad=True) for _ in range(3))
    dout = torch.rand(B, H, T, D, device=dev, dtype=dtype)
    f = torch.nn.functional.scaled_dot_product_attention
    ms_f = timed(lambda: f(q, k, v, is_causal=True), 10)
    o = f(q, k, v, is_causal=True)
    ms_fb = timed(lambda: torch.autograd.grad(f(q, k, v, is_causal=True), (q, k, v), dout), 10)
    flop = 2 * 2 * B * H * T * T * D * 0.5
    print(json.dumps({"bench": "torch-attention-fwd", "dtype": str(dtype), "ms": round(ms_f, 3),
                      "tflops": round(flop / ms_f / 1e9, 3)}))
    print(json.dumps({"bench": "torch-attention-bwd", "dtype": str(dtype), "ms": round(ms_fb - ms_f, 3),
                      "tflops": round(flop * 2.5 / (ms_fb - ms_f) / 1e9, 3)}))
