"""PyTorch reference for the trainer benchmark: nanoGPT's CPU "baby GPT" on Jane Austen.

Written for this benchmark (no nanoGPT code is copied): a GPT-2 block stack (LayerNorm with bias,
GELU tanh, learned positions, tied embeddings), GPT-2 init, AdamW with decay on matrices only,
linear warmup then cosine (the same formula as @llmforge/tensor-gpu's cosineSchedule), global norm
clipping, and validation loss as the mean over fixed batches.

Sub-commands:

  python3 baby_gpt.py chars OUT            write OUT/char_{train,val}_000000.bin (llm.c shards) + meta.json
  python3 baby_gpt.py train CONFIG.json    train on llm.c shards, print one JSON line of results
  python3 baby_gpt.py eval CONFIG.json CKPT evaluate a Hugging Face GPT-2 checkpoint dir (safetensors)

The data split is the issue's: the six novels concatenated in file-name order, first 90% of the
characters for training, last 10% for validation (apps/demo/data/austen.txt.gz is that file).
"""
import gzip, json, math, os, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "apps", "demo", "data", "austen.txt.gz")
MAGIC = 20240520


def write_shard(path, tokens, version=1):
    header = np.zeros(256, dtype="<i4")
    header[0], header[1], header[2] = MAGIC, version, len(tokens)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.asarray(tokens, dtype="<u2" if version == 1 else "<u4").tobytes())


def read_shard(path):
    header = np.fromfile(path, dtype="<i4", count=256)
    assert header[0] == MAGIC, f"{path}: bad magic {header[0]}"
    dtype = "<u2" if header[1] == 1 else "<u4"
    tokens = np.memmap(path, dtype=dtype, mode="r", offset=1024, shape=(int(header[2]),))
    return tokens


def chars(out):
    text = gzip.open(CORPUS, "rt", encoding="utf-8").read()
    vocab = sorted(set(text))
    stoi = {c: i for i, c in enumerate(vocab)}
    cut = int(len(text) * 0.9)
    os.makedirs(out, exist_ok=True)
    write_shard(os.path.join(out, "char_train_000000.bin"), [stoi[c] for c in text[:cut]])
    write_shard(os.path.join(out, "char_val_000000.bin"), [stoi[c] for c in text[cut:]])
    json.dump({"vocab_size": len(vocab), "chars": len(text), "train_chars": cut}, open(os.path.join(out, "meta.json"), "w"))
    print(json.dumps({"vocab_size": len(vocab), "train_tokens": cut, "val_tokens": len(text) - cut}))


class Block(nn.Module):
    def __init__(self, C, nh):
        super().__init__()
        self.nh = nh
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.attn_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.nh, C // self.nh).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.attn_proj(y.transpose(1, 2).contiguous().view(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V, T, L, nh, C):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList(Block(C, nh) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * L) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, targets=None, reduction="mean"):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.T  # tied
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), reduction=reduction)

    def load_hf(self, ckpt):
        """Loads a Hugging Face GPT2LMHeadModel safetensors file (Conv1D layout (in, out))."""
        raw = open(os.path.join(ckpt, "model.safetensors"), "rb").read()
        n = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8 : 8 + n])
        get = lambda k: torch.from_numpy(np.frombuffer(raw, "<f4", int(np.prod(header[k]["shape"])), 8 + n + header[k]["data_offsets"][0]).reshape(header[k]["shape"]).copy())
        sd = {"wte.weight": get("transformer.wte.weight"), "wpe.weight": get("transformer.wpe.weight")}
        for i in range(len(self.h)):
            p = f"transformer.h.{i}."
            for ours, hf, conv in [("ln_1", "ln_1", False), ("ln_2", "ln_2", False), ("c_attn", "attn.c_attn", True),
                                   ("attn_proj", "attn.c_proj", True), ("c_fc", "mlp.c_fc", True), ("mlp_proj", "mlp.c_proj", True)]:
                w = get(p + hf + ".weight")
                sd[f"h.{i}.{ours}.weight"] = w.T.contiguous() if conv else w
                sd[f"h.{i}.{ours}.bias"] = get(p + hf + ".bias")
        sd["ln_f.weight"], sd["ln_f.bias"] = get("transformer.ln_f.weight"), get("transformer.ln_f.bias")
        self.load_state_dict(sd)


def lr_at(step, c):
    """Linear warmup (step 0 → 0), then cosine to min_lr at `steps`: tensor-gpu's cosineSchedule."""
    if step < c["warmup"]:
        return c["lr"] * step / c["warmup"]
    progress = min(1.0, (step - c["warmup"]) / max(1, c["steps"] - c["warmup"]))
    return c["min_lr"] + (c["lr"] - c["min_lr"]) * 0.5 * (1 + math.cos(math.pi * progress))


def batches(tokens, B, T, gen):
    ix = torch.randint(len(tokens) - T, (B,), generator=gen)
    x = torch.stack([torch.from_numpy(tokens[i : i + T].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(tokens[i + 1 : i + 1 + T].astype(np.int64)) for i in ix])
    return x, y


@torch.no_grad()
def evaluate(model, val, c, token_bytes):
    model.eval()
    gen = torch.Generator().manual_seed(c["seed"] + 1)
    total, nats, nbytes = 0.0, 0.0, 0
    for _ in range(c["eval_batches"]):
        x, y = batches(val, c["batch"], c["seq"], gen)
        per = model(x, y, reduction="none")
        total += per.mean().item()
        if token_bytes is not None:
            b = token_bytes[y.view(-1)]
            nats += per[b > 0].sum().item()
            nbytes += int(b.sum())
    model.train()
    return total / c["eval_batches"], (nats / (math.log(2) * nbytes) if token_bytes is not None else None)


def setup(config_path):
    c = json.load(open(config_path))
    torch.set_num_threads(c.get("threads", 2))
    torch.manual_seed(c["seed"])
    train = read_shard(c["train"])
    val = read_shard(c["val"])
    tb = torch.tensor(c["token_bytes"]) if c.get("token_bytes") else None
    model = GPT(c["vocab"], c["seq"], c["layers"], c["heads"], c["width"])
    return c, train, val, tb, model


def train_cmd(config_path):
    c, train, val, tb, model = setup(config_path)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": c["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=c["lr"], betas=tuple(c["betas"]), eps=1e-8)
    gen = torch.Generator().manual_seed(c["seed"])
    t0 = time.time()
    losses = []
    for step in range(c["steps"]):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, c)
        x, y = batches(train, c["batch"], c["seq"], gen)
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), c["clip"])
        opt.step()
        losses.append(loss.item())
    train_seconds = time.time() - t0
    val_loss, bpb = evaluate(model, val, c, tb)
    print(json.dumps({"val_loss": val_loss, "val_bpb": bpb, "train_seconds": train_seconds,
                      "seconds": time.time() - t0, "last_train_loss": sum(losses[-20:]) / 20}))


def eval_cmd(config_path, ckpt):
    c, train, val, tb, model = setup(config_path)
    model.load_hf(ckpt)
    val_loss, bpb = evaluate(model, val, c, tb)
    print(json.dumps({"val_loss": val_loss, "val_bpb": bpb}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "chars":
        chars(sys.argv[2])
    elif cmd == "train":
        train_cmd(sys.argv[2])
    elif cmd == "eval":
        eval_cmd(sys.argv[2], sys.argv[3])
