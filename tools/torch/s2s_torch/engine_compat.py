"""What the PyTorch trainer takes from the engine so that its runs are the
engine's runs: the seeded PRNG (src/train/init.ts mulberry32), a fresh
model's initial weights (src/train/init.ts initialize), and the training
batches of every epoch (src/train/batches.ts makeBatches).

mulberry32 is counter based (call k hashes seed + k·0x6d2b79f5), so the
streams are computed with numpy, vectorised, and equal the engine's bit for
bit.
"""

import math
import re

import numpy as np
import torch

_C = 0x6D2B79F5
_M = np.uint64(0xFFFFFFFF)


def mulberry32_range(seed, start, count):
    """Calls start+1 .. start+count of mulberry32(seed), as float64 in [0, 1)."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    s = (np.uint64(seed % 2**32) + k * np.uint64(_C)) & _M

    def imul(a, b):
        return (a * b) & _M

    t = s
    t = imul(t ^ (t >> np.uint64(15)), t | np.uint64(1))
    t = t ^ ((t + imul(t ^ (t >> np.uint64(7)), t | np.uint64(61))) & _M)
    t = t ^ (t >> np.uint64(14))
    return t.astype(np.float64) / 4294967296.0


def initial_weights(model, scheme, seed, init_range=0.1):
    """Fills the parameters as `s2s train` does for a fresh model (--init-scheme
    uniform with --init-range r, or pytorch), in docs/model.md's table order,
    from one mulberry32(seed) stream."""
    from .model import expected_params
    params = dict(model.named_parameters())
    order = list(expected_params(model.cfg).keys())
    pos = 0
    with torch.no_grad():
        for name in order:
            p = params[name]
            n = p.numel()
            if scheme == "uniform":
                r = mulberry32_range(seed, pos, n)
                pos += n
                w = (r * 2 - 1) * init_range
            elif name.endswith("_embed.weight"):
                r = mulberry32_range(seed, pos, 2 * n)
                pos += 2 * n
                u = np.maximum(r[0::2], 1e-12)
                v = r[1::2]
                w = np.sqrt(-2 * np.log(u)) * np.cos(2 * math.pi * v)
            else:
                if name.startswith(("encoder.", "decoder.")):
                    fan = params[re.sub(r"(weight|bias)_(ih|hh)", "weight_hh", name)].shape[1]
                else:
                    fan = params[re.sub(r"\.bias$", ".weight", name) if name.endswith(".bias") else name].shape[1]
                r = mulberry32_range(seed, pos, n)
                pos += n
                w = (r * 2 - 1) * (1 / math.sqrt(fan))
            p.copy_(torch.from_numpy(w.astype(np.float32)).reshape(p.shape))


def make_batches(lengths, batch_sentences=None, batch_tokens=None, shuffle=True, seed=1, epoch=1):
    """Index lists, one per batch, exactly as src/train/batches.ts makeBatches.
    lengths: list of (src_len, tgt_len)."""
    n = len(lengths)
    cost = np.array([max(s, t) for s, t in lengths], dtype=np.int64)

    def chunk(order):
        out, cur, max_len = [], [], 0
        for i in order:
            i = int(i)
            m = max(max_len, int(cost[i]))
            if batch_tokens is not None:
                full = len(cur) > 0 and m * (len(cur) + 1) > batch_tokens
            else:
                full = len(cur) >= (batch_sentences or 32)
            if full:
                out.append(cur)
                cur, max_len = [], 0
            cur.append(i)
            max_len = max(max_len, int(cost[i]))
        if cur:
            out.append(cur)
        return out

    if not shuffle:
        return chunk(range(n))
    seed32 = (seed * 1000003 + epoch * 7919 + 1) % 2**32
    noise = mulberry32_range(seed32, 0, n)
    order = np.lexsort((noise, cost))  # by cost, then noise (a stable sort, as V8's)
    batches = chunk(order)
    r = mulberry32_range(seed32, n, max(0, len(batches) - 1))
    for k, i in enumerate(range(len(batches) - 1, 0, -1)):
        j = int(math.floor(r[k] * (i + 1)))
        batches[i], batches[j] = batches[j], batches[i]
    return batches
