"""The benchmark step of bench/train-step.ts in PyTorch: the same model (GPT-2 or Llama family from
our config, attention written out since Debian's torch 1.13 has no scaled_dot_product_attention),
float32, forward + cross-entropy + backward. Prints the median seconds per step."""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

spec = json.loads(sys.argv[1])
c, B, T, steps = spec["config"], spec["batch"], spec["seqLen"], spec["steps"]
dev = spec.get("device", "cpu")  # "cuda" for the GPU machine
torch.manual_seed(0)
C, nh, nkv, hs, Fh = c["nEmbd"], c["nHead"], c["nKvHead"], c["headDim"], c["ffnHidden"]

def norm():
    if c["norm"] == "rmsnorm":
        return nn.RMSNorm(C, eps=c["normEps"]) if hasattr(nn, "RMSNorm") else RMS()
    return nn.LayerNorm(C, eps=c["normEps"], elementwise_affine=True)

class RMS(nn.Module):
    def __init__(self):
        super().__init__(); self.w = nn.Parameter(torch.ones(C))
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["normEps"]) * self.w

def rope(x, theta):
    t = x.shape[2]
    inv = 1.0 / (theta ** (torch.arange(0, hs, 2, device=dev).float() / hs))
    ang = torch.outer(torch.arange(t, device=dev).float(), inv)
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
    x1, x2 = x[..., : hs // 2], x[..., hs // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        b = c["bias"]
        self.n1, self.n2 = norm(), norm()
        self.q, self.k, self.v = nn.Linear(C, nh * hs, b), nn.Linear(C, nkv * hs, b), nn.Linear(C, nkv * hs, b)
        self.o = nn.Linear(nh * hs, C, b)
        self.up, self.down = nn.Linear(C, Fh, b), nn.Linear(Fh, C, b)
        self.gate = nn.Linear(C, Fh, b) if c["activation"] == "swiglu" else None
    def forward(self, x):
        h = self.n1(x)
        q = self.q(h).view(B, T, nh, hs).transpose(1, 2)
        k = self.k(h).view(B, T, nkv, hs).transpose(1, 2)
        v = self.v(h).view(B, T, nkv, hs).transpose(1, 2)
        if c["positions"] == "rope":
            q, k = rope(q, c["ropeTheta"]), rope(k, c["ropeTheta"])
        if nkv != nh:
            k, v = k.repeat_interleave(nh // nkv, 1), v.repeat_interleave(nh // nkv, 1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool, device=dev).triu(1), float("-inf")).softmax(-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(B, T, nh * hs))
        h = self.n2(x)
        a = self.up(h)
        act = c["activation"]
        if act == "swiglu": a = F.silu(self.gate(h)) * a
        elif act == "gelu": a = F.gelu(a)
        elif act == "gelu_tanh": a = F.gelu(a, approximate="tanh")
        else: a = F.relu(a).square()
        return x + self.down(a)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(c["vocabSize"], C)
        self.wpe = nn.Embedding(c["contextLength"], C) if c["positions"] == "learned" else None
        self.blocks = nn.ModuleList([Block() for _ in range(c["nLayer"])])
        self.nf = norm()
        self.head = None if c["tiedEmbeddings"] else nn.Linear(C, c["vocabSize"], False)
    def forward(self, ids):
        x = self.wte(ids)
        if self.wpe is not None: x = x + self.wpe(torch.arange(T, device=dev))
        for b in self.blocks: x = b(x)
        x = self.nf(x)
        return x @ self.wte.weight.t() if self.head is None else self.head(x)

model = Model().to(dev)
ids = torch.randint(0, c["vocabSize"], (B, T), device=dev)
sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
times = []
for s in range(steps + 1):
    t0 = time.perf_counter()
    logits = model(ids)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, c["vocabSize"]), ids[:, 1:].reshape(-1))
    loss.backward()
    model.zero_grad(set_to_none=True)
    sync()
    if s > 0: times.append(time.perf_counter() - t0)
times.sort()
print(times[len(times) // 2])
