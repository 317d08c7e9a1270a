#!/usr/bin/env python3
"""Generate tests/fixtures/bootstrap.json: sacreBLEU's paired bootstrap
(sacrebleu/significance.py, _paired_bs_test and estimate_ci, restated here
with numpy) on synthetic BLEU segment statistics of three systems, so the
test can check src/eval/bootstrap.ts and its numpy-compatible resampling
against it. Needs only numpy (Debian's python3-numpy):

    /usr/bin/python3 tools/make_bootstrap_fixture.py
"""

import json
import math
import os
import sys

import numpy as np

SEED = 12345
SAMPLES = 1000
SEGMENTS = 120


def my_log(x):
    return -9999999999 if x == 0 else math.log(x)


def compute_bleu(s):
    """sacreBLEU's BLEU.compute_bleu from summed stats [sys_len, ref_len, correct*4, total*4], smooth 'exp'."""
    sys_len, ref_len = s[0], s[1]
    correct, total = s[2:6], s[6:10]
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    if not any(correct):
        return 0.0
    precisions = [0.0] * 4
    smooth = 1.0
    for n in range(1, 5):
        if total[n - 1] == 0:
            break
        if correct[n - 1] == 0:
            smooth *= 2
            precisions[n - 1] = 100.0 / (smooth * total[n - 1])
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    return bp * math.exp(sum(my_log(p) for p in precisions) / 4)


def estimate_ci(scores):
    scores = np.sort(scores)
    n = len(scores)
    lower_idx = n // 40
    upper_idx = n - lower_idx - 1
    return float(scores.mean()), float(0.5 * (scores[upper_idx] - scores[lower_idx]))


def segment_stats(rng, quality):
    out = []
    for _ in range(SEGMENTS):
        ref_len = int(rng.integers(3, 40))
        hyp_len = max(1, ref_len + int(rng.integers(-4, 3)))
        total = [max(0, hyp_len - n) for n in range(4)]
        correct = []
        for n, t in enumerate(total):
            p = quality * (0.8 ** n)
            correct.append(int(rng.binomial(t, p)) if t > 0 else 0)
        out.append([hyp_len, ref_len] + correct + total)
    return out


def main():
    if not os.path.isfile("package.json"):
        sys.exit("run from the repository root: /usr/bin/python3 tools/make_bootstrap_fixture.py")
    gen = np.random.default_rng(7)
    systems = [("baseline", segment_stats(gen, 0.45)), ("better", segment_stats(gen, 0.52)), ("few-worse", None)]
    # a third system: the baseline with one unigram match less on every 17th segment (small but consistent)
    same = [row[:] for row in systems[0][1]]
    for i in range(0, SEGMENTS, 17):
        same[i][2] = max(0, same[i][2] - 1)
    systems[2] = ("few-worse", same)

    # sacreBLEU: every system's resamples come from default_rng(seed).choice(n, (samples, n))
    idxs = np.random.default_rng(SEED).choice(SEGMENTS, size=(SAMPLES, SEGMENTS), replace=True)
    bl_stats = np.array(systems[0][1], dtype="float32")
    bl_score = compute_bleu(bl_stats.sum(0).tolist())
    bl_scores = np.array([compute_bleu(s.sum(0).tolist()) for s in bl_stats[idxs]])
    results = []
    m, ci = estimate_ci(bl_scores)
    results.append({"name": "baseline", "score": bl_score, "mean": m, "ci": ci, "p": None})
    for name, stats in systems[1:]:
        st = np.array(stats, dtype="float32")
        score = compute_bleu(st.sum(0).tolist())
        sys_scores = np.array([compute_bleu(s.sum(0).tolist()) for s in st[idxs]])
        m, ci = estimate_ci(sys_scores)
        diff = abs(bl_score - score)
        sample_diffs = np.abs(sys_scores - bl_scores)
        centred = sample_diffs - sample_diffs.mean()
        p = (int(np.sum(centred > diff)) + 1) / (len(centred) + 1)
        results.append({"name": name, "score": score, "mean": m, "ci": ci, "p": p})

    doc = {
        "seed": SEED, "samples": SAMPLES, "numpy_version": np.__version__,
        "index_check": {"first_row": idxs[0].tolist(), "sum": int(idxs.sum()), "last": int(idxs[-1, -1])},
        "systems": [{"name": n, "stats": s} for n, s in systems],
        "results": results,
    }
    path = os.path.join("tests", "fixtures", "bootstrap.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    for r in results:
        print(r)


if __name__ == "__main__":
    main()
