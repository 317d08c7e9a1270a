#!/usr/bin/env python3
"""Generate the PyTorch golden fixtures for seq2seq-wasm.

Run from the repository root:

    /usr/bin/python3 tools/make_golden.py

Writes tests/fixtures/golden/{NAME.safetensors, NAME.grad.safetensors,
NAME.json, index.json}. The model follows docs/model.md exactly (parameter
names, shapes and equations). Everything is float32 and deterministic:
re-running gives byte-identical files.

See tools/README.md for what each fixture contains.
"""

import json
import math
import os
import random
import struct
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch"))
from s2s_torch import search  # noqa: E402
from s2s_torch.model import Seq2Seq, expected_params, make_batch  # noqa: E402,F401
from s2s_torch.search import Gaps, MarginError  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

PAD, UNK, BOS, EOS = 0, 1, 2, 3

OUT_DIR = os.path.join("tests", "fixtures", "golden")

# Sizes
E, HD, A, VS, VT = 6, 8, 7, 11, 13
INIT_RANGE = 0.8

# Inputs
SRC_LENS = [1, 4, 7, 9, 12]      # including EOS
TGT_LENS = [3, 1, 6, 10, 8]      # including EOS (uncorrelated with SRC_LENS)
PAIRS_SEED = 20240601

# Decoding
MAX_LEN_A, MAX_LEN_B = 2, 3
ALPHA = 0.6
BEAM, NBEST = 3, 3
MARGIN = 1e-3

# Training
LR = 0.5
LABEL_SMOOTHING = 0.1

MAX_SEED_TRIES = 200


# ---------------------------------------------------------------------------
# Model: tools/torch/s2s_torch/model.py (shared with the PyTorch trainer)
# ---------------------------------------------------------------------------

def build_model(cfg, seed):
    model = Seq2Seq(cfg)
    model.parallel_luong = False   # one decoder step at a time, as the fixtures always were
    sd = model.state_dict()
    exp = expected_params(cfg)
    got = {k: list(v.shape) for k, v in sd.items()}
    assert got == exp, f"state_dict mismatch:\n got {got}\n exp {exp}"
    assert set(sd.keys()) == set(n for n, _ in model.named_parameters())
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name in sorted(sd.keys()):
            p = dict(model.named_parameters())[name]
            p.copy_(torch.rand(p.shape, generator=g, dtype=torch.float32)
                    * (2 * INIT_RANGE) - INIT_RANGE)
    return model


