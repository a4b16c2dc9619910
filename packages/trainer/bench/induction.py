"""PyTorch twin of bench/induction.ts (written for this benchmark; no code copied from elsewhere).

  python3 induction.py DIR     DIR holds config.json, rows.i32, probe.i32, init.f32 and init.json
                               written by induction.ts

The same model as @llmforge/transformer's `tiny-llama` preset with the demo's overrides: 4 layers,
4 heads (4 key/value heads), width 128, RMSNorm (eps 1e-5), SwiGLU (hidden 384), rotary positions
(theta 10000, rotate-half), tied embeddings, no biases, GPT-2 init (0.02; residual projections
0.02/sqrt(2·layers)), then overwritten by our model's initial weights (init.f32, named in init.json)
so that both sides start from the same point. AdamW (0.9, 0.99), no weight decay, warmup 50 steps then constant lr, one
thread. Prints one JSON line per probe reading.
"""
import json, math, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(1)
DIR = sys.argv[1]
cfg = json.load(open(os.path.join(DIR, "config.json")))
B, T, V, STEPS, LR, EVERY = cfg["batch"], cfg["seq"], cfg["vocab"], cfg["steps"], cfg["lr"], cfg["every"]
P, M = cfg["probeRows"], cfg["probeLen"]
rows = torch.from_numpy(np.fromfile(os.path.join(DIR, "rows.i32"), dtype="<i4").astype(np.int64)).view(STEPS, B, T + 1)
probe = torch.from_numpy(np.fromfile(os.path.join(DIR, "probe.i32"), dtype="<i4").astype(np.int64)).view(P, 1 + 2 * M)
C, H, L = 128, 4, 4
HD, FF = C // H, math.ceil(8 * C / 3 / 64) * 64
inv = 1.0 / (10000 ** (torch.arange(0, HD, 2).float() / HD))
ang = torch.outer(torch.arange(T).float(), inv)
COS, SIN = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)


def rope(x):
    t = x.shape[-2]
    x1, x2 = x[..., : HD // 2], x[..., HD // 2 :]
    return x * COS[:t] + torch.cat([-x2, x1], -1) * SIN[:t]


class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(C))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = RMSNorm(), RMSNorm()
        self.qkv = nn.Linear(C, 3 * C, bias=False)
        self.proj = nn.Linear(C, C, bias=False)
        self.gate = nn.Linear(C, FF, bias=False)
        self.up = nn.Linear(C, FF, bias=False)
        self.down = nn.Linear(FF, C, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.n1(x)).view(b, t, 3, H, HD).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True)
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, C))
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, C)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.norm = RMSNorm()
        for name, p in self.named_parameters():
            if p.dim() == 2:
                residual = name.endswith(("proj.weight", "down.weight"))
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * L) if residual else 0.02)

    def forward(self, ids):
        h = self.emb(ids)
        for block in self.blocks:
            h = block(h)
        return self.norm(h) @ self.emb.weight.T


def read_probe(model):
    with torch.no_grad():
        logp = F.log_softmax(model(probe[:, :-1]), -1)
    nll = -logp.gather(-1, probe[:, 1:, None])[..., 0]
    first = nll[:, :M].mean().item()
    second = nll[:, M + 1 :].mean().item()
    top1 = (logp.argmax(-1)[:, M + 1 :] == probe[:, M + 2 :]).float().mean().item()
    return first, second, top1


def load_init(model):
    """Copies @llmforge's initial weights (our names, [out, in] like nn.Linear) into the model."""
    flat = np.fromfile(os.path.join(DIR, "init.f32"), dtype="<f4")
    ours, at = {}, 0
    for p in json.load(open(os.path.join(DIR, "init.json"))):
        n = int(np.prod(p["shape"]))
        ours[p["name"]] = torch.from_numpy(flat[at : at + n].copy()).view(*p["shape"])
        at += n
    assert at == flat.size, "init.f32 does not match init.json"
    with torch.no_grad():
        model.emb.weight.copy_(ours.pop("wte.weight"))
        model.norm.weight.copy_(ours.pop("lnf.weight"))
        for i, b in enumerate(model.blocks):
            g = lambda k: ours.pop(f"h.{i}.{k}.weight")
            b.n1.weight.copy_(g("ln1"))
            b.n2.weight.copy_(g("ln2"))
            b.qkv.weight.copy_(torch.cat([g("attn.q"), g("attn.k"), g("attn.v")]))
            b.proj.weight.copy_(g("attn.o"))
            b.gate.weight.copy_(g("mlp.gate"))
            b.up.weight.copy_(g("mlp.up"))
            b.down.weight.copy_(g("mlp.down"))
    assert not ours, f"parameters PyTorch's model has no place for: {sorted(ours)}"


model = Model()
load_init(model)
opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.99), weight_decay=0.0)
t0, avg = time.time(), None
for step in range(1, STEPS + 1):
    batch = rows[step - 1]
    for group in opt.param_groups:
        group["lr"] = LR * min(1.0, step / 50)
    loss = F.cross_entropy(model(batch[:, :-1]).reshape(-1, V), batch[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    avg = loss.item() if avg is None else 0.95 * avg + 0.05 * loss.item()
    if step % EVERY == 0 or step == STEPS:
        first, second, top1 = read_probe(model)
        print(json.dumps({"step": step, "loss": avg, "first": first, "second": second, "top1": top1, "seconds": time.time() - t0}), flush=True)
