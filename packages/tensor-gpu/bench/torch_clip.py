"""Times torch.nn.utils.clip_grad_norm_ on gradients of the given shapes (the peer of bench/cpu-clip.ts).

argv[1]: JSON {"shapes": [[...], ...], "threads": N, "reps": R}. Prints JSON
{"torch": version, "foreach": ms, "per_tensor": ms} (medians; foreach=True is torch's fused path).
"""
import json, sys, time

import torch

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec["threads"])
params = []
for s in spec["shapes"]:
    p = torch.zeros(s, requires_grad=True)
    p.grad = torch.randn(s) * 1e-2
    params.append(p)


def median_ms(foreach):
    times = []
    for i in range(spec["reps"] + 5):
        t0 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=foreach).item()
        if i >= 5:
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


print(json.dumps({"torch": torch.__version__, "foreach": median_ms(True), "per_tensor": median_ms(False)}))