# ---------------------------------------------------------------------------
# safetensors (hand-written; no external package)
# ---------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    names = sorted(tensors.keys())
    header = {"__metadata__": metadata}
    blobs, off = [], 0
    for n in names:
        t = tensors[n].detach().to(torch.float32).contiguous()
        b = t.numpy().astype("<f4").tobytes()
        header[n] = {"dtype": "F32", "shape": list(t.shape),
                     "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out, expect_off = {}, 0
    for name in sorted(header.keys(), key=lambda k: header[k]["data_offsets"][0]):
        info = header[name]
        assert info["dtype"] == "F32"
        b, e = info["data_offsets"]
        assert b == expect_off, "gap or overlap in safetensors data"
        expect_off = e
        numel = 1
        for s in info["shape"]:
            numel *= s
        assert e - b == 4 * numel
        vals = struct.unpack(f"<{numel}f", body[b:e])
        out[name] = torch.tensor(vals, dtype=torch.float32).reshape(info["shape"])
    assert expect_off == len(body)
    assert list(sorted(header.keys())) == [k for k in sorted(header, key=lambda k: header[k]["data_offsets"][0])]
    return out, meta


def check_roundtrip(path, tensors, metadata):
    back, meta = read_safetensors(path)
    assert meta == metadata, "metadata round-trip mismatch"
    assert set(back.keys()) == set(tensors.keys())
    for k, v in tensors.items():
        assert back[k].shape == v.shape and torch.equal(back[k], v.detach()), k


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

def greedy(model, src):
    return search.greedy(model, src, MAX_LEN_A, MAX_LEN_B, ALPHA, Gaps(MARGIN))


def beam_search(model, src):
    return search.beam_search(model, src, BEAM, NBEST, ALPHA, MAX_LEN_A, MAX_LEN_B, Gaps(MARGIN))


# ---------------------------------------------------------------------------
# Scoring and training
# ---------------------------------------------------------------------------

def score_pairs(model, pairs):
    results = []
    with torch.no_grad():
        for p in pairs:
            src, sl, tin, tout = make_batch([p])
            logp, att = model.teacher_forced(src, sl, tin)
            lps = logp[0].gather(1, tout[0].unsqueeze(1)).squeeze(1)
            results.append({
                "logprobs": lps.tolist(),
                "attention": None if att is None else att[0].tolist(),
            })
        # the same pairs as one padded batch must agree
        src, sl, tin, tout = make_batch(pairs)
        logp, att = model.teacher_forced(src, sl, tin)
        for b, p in enumerate(pairs):
            T, S = len(p["tgt"]), len(p["src"])
            lps = logp[b, :T].gather(1, tout[b, :T].unsqueeze(1)).squeeze(1)
            d = (lps - torch.tensor(results[b]["logprobs"])).abs().max().item()
            assert d <= 1e-5, f"batch vs single logprob mismatch {d}"
            if att is not None:
                single = torch.tensor(results[b]["attention"])
                d = (att[b, :T, :S] - single).abs().max().item()
                assert d <= 1e-5, f"batch vs single attention mismatch {d}"
                assert att[b, :T, S:].abs().max().item() == 0.0 if S < att.shape[2] else True
    return results


def train_step(model, pairs, score_results):
    src, sl, tin, tout = make_batch(pairs)
    model.zero_grad()
    logp, _ = model.teacher_forced(src, sl, tin)
    logits_like = logp.reshape(-1, VT)   # log_softmax is idempotent under CE
    loss = nn.CrossEntropyLoss(ignore_index=PAD)(logits_like, tout.reshape(-1))
    loss_ls = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=LABEL_SMOOTHING)(
        logits_like, tout.reshape(-1))
    # self-checks: loss = -mean of the teacher-forced log-probs; smoothing formula
    all_lp = [x for r in score_results for x in r["logprobs"]]
    assert abs(loss.item() + sum(all_lp) / len(all_lp)) < 1e-5
    mask = tout.reshape(-1) != PAD
    lpm = logits_like[mask]
    gold = lpm.gather(1, tout.reshape(-1)[mask].unsqueeze(1)).squeeze(1)
    manual = ((1 - LABEL_SMOOTHING) * -gold
              + LABEL_SMOOTHING / VT * -lpm.sum(1)).mean()
    assert abs(manual.item() - loss_ls.item()) < 1e-5
    loss.backward()
    grads = {}
    for n, p in model.named_parameters():
        assert p.grad is not None, n
        grads[n] = p.grad.detach().clone()
    # loss after one plain SGD step (p - lr*grad), for an end-to-end check
    with torch.no_grad():
        saved = {n: p.detach().clone() for n, p in model.named_parameters()}
        for n, p in model.named_parameters():
            p.sub_(LR * grads[n])
        logp2, _ = model.teacher_forced(src, sl, tin)
        loss2 = nn.CrossEntropyLoss(ignore_index=PAD)(logp2.reshape(-1, VT),
                                                      tout.reshape(-1))
        for n, p in model.named_parameters():
            p.copy_(saved[n])
    model.zero_grad()
    return grads, {"lr": LR, "loss": loss.item(),
                   "loss_label_smoothing_0.1": loss_ls.item(),
                   "loss_after_sgd_step": loss2.item()}


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def make_pairs():
    rng = random.Random(PAIRS_SEED)
    pairs = []
    for sl, tl in zip(SRC_LENS, TGT_LENS):
        src = [rng.randrange(4, VS) for _ in range(sl - 1)] + [EOS]
        tgt = [rng.randrange(4, VT) for _ in range(tl - 1)] + [EOS]
        pairs.append({"src": src, "tgt": tgt})
    return pairs


def model_specs():
    """Every style × attention × uni/bi × 1 and 2 layers, plus two without
    input feeding, for each cell (the LSTM ones first: their seeds and files
    stay what they were before the other cells existed)."""
    specs = []
    for cell in ("lstm", "gru", "rnn"):
        for style in ("luong", "bahdanau"):
            for att in ("none", "dot", "general", "additive"):
                for bi in (True, False):
                    for layers in (1, 2):
                        specs.append((style, att, bi, layers, style == "luong", cell))
        specs.append(("luong", "general", False, 1, False, cell))
        specs.append(("luong", "additive", True, 2, False, cell))
    return specs


