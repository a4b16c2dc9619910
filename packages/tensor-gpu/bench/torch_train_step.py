"""The PyTorch side of `bench/cpu-train-step.ts`: the same decoder (our ModelConfig, as JSON), the same
initialisation scheme (GPT-2's: normal 0.02, residual projections 0.02/sqrt(2·layers), zero biases,
unit norms, tied embeddings), float32 on the CPU with a fixed number of threads. Both families of
our config: GPT-2 style (LayerNorm, GELU, learned positions) and Llama style (RMSNorm, SwiGLU,
rotary positions with rotate-half pairs, as Hugging Face's Llama); key/value heads = query heads.

  python3 torch_train_step.py '{"mode": "train", "config": {...}, "batch": 12, "seqLen": 64,
                                "warmup": 2, "steps": 5, "threads": 2}'
  python3 torch_train_step.py '{"mode": "decode", "config": {...}, "prompt": 64, "tokens": 32, ...}'

train: forward, cross entropy against separate targets (nanoGPT's x/y batches), backward, clip 1.0,
AdamW (lr 1e-3, betas (0.9, 0.99), weight decay 0.1) — milliseconds per step. With "scoreEvery": k
only every k-th position is scored (an SFT batch's assistant tokens): the others are ignored
(ignore_index) or, with "gather": true, their logits are not computed at all.
decode: greedy decoding with a KV cache, one token per step — milliseconds per token after the prefill.
Prints one JSON line: torch version, its BLAS, threads, and the timings."""
import json, math, re, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec.get("threads", 2))
torch.manual_seed(0)
c = spec["config"]
C, nh, hs, L, V = c["nEmbd"], c["nHead"], c["headDim"], c["nLayer"], c["vocabSize"]
assert c["nKvHead"] == nh and c["tiedEmbeddings"], "this script has no grouped-query attention or untied head"
bias = c["bias"]
gated = c["activation"] in ("swiglu", "geglu")
act = {
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "swiglu": F.silu,
    "geglu": lambda x: F.gelu(x, approximate="tanh"),
}[c["activation"]]
rope = c["positions"] == "rope"
assert rope or c["positions"] == "learned", f"positions {c['positions']} not supported here"
if rope:
    inv = 1.0 / (c["ropeTheta"] ** (torch.arange(0, hs, 2).float() / hs))
    ang = torch.outer(torch.arange(c["contextLength"]).float(), inv)
    COS, SIN = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)


def rotate(x, pos0):
    """Rotary positions on (B, nh, T, hs) starting at position pos0 (rotate-half pairs)."""
    t = x.shape[-2]
    x1, x2 = x[..., : hs // 2], x[..., hs // 2 :]
    return x * COS[pos0 : pos0 + t] + torch.cat([-x2, x1], -1) * SIN[pos0 : pos0 + t]


class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(C))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["normEps"]) * self.weight


def norm():
    assert c["norm"] in ("layernorm", "rmsnorm"), f"norm {c['norm']} not supported here"
    return nn.LayerNorm(C, eps=c["normEps"], bias=bias) if c["norm"] == "layernorm" else RMSNorm()


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = norm(), norm()
        self.q, self.k, self.v = (nn.Linear(C, nh * hs, bias=bias) for _ in range(3))
        self.o = nn.Linear(nh * hs, C, bias=bias)
        self.up, self.down = nn.Linear(C, c["ffnHidden"], bias=bias), nn.Linear(c["ffnHidden"], C, bias=bias)
        self.gate = nn.Linear(C, c["ffnHidden"], bias=bias) if gated else None

    def forward(self, x, cache=None, pos0=0):
        B, T, _ = x.shape
        h = self.ln1(x)
        heads = lambda t: t.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        q, k, v = heads(self.q(h)), heads(self.k(h)), heads(self.v(h))
        if rope:
            q, k = rotate(q, pos0), rotate(k, pos0)
        if cache is not None:
            if cache[0] is not None:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[0], cache[1] = k, v
        # with a cache, T new queries see every cached key (is_causal only for the square case)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=T == k.shape[2] and T > 1)
        x = x + self.o(y.transpose(1, 2).reshape(B, T, nh * hs))
        h = self.ln2(x)
        return x + self.down(act(self.gate(h)) * self.up(h) if gated else act(self.up(h)))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = None if rope else nn.Embedding(c["contextLength"], C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.lnf = norm()
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif "ln" in name:
                nn.init.ones_(p)
            else:
                std = c["initStd"] / math.sqrt(2 * L) if name.endswith(("o.weight", "down.weight")) else c["initStd"]
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids, pos0=0, caches=None, at=None):
        T = ids.shape[1]
        x = self.wte(ids)
        if self.wpe is not None:
            x = x + self.wpe(torch.arange(pos0, pos0 + T))
        for i, b in enumerate(self.h):
            x = b(x, None if caches is None else caches[i], pos0)
        h = self.lnf(x)
        if at is not None:  # logits only at the flat positions b·T + t in `at`: (N, V)
            return h.reshape(-1, C)[at] @ self.wte.weight.t()
        return h @ self.wte.weight.t()  # (B, T, V)


def blas():
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


model = Model()
out = {"torch": torch.__version__, "blas": blas(), "threads": torch.get_num_threads()}
if spec["mode"] == "train":
    B, T = spec["batch"], spec["seqLen"]
    g = torch.Generator().manual_seed(7)
    ids, targets = torch.randint(0, V, (B, T), generator=g), torch.randint(0, V, (B, T), generator=g)
    every, gather = spec.get("scoreEvery", 1), spec.get("gather", False)
    at = torch.arange(0, B * T, every)
    flat = targets.view(-1)
    if every > 1 and not gather:
        flat = torch.full((B * T,), -100, dtype=torch.long)
        flat[at] = targets.view(-1)[at]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    times = []
    for s in range(spec["warmup"] + spec["steps"]):
        t0 = time.perf_counter()
        if gather:
            loss = F.cross_entropy(model(ids, at=at), flat[at])
        else:
            loss = F.cross_entropy(model(ids).view(-1, V), flat, ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()
        if s >= spec["warmup"]:
            times.append((time.perf_counter() - t0) * 1000)
    out["ms"] = times
else:
    prompt = torch.tensor([[(i * 7919) % V for i in range(spec["prompt"])]])
    gaps = []
    with torch.no_grad():
        for r in range(spec.get("repeats", 2)):
            caches = [[None, None] for _ in range(L)]
            logits = model(prompt, 0, caches)
            nxt, pos, last = logits[:, -1].argmax(-1, keepdim=True), spec["prompt"], time.perf_counter()
            for _ in range(spec["tokens"]):
                logits = model(nxt, pos, caches)
                nxt, pos = logits[:, -1].argmax(-1, keepdim=True), pos + 1
                now = time.perf_counter()
                gaps.append((now - last) * 1000)
                last = now
    out["ms"] = gaps
print(json.dumps(out))
