"""Greedy and beam search with the engine's exact rules (src/decode/search.ts):
maximum length floor(a·S + b) with S the source length incl. EOS, ties to
the lowest id, the K best of the top 2K candidates per step, EOS candidates
among the top K finish, GNMT length penalty ((5 + n) / 6)^alpha, and the
active hypotheses flushed to the finished ones only when the maximum length
is reached (Python's for ... else). One batch-of-1 step per hypothesis: a
reference, not a fast decoder.

Every decision is recorded with its gap to the runner-up (`Gaps`): a gap
below ~1e-5 is a near-tie that another float32 engine may break the other
way. make_golden.py refuses seeds with gaps below its margin.
"""

import math

import torch

from .model import BOS, EOS


class MarginError(Exception):
    pass


class Gaps:
    """Smallest decision gap seen; raises MarginError below `margin` (0 = never)."""

    def __init__(self, margin=0.0):
        self.margin = margin
        self.min = math.inf

    def check(self, gap, what):
        self.min = min(self.min, gap)
        if self.margin > 0 and gap < self.margin:
            raise MarginError(f"{what}: {gap:.2e}")


def lp(n, alpha):
    return ((5.0 + n) / 6.0) ** alpha


def max_len(S, a, b):
    return int(math.floor(a * S + b))


def _encode1(model, src):
    return model.encode(torch.tensor([src]), [len(src)])


def greedy(model, src, max_len_a=2, max_len_b=10, alpha=0.6, gaps=None):
    gaps = gaps or Gaps()
    enc, state = _encode1(model, src)
    y, ids, cum, att = BOS, [], 0.0, []
    for _t in range(max_len(len(src), max_len_a, max_len_b)):
        logp, a, state = model.step(enc, state, torch.tensor([y]))
        row = logp[0].tolist()
        order = sorted(range(len(row)), key=lambda v: (-row[v], v))
        gaps.check(row[order[0]] - row[order[1]], "greedy margin")
        y = order[0]
        ids.append(y)
        cum += row[y]
        if a is not None:
            att.append(a[0].tolist())
        if y == EOS:
            break
    return {"ids": ids, "cum": cum, "score": cum / lp(len(ids), alpha),
            "attention": att if model.attention != "none" else None}


def beam_search(model, src, beam=5, nbest=1, alpha=0.6, max_len_a=2, max_len_b=10, gaps=None):
    gaps = gaps or Gaps()
    K = beam
    VT = model.Vt
    enc, state0 = _encode1(model, src)
    ML = max_len(len(src), max_len_a, max_len_b)
    active = [{"tokens": [], "cum": 0.0, "att": [], "state": state0}]
    finished = []
    for t in range(1, ML + 1):
        # expand every active hypothesis (one batch-of-1 step each)
        steps = []
        for h in active:
            y = h["tokens"][-1] if h["tokens"] else BOS
            logp, a, st = model.step(enc, h["state"], torch.tensor([y]))
            steps.append((logp[0].tolist(), None if a is None else a[0].tolist(), st))
        cands = []
        for hi, h in enumerate(active):
            row = steps[hi][0]
            for v in range(VT):
                cands.append((h["cum"] + row[v], hi, v))
        order = sorted(cands, key=lambda c: (-c[0], c[1] * VT + c[2]))
        # gaps at the decision boundaries
        for b in (K, 2 * K):
            if len(order) > b:
                gaps.check(order[b - 1][0] - order[b][0], f"beam margin at rank {b}")
        top = order[:min(2 * K, len(order))]
        non_eos = [r for r, c in enumerate(top) if c[2] != EOS]
        if len(non_eos) >= K:
            r = non_eos[K - 1]
            if len(order) > r + 1:
                gaps.check(order[r][0] - order[r + 1][0], "beam margin at the K-th non-EOS candidate")
        new_active = []
        for rank, (cum, hi, v) in enumerate(top):
            h = active[hi]
            a = steps[hi][1]
            att = h["att"] + ([a] if a is not None else [])
            if v == EOS:
                if rank < K:
                    finished.append({"tokens": h["tokens"] + [EOS], "cum": cum,
                                     "score": cum / lp(t, alpha), "att": att})
            elif len(new_active) < K:
                new_active.append({"tokens": h["tokens"] + [v], "cum": cum,
                                   "att": att, "state": steps[hi][2]})
        active = new_active
        if len(finished) >= K or not active:
            break
    else:
        for h in active:
            finished.append({"tokens": h["tokens"], "cum": h["cum"],
                             "score": h["cum"] / lp(len(h["tokens"]), alpha), "att": h["att"]})
    hyps = sorted(finished, key=lambda h: -h["score"])
    for i in range(min(len(hyps), nbest + 1) - 1):
        gaps.check(hyps[i]["score"] - hyps[i + 1]["score"], "beam final score margin")
    return {"hyps": [{"ids": h["tokens"], "cum": h["cum"], "score": h["score"],
                      "attention": h["att"] if model.attention != "none" else None}
                     for h in hyps[:nbest]]}