def spec_name(style, att, bi, layers, feed, cell):
    name = f"{style}-{att}-{'bi' if bi else 'uni'}-l{layers}"
    if style == "luong" and not feed:
        name += "-nofeed"
    # LSTM names carry no cell: the config key is absent for them
    return name if cell == "lstm" else f"{cell}-{name}"


def make_config(style, att, bi, layers, feed, cell):
    cfg = {
        "src_vocab_size": VS,
        "tgt_vocab_size": VT,
        "emb_dim": E,
        "enc_hidden": HD // 2 if bi else HD,
        "bidirectional": bi,
        "enc_layers": layers,
        "dec_layers": layers,
        "dec_hidden": HD,
        "attn_dim": A,
        "attention": att,
        "decoder_style": style,
        "input_feed": feed,
    }
    if cell != "lstm":
        cfg["cell"] = cell
    return cfg


def r7(x):
    """Round floats to 7 significant digits, recursively."""
    if isinstance(x, float):
        if x == 0.0 or not math.isfinite(x):
            return x
        return float(f"{x:.7g}")
    if isinstance(x, list):
        return [r7(v) for v in x]
    if isinstance(x, dict):
        return {k: r7(v) for k, v in x.items()}
    return x


def generate(index, spec, pairs):
    name = spec_name(*spec)
    cfg = make_config(*spec)
    base = 1000 * (index + 1)
    for seed in range(base, base + MAX_SEED_TRIES):
        model = build_model(cfg, seed)
        model.eval()
        try:
            with torch.no_grad():
                g = [greedy(model, p["src"]) for p in pairs]
                bm = [beam_search(model, p["src"]) for p in pairs]
        except MarginError as e:
            print(f"  {name}: seed {seed} rejected ({e})")
            continue
        break
    else:
        raise RuntimeError(f"{name}: no seed passed the margin checks")

    sc = score_pairs(model, pairs)
    grads, train = train_step(model, pairs, sc)

    meta = {"config": json.dumps(cfg, separators=(",", ":"))}
    weights = {n: p.detach().clone() for n, p in model.named_parameters()}
    wpath = os.path.join(OUT_DIR, f"{name}.safetensors")
    gpath = os.path.join(OUT_DIR, f"{name}.grad.safetensors")
    write_safetensors(wpath, weights, meta)
    check_roundtrip(wpath, weights, meta)
    write_safetensors(gpath, grads, meta)
    check_roundtrip(gpath, grads, meta)

    doc = {
        "name": name,
        "seed": seed,
        "torch_version": torch.__version__,
        "config": cfg,
        "pairs": pairs,
        "score": sc,
        "greedy": {"max_len_a": MAX_LEN_A, "max_len_b": MAX_LEN_B,
                   "alpha": ALPHA, "results": g},
        "beam": {"beam": BEAM, "alpha": ALPHA, "nbest": NBEST,
                 "max_len_a": MAX_LEN_A, "max_len_b": MAX_LEN_B,
                 "results": bm},
        "train": train,
    }
    jpath = os.path.join(OUT_DIR, f"{name}.json")
    with open(jpath, "w") as f:
        f.write(json.dumps(r7(doc), separators=(",", ":")))
        f.write("\n")
    for p in (wpath, gpath, jpath):
        print(f"wrote {p} ({os.path.getsize(p)} bytes)")
    return name, seed, base


def main():
    if not os.path.isdir("tools") or not os.path.isfile("package.json"):
        sys.exit("run from the repository root: /usr/bin/python3 tools/make_golden.py")
    os.makedirs(OUT_DIR, exist_ok=True)
    pairs = make_pairs()
    names, redrawn = [], []
    for i, spec in enumerate(model_specs()):
        name, seed, base = generate(i, spec, pairs)
        names.append(name)
        if seed != base:
            redrawn.append((name, base, seed))
    ipath = os.path.join(OUT_DIR, "index.json")
    with open(ipath, "w") as f:
        f.write(json.dumps({"models": names}, indent=1))
        f.write("\n")
    print(f"wrote {ipath}")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print(f"{len(names)} models, {total} bytes in {OUT_DIR}")
    for name, base, seed in redrawn:
        print(f"redrawn: {name}: first seed {base}, used {seed}")


if __name__ == "__main__":
    main()
