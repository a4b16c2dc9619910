"""Writes the llm.c token shards the trainer's tests read, with numpy only (the reference writer,
independent of our TypeScript one), the way llm.c's dev/data/data_common.py lays them out:
a 256 x int32 header (magic 20240520, version, token count), then the tokens little-endian.

  python3 make_shards.py     (run from this folder)

numpy-v1.bin: 1,000 uint16 tokens t[i] = (i * 7919) % 65536 (covers 0 and values above 32767)
numpy-v2.bin:   500 uint32 tokens t[i] = (i * 2654435761) % 2**32 (values above 65535)
"""
import numpy as np


def write(path, tokens, version):
    header = np.zeros(256, dtype="<i4")
    header[0] = 20240520
    header[1] = version
    header[2] = len(tokens)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(tokens.astype("<u2" if version == 1 else "<u4").tobytes())


i = np.arange(1000, dtype=np.uint64)
write("numpy-v1.bin", (i * 7919) % 65536, 1)
i = np.arange(500, dtype=np.uint64)
write("numpy-v2.bin", (i * 2654435761) % 2**32, 2)
