#!/usr/bin/env python3
"""PyTorch baseline of the training benchmark (bench/train.bench.ts).

The model of docs/model.md written the way a PyTorch user writes it: nn.Embedding,
nn.LSTM (nn.GRU for "cell": "gru") over packed sequences for the encoder, a step
loop with nn.LSTMCell (nn.GRUCell) for the attention decoder, the generator over all steps at once,
F.cross_entropy(ignore_index=PAD) and torch.optim.Adam. It loads the initial
weights that our engine wrote (safetensors, names of docs/model.md), computes the
first-batch loss, then times full training steps (zero_grad + forward + backward +
Adam step) on the same batch.

    /usr/bin/python3 bench/torch_train.py --weights W.safetensors --batch B.json \
        --threads 1 --time-ms 5000 --iterations 3 --warmup 1

B.json: {"srcs": [[ids…]], "tgts": [[ids…]]}, every sentence ending in EOS.
Prints one JSON object: torch version, threads, the BLAS library the process
loaded (from /proc/self/maps), the first-batch loss and the step times in ms.
Refuses (exit 3) when the loaded BLAS is the reference BLAS: a PyTorch figure
from it would be about 25 times too slow to be a baseline.
"""

import argparse
import json
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS = 0, 2


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = bytearray(data[8 + n:])
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        b, e = info["data_offsets"]
        out[name] = torch.frombuffer(body[b:e], dtype=torch.float32).reshape(info["shape"]).clone()
    return out, meta


