"""Loads the checkpoints bench/hf-load-check.ts wrote with Hugging Face transformers'
AutoModelForCausalLM.from_pretrained and compares its logits (float32, eager attention) with ours.
Prints one line per model and exits non-zero on a mismatch."""
import json, os, sys
import torch
from transformers import AutoModelForCausalLM

out = sys.argv[1]
ours = json.load(open(os.path.join(out, "ours.json")))
bad = 0
for name, o in ours.items():
    model = AutoModelForCausalLM.from_pretrained(os.path.join(out, name), attn_implementation="eager")
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(o["ids"])).logits.float().flatten()
    mine = torch.tensor(o["logits"])
    diff = (logits - mine).abs().max().item()
    ok = diff <= 1e-4 * logits.abs().max().item() + 1e-5
    bad += not ok
    print(f"{name}: {type(model).__name__}, max |Δlogit| {diff:.2e} {'OK' if ok else 'MISMATCH'}")
sys.exit(1 if bad else 0)