class Seq2Seq(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.get("enc_layers", 1) != 1 or cfg.get("dec_layers", 1) != 1:
            raise SystemExit("torch_train.py builds one-layer models only")
        E, He, Hd = cfg["emb_dim"], cfg["enc_hidden"], cfg["dec_hidden"]
        self.cell = cfg.get("cell", "lstm")
        if self.cell not in ("lstm", "gru"):
            raise SystemExit(f"torch_train.py builds lstm and gru models, not {self.cell}")
        rnn, cell = (nn.GRU, nn.GRUCell) if self.cell == "gru" else (nn.LSTM, nn.LSTMCell)
        self.D = 2 if cfg["bidirectional"] else 1
        Hm = self.D * He
        self.Hd = Hd
        self.attention = cfg["attention"]
        self.style = cfg["decoder_style"]
        self.input_feed = self.style == "luong" and bool(cfg["input_feed"])
        in0 = E + (Hm if self.style == "bahdanau" else Hd if self.input_feed else 0)
        self.src_embed = nn.Embedding(cfg["src_vocab_size"], E)
        self.tgt_embed = nn.Embedding(cfg["tgt_vocab_size"], E)
        self.encoder = rnn(E, He, batch_first=True, bidirectional=self.D == 2)
        self.bridge = nn.Linear(Hm, Hd)
        self.decoder = cell(in0, Hd)
        if self.attention == "additive":
            self.attn_query = nn.Linear(Hd, cfg["attn_dim"], bias=False)
            self.attn_key = nn.Linear(Hm, cfg["attn_dim"])
            self.attn_v = nn.Linear(cfg["attn_dim"], 1, bias=False)
        elif self.attention == "general":
            self.attn = nn.Linear(Hm, Hd, bias=False)
        elif self.attention not in ("dot", "none"):
            raise SystemExit(f"unknown attention {self.attention}")
        self.attn_out = nn.Linear(Hm + Hd, Hd, bias=False)
        self.generator = nn.Linear(Hd, cfg["tgt_vocab_size"])

    # our parameter names (docs/model.md) → this module's
    RENAME = {
        "decoder.weight_ih_l0": "decoder.weight_ih", "decoder.weight_hh_l0": "decoder.weight_hh",
        "decoder.bias_ih_l0": "decoder.bias_ih", "decoder.bias_hh_l0": "decoder.bias_hh",
        "attn.query.weight": "attn_query.weight", "attn.key.weight": "attn_key.weight",
        "attn.key.bias": "attn_key.bias", "attn.v.weight": "attn_v.weight",
    }

    def load_ours(self, tensors):
        sd = {self.RENAME.get(k, k): v for k, v in tensors.items()}
        mine = self.state_dict()
        if set(sd) != set(mine):
            raise SystemExit(f"weights do not match the model: missing {sorted(set(mine) - set(sd))}, extra {sorted(set(sd) - set(mine))}")
        for k, v in sd.items():
            if tuple(v.shape) != tuple(mine[k].shape):
                raise SystemExit(f"{k}: shape {list(v.shape)}, model has {list(mine[k].shape)}")
        self.load_state_dict(sd)

    def attend(self, q, M, keys, mask):
        # q: [B, Hd], M: [B, S, Hm], keys: [B, S, A or Hd or Hm], mask: [B, S]
        if self.attention == "additive":
            scores = self.attn_v(torch.tanh(self.attn_query(q).unsqueeze(1) + keys)).squeeze(2)
        else:
            scores = torch.bmm(keys, q.unsqueeze(2)).squeeze(2)
        alpha = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
        return torch.bmm(alpha.unsqueeze(1), M).squeeze(1)     # [B, Hm]

    def forward(self, src, src_lens, tgt_in):
        B, S = src.shape
        packed = pack_padded_sequence(self.src_embed(src), src_lens, batch_first=True, enforce_sorted=False)
        out, state = self.encoder(packed)
        h_n = state if self.cell == "gru" else state[0]                   # [D, B, He]
        M, _ = pad_packed_sequence(out, batch_first=True, total_length=S)    # [B, S, Hm]
        mbar = torch.cat([h_n[0], h_n[1]], dim=1) if self.D == 2 else h_n[0]
        mask = torch.arange(S).unsqueeze(0) < src_lens.unsqueeze(1)
        keys = self.attn_key(M) if self.attention == "additive" else self.attn(M) if self.attention == "general" else M
        h = torch.tanh(self.bridge(mbar))
        c = torch.zeros_like(h)   # lstm only
        step = (lambda x, h, c: (self.decoder(x, h), None)) if self.cell == "gru" else (lambda x, h, c: self.decoder(x, (h, c)))
        feed = torch.zeros(B, self.Hd)
        emb = self.tgt_embed(tgt_in)                                          # [B, T, E]
        outs = []
        for t in range(tgt_in.shape[1]):
            if self.style == "luong":
                x = torch.cat([emb[:, t], feed], dim=1) if self.input_feed else emb[:, t]
                h, c = step(x, h, c)
                ctx = self.attend(h, M, keys, mask) if self.attention != "none" else mbar
            else:
                ctx = self.attend(h, M, keys, mask) if self.attention != "none" else mbar
                h, c = step(torch.cat([emb[:, t], ctx], dim=1), h, c)
            feed = torch.tanh(self.attn_out(torch.cat([ctx, h], dim=1)))
            outs.append(feed)
        return self.generator(torch.stack(outs, dim=1))                       # [B, T, Vt]


def blas_libraries():
    """Shared libraries of this process whose file name says BLAS."""
    libs = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "blas" in parts[-1].rsplit("/", 1)[-1].lower() and parts[-1] not in libs:
                libs.append(parts[-1])
    return libs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--batch", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-ms", type=float, default=5000)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    tensors, meta = read_safetensors(args.weights)
    cfg = json.loads(meta["config"])
    model = Seq2Seq(cfg)
    model.load_ours(tensors)
    with open(args.batch) as f:
        batch = json.load(f)
    srcs, tgts = batch["srcs"], batch["tgts"]
    B, S, T = len(srcs), max(map(len, srcs)), max(map(len, tgts))
    src = torch.full((B, S), PAD, dtype=torch.int64)
    tgt_in = torch.full((B, T), PAD, dtype=torch.int64)
    tgt_out = torch.full((B, T), PAD, dtype=torch.int64)
    for b, (s, t) in enumerate(zip(srcs, tgts)):
        src[b, :len(s)] = torch.tensor(s)
        tgt_in[b, :len(t)] = torch.tensor([BOS] + t[:-1])
        tgt_out[b, :len(t)] = torch.tensor(t)
    src_lens = torch.tensor([len(s) for s in srcs], dtype=torch.int64)
    Vt = cfg["tgt_vocab_size"]
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(src, src_lens, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=PAD)
        loss.backward()
        opt.step()
        return loss

    with torch.no_grad():
        logits = model(src, src_lens, tgt_in)
        first_loss = F.cross_entropy(logits.reshape(-1, Vt), tgt_out.reshape(-1), ignore_index=PAD).item()
    blas = blas_libraries()   # after the first matrix products: the library is loaded by now
    if not any("openblas" in p.lower() or "mkl" in p.lower() for p in blas):
        print(json.dumps({"error": f"torch runs on the reference BLAS ({', '.join(blas) or 'no BLAS library found'}); "
                          "install libopenblas0-pthread for a fair baseline", "blas": blas}))
        sys.exit(3)
    for _ in range(args.warmup):
        step()
    times = []
    t_start = time.perf_counter()
    while len(times) < args.iterations or (time.perf_counter() - t_start) * 1e3 < args.time_ms:
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
        "firstLoss": first_loss, "samples": times,
    }))


if __name__ == "__main__":
    main()
