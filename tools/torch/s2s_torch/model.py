"""The seq2seq-wasm model of docs/model.md as a PyTorch nn.Module.

Its state_dict() keys and shapes are the model file's tensor names and
shapes (docs/model.md, "Parameters"), for every cell (lstm, gru, rnn), both
decoder styles, every attention and input feeding. Dropout sits where the
engine puts it (src/model/encoder.ts, src/train/backprop.ts): on the source
and target embedding outputs, on the input of every stacked layer above the
first (encoder and decoder), and on h~_t before the generator (the dropped
h~_t is also what input feeding passes on). The memory M and the context are
not dropped.

Used by tools/torch/train.py (training) and tools/make_golden.py (fixtures).
"""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

PAD, UNK, BOS, EOS = 0, 1, 2, 3

CELLS = ("lstm", "gru", "rnn")
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
_MODES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN_TANH"}
_OPS = {"lstm": torch.lstm, "gru": torch.gru, "rnn": torch.rnn_tanh}

# The config keys in the order `s2s train` writes them (src/model/config.ts,
# parseConfig); `cell` follows only when it is not the default lstm.
CONFIG_KEYS = ("src_vocab_size", "tgt_vocab_size", "emb_dim", "enc_hidden", "bidirectional",
               "enc_layers", "dec_layers", "dec_hidden", "attn_dim", "attention",
               "decoder_style", "input_feed")
MAX_DIM = 1 << 20


class ConfigError(ValueError):
    pass


def parse_config(obj, source="config"):
    """Checks a config object as src/model/config.ts does; returns a normalised dict."""
    if isinstance(obj, str):
        try:
            obj = json.loads(obj)
        except ValueError:
            raise ConfigError(f"{source}: config is not valid JSON")
    if not isinstance(obj, dict):
        raise ConfigError(f"{source}: config is not a JSON object")

    def integer(k, lo, default=None):
        v = obj.get(k, default)
        if v is None:
            raise ConfigError(f"{source}: config lacks {k}")
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or v > MAX_DIM:
            raise ConfigError(f"{source}: config {k} = {json.dumps(v)} must be an integer in [{lo}, {MAX_DIM}]")
        return v

    def boolean(k, default):
        v = obj.get(k, default)
        if not isinstance(v, bool):
            raise ConfigError(f"{source}: config {k} = {json.dumps(v)} must be true or false")
        return v

    def one_of(k, values, default):
        v = obj.get(k, default)
        if v not in values:
            raise ConfigError(f"{source}: config {k} = {json.dumps(v)} must be one of {', '.join(values)}")
        return v

    cell = one_of("cell", CELLS, "lstm")
    attention = one_of("attention", ("none", "dot", "general", "additive"), "additive")
    style = one_of("decoder_style", ("luong", "bahdanau"), "luong")
    c = {
        "src_vocab_size": integer("src_vocab_size", 4),
        "tgt_vocab_size": integer("tgt_vocab_size", 4),
        "emb_dim": integer("emb_dim", 1),
        "enc_hidden": integer("enc_hidden", 1),
        "bidirectional": boolean("bidirectional", False),
        "enc_layers": integer("enc_layers", 1, 1),
        "dec_layers": integer("dec_layers", 1, 1),
        "dec_hidden": integer("dec_hidden", 1),
        "attn_dim": integer("attn_dim", 1 if attention == "additive" else 0,
                            None if attention == "additive" else 0),
        "attention": attention,
        "decoder_style": style,
        "input_feed": boolean("input_feed", style == "luong"),
    }
    if cell != "lstm":
        c["cell"] = cell
    hm = (2 if c["bidirectional"] else 1) * c["enc_hidden"]
    if attention == "dot" and c["dec_hidden"] != hm:
        raise ConfigError(f"{source}: dot attention needs dec_hidden ({c['dec_hidden']}) = encoder memory size ({hm})")
    if c["enc_layers"] > 64 or c["dec_layers"] > 64:
        raise ConfigError(f"{source}: at most 64 layers")
    return c


def config_json(cfg):
    """The `config` metadata string, byte for byte as `s2s train` writes it."""
    c = parse_config(cfg)
    ordered = {k: c[k] for k in CONFIG_KEYS}
    if "cell" in c:
        ordered["cell"] = c["cell"]
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)


def cell_of(cfg):
    return cfg.get("cell", "lstm")


def in0(cfg):
    """Input size of decoder layer 0."""
    if cfg["decoder_style"] == "bahdanau":
        return cfg["emb_dim"] + (2 if cfg["bidirectional"] else 1) * cfg["enc_hidden"]
    if cfg.get("input_feed", True):
        return cfg["emb_dim"] + cfg["dec_hidden"]
    return cfg["emb_dim"]


def expected_params(cfg):
    """The parameter table of docs/model.md, literally, in its order (= src/model/config.ts paramSpecs)."""
    G = GATES[cell_of(cfg)]
    Vs, Vt, E = cfg["src_vocab_size"], cfg["tgt_vocab_size"], cfg["emb_dim"]
    He, Hd, A = cfg["enc_hidden"], cfg["dec_hidden"], cfg["attn_dim"]
    D = 2 if cfg["bidirectional"] else 1
    Hm = D * He
    Le, Ld = cfg["enc_layers"], cfg["dec_layers"]
    p = {"src_embed.weight": [Vs, E], "tgt_embed.weight": [Vt, E]}
    for k in range(Le):
        for suf in [""] + (["_reverse"] if D == 2 else []):
            p[f"encoder.weight_ih_l{k}{suf}"] = [G * He, E if k == 0 else Hm]
            p[f"encoder.weight_hh_l{k}{suf}"] = [G * He, He]
            p[f"encoder.bias_ih_l{k}{suf}"] = [G * He]
            p[f"encoder.bias_hh_l{k}{suf}"] = [G * He]
    p["bridge.weight"] = [Ld * Hd, Hm]
    p["bridge.bias"] = [Ld * Hd]
    for k in range(Ld):
        p[f"decoder.weight_ih_l{k}"] = [G * Hd, in0(cfg) if k == 0 else Hd]
        p[f"decoder.weight_hh_l{k}"] = [G * Hd, Hd]
        p[f"decoder.bias_ih_l{k}"] = [G * Hd]
        p[f"decoder.bias_hh_l{k}"] = [G * Hd]
    if cfg["attention"] == "general":
        p["attn.weight"] = [Hd, Hm]
    if cfg["attention"] == "additive":
        p["attn.query.weight"] = [A, Hd]
        p["attn.key.weight"] = [A, Hm]
        p["attn.key.bias"] = [A]
        p["attn.v.weight"] = [1, A]
    p["attn_out.weight"] = [Hd, Hm + Hd]
    p["generator.weight"] = [Vt, Hd]
    p["generator.bias"] = [Vt]
    return p


class Recurrent(nn.RNNBase):
    """nn.LSTM / nn.GRU / nn.RNN(tanh) (same parameters and state_dict keys)
    whose dropout between stacked layers is applied here with F.dropout, so
    the masks come from the seeded default generator on every device (cuDNN's
    own RNN dropout keeps a state that a checkpoint cannot restore)."""

    def __init__(self, cell, input_size, hidden, layers, bidirectional, batch_first=True):
        super().__init__(_MODES[cell], input_size, hidden, layers, True, batch_first, 0.0, bidirectional)
        self.cell = cell
        self.drop = 0.0

    def _layer_weights(self, k):
        n = 4 * (2 if self.bidirectional else 1)
        return self._flat_weights[k * n:(k + 1) * n]

    def _run(self, x, batch_sizes, hx, weights, layers):
        """One call of the fused op over `layers` layers. x: padded [B, T, in] or packed data."""
        op = _OPS[self.cell]
        if self.cell == "lstm":
            if batch_sizes is None:
                out, h, c = op(x, hx, weights, True, layers, 0.0, self.training, self.bidirectional, self.batch_first)
            else:
                out, h, c = op(x, batch_sizes, hx, weights, True, layers, 0.0, self.training, self.bidirectional)
            return out, (h, c)
        if batch_sizes is None:
            out, h = op(x, hx[0], weights, True, layers, 0.0, self.training, self.bidirectional, self.batch_first)
        else:
            out, h = op(x, batch_sizes, hx[0], weights, True, layers, 0.0, self.training, self.bidirectional)
        return out, (h, None)

    def forward(self, x, hx=None):
        """x: [B, T, in] (batch_first) or a PackedSequence; hx: (h, c) with h, c:
        [layers·D, B, H] (c is None for gru/rnn; hx None = zeros).
        Returns (out, (h_n, c_n)) as nn.LSTM does (c_n None for gru/rnn)."""
        packed = isinstance(x, PackedSequence)
        D = 2 if self.bidirectional else 1
        L, H = self.num_layers, self.hidden_size
        if packed:
            data, batch_sizes, sorted_idx, unsorted_idx = x
            B = int(batch_sizes[0])
        else:
            data, batch_sizes, sorted_idx, unsorted_idx = x, None, None, None
            B = x.shape[0] if self.batch_first else x.shape[1]
        if hx is None:
            z = torch.zeros(L * D, B, H, dtype=data.dtype, device=data.device)
            hx = (z, z if self.cell == "lstm" else None)
        elif sorted_idx is not None:
            hx = (hx[0].index_select(1, sorted_idx), None if hx[1] is None else hx[1].index_select(1, sorted_idx))
        h0, c0 = hx
        if self.drop == 0.0 or not self.training or L == 1:
            hx_all = (h0, c0) if self.cell == "lstm" else (h0,)
            out, (h, c) = self._run(data, batch_sizes, hx_all, self._flat_weights, L)
        else:
            hs, cs, out = [], [], data
            for k in range(L):
                if k > 0:
                    out = F.dropout(out, self.drop, True)
                sl = slice(k * D, (k + 1) * D)
                hk = (h0[sl], c0[sl]) if self.cell == "lstm" else (h0[sl],)
                out, (hk_n, ck_n) = self._run(out, batch_sizes, hk, self._layer_weights(k), 1)
                hs.append(hk_n)
                cs.append(ck_n)
            h = torch.cat(hs, 0)
            c = torch.cat(cs, 0) if self.cell == "lstm" else None
        if packed:
            out = PackedSequence(out, batch_sizes, sorted_idx, unsorted_idx)
            h = h.index_select(1, unsorted_idx)
            c = None if c is None else c.index_select(1, unsorted_idx)
        return out, (h, c)


class AdditiveAttn(nn.Module):
    def __init__(self, hd, hm, a):
        super().__init__()
        self.query = nn.Linear(hd, a, bias=False)
        self.key = nn.Linear(hm, a)
        self.v = nn.Linear(a, 1, bias=False)


class Seq2Seq(nn.Module):
    """docs/model.md. Dropout p (training mode only) is set with set_dropout()."""

    def __init__(self, cfg):
        super().__init__()
        cfg = parse_config(cfg)
        self.cfg = cfg
        self.cell = cell_of(cfg)
        E, He = cfg["emb_dim"], cfg["enc_hidden"]
        self.D = 2 if cfg["bidirectional"] else 1
        self.Hm = self.D * He
        self.Hd = cfg["dec_hidden"]
        self.Ld = cfg["dec_layers"]
        self.Vt = cfg["tgt_vocab_size"]
        self.attention = cfg["attention"]
        self.style = cfg["decoder_style"]
        self.input_feed = bool(cfg["input_feed"]) and self.style == "luong"
        self.p = 0.0
        # luong without input feeding: run the decoder over the whole target at once
        self.parallel_luong = True
        Hm, Hd = self.Hm, self.Hd

        self.src_embed = nn.Embedding(cfg["src_vocab_size"], E)
        self.tgt_embed = nn.Embedding(cfg["tgt_vocab_size"], E)
        self.encoder = Recurrent(self.cell, E, He, cfg["enc_layers"], cfg["bidirectional"])
        self.bridge = nn.Linear(Hm, self.Ld * Hd)
        self.decoder = Recurrent(self.cell, in0(cfg), Hd, self.Ld, False)
        if self.attention == "general":
            self.attn = nn.Linear(Hm, Hd, bias=False)
        elif self.attention == "additive":
            self.attn = AdditiveAttn(Hd, Hm, cfg["attn_dim"])
        self.attn_out = nn.Linear(Hm + Hd, Hd, bias=False)
        self.generator = nn.Linear(Hd, cfg["tgt_vocab_size"])
        got = {k: list(v.shape) for k, v in self.state_dict().items()}
        exp = expected_params(cfg)
        assert got == exp, f"state_dict differs from docs/model.md:\n got {got}\n exp {exp}"

    def set_dropout(self, p):
        self.p = float(p)
        self.encoder.drop = self.p
        self.decoder.drop = self.p

    def _drop(self, x):
        return F.dropout(x, self.p, True) if self.training and self.p > 0 else x

    # --- encoder -----------------------------------------------------------
    def encode(self, src, lens):
        """src: [B, S] ids padded with PAD; lens: list or 1-D tensor of lengths.
        Returns enc (memory, summary, mask, keys) and the decoder's start state (h0, c0, feed)."""
        B, S = src.shape
        lens_t = torch.as_tensor(lens, dtype=torch.int64)
        emb = self._drop(self.src_embed(src))                       # [B, S, E]
        packed = pack_padded_sequence(emb, lens_t.cpu(), batch_first=True, enforce_sorted=False)
        out, (h_n, _c) = self.encoder(packed)
        M, _ = pad_packed_sequence(out, batch_first=True, total_length=S)   # [B, S, Hm]
        mbar = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.D == 2 else h_n[-1]  # [B, Hm]: [→h_S ; ←h_1]
        mask = torch.arange(S, device=src.device).unsqueeze(0) < lens_t.to(src.device).unsqueeze(1)
        if self.attention == "general":
            keys = self.attn(M)                                      # [B, S, Hd]
        elif self.attention == "additive":
            keys = self.attn.key(M)                                  # [B, S, A]
        else:
            keys = M
        h0 = torch.tanh(self.bridge(mbar))                           # [B, Ld·Hd]
        h0 = h0.view(B, self.Ld, self.Hd).transpose(0, 1).contiguous()   # [Ld, B, Hd]
        c0 = torch.zeros_like(h0) if self.cell == "lstm" else None
        feed = h0.new_zeros(B, self.Hd)
        enc = {"M": M, "mbar": mbar, "mask": mask, "keys": keys}
        return enc, (h0, c0, feed)

    def attend(self, enc, q):
        """q: [B, Hd] -> alpha [B, S] (None for attention none), ctx [B, Hm]."""
        if self.attention == "none":
            return None, enc["mbar"]
        if self.attention in ("dot", "general"):
            scores = torch.bmm(enc["keys"], q.unsqueeze(2)).squeeze(2)
        else:
            scores = self.attn.v(torch.tanh(self.attn.query(q).unsqueeze(1) + enc["keys"])).squeeze(2)
        scores = scores.masked_fill(~enc["mask"], float("-inf"))
        alpha = torch.softmax(scores, dim=1)
        ctx = torch.bmm(alpha.unsqueeze(1), enc["M"]).squeeze(1)
        return alpha, ctx

    def step_logits(self, enc, state, y_prev):
        """One decoder step. y_prev: [B] ids. Returns logits [B, Vt], alpha, new state."""
        h, c, feed = state
        emb = self._drop(self.tgt_embed(y_prev))
        hx = (h, c)
        if self.style == "luong":
            x = torch.cat([emb, feed], dim=1) if self.input_feed else emb
            out, hx = self.decoder(x.unsqueeze(1), hx)
            ht = out[:, 0]
            alpha, ctx = self.attend(enc, ht)
        else:
            alpha, ctx = self.attend(enc, h[-1])
            x = torch.cat([emb, ctx], dim=1)
            out, hx = self.decoder(x.unsqueeze(1), hx)
            ht = out[:, 0]
        htil = self._drop(torch.tanh(self.attn_out(torch.cat([ctx, ht], dim=1))))
        return self.generator(htil), alpha, (hx[0], hx[1], htil)

    def step(self, enc, state, y_prev):
        """As step_logits, with log-probabilities [B, Vt]."""
        logits, alpha, state = self.step_logits(enc, state, y_prev)
        return F.log_softmax(logits, dim=1), alpha, state

    def teacher_forced_logits(self, src, src_lens, tgt_in):
        """logits [B, T, Vt] and attention [B, T, S] (or None)."""
        enc, state = self.encode(src, src_lens)
        if self.style == "luong" and not self.input_feed and self.parallel_luong:
            return self._luong_parallel(enc, state, tgt_in)
        logits, alphas = [], []
        for t in range(tgt_in.shape[1]):
            lg, alpha, state = self.step_logits(enc, state, tgt_in[:, t])
            logits.append(lg)
            alphas.append(alpha)
        att = None if alphas[0] is None else torch.stack(alphas, dim=1)
        return torch.stack(logits, dim=1), att

    def _luong_parallel(self, enc, state, tgt_in):
        """Luong without input feeding: no step depends on the previous output,
        so the decoder runs over the whole target at once (same numbers)."""
        h, c, _ = state
        emb = self._drop(self.tgt_embed(tgt_in))                    # [B, T, E]
        out, _ = self.decoder(emb, (h, c))                           # [B, T, Hd]
        if self.attention == "none":
            alpha = None
            ctx = enc["mbar"].unsqueeze(1).expand(-1, out.shape[1], -1)
        else:
            if self.attention in ("dot", "general"):
                scores = torch.bmm(out, enc["keys"].transpose(1, 2))          # [B, T, S]
            else:
                q = self.attn.query(out)                                       # [B, T, A]
                scores = self.attn.v(torch.tanh(q.unsqueeze(2) + enc["keys"].unsqueeze(1))).squeeze(3)
            scores = scores.masked_fill(~enc["mask"].unsqueeze(1), float("-inf"))
            alpha = torch.softmax(scores, dim=2)
            ctx = torch.bmm(alpha, enc["M"])                                   # [B, T, Hm]
        htil = self._drop(torch.tanh(self.attn_out(torch.cat([ctx, out], dim=2))))
        return self.generator(htil), alpha

    def teacher_forced(self, src, src_lens, tgt_in):
        """log-probabilities [B, T, Vt] and attention [B, T, S] (or None)."""
        logits, att = self.teacher_forced_logits(src, src_lens, tgt_in)
        return F.log_softmax(logits.float(), dim=2), att

    def forward(self, src, src_lens, tgt_in, tgt_out, label_smoothing=0.0):
        """Summed training loss of docs/model.md over the non-PAD targets, and their count.
        src: [B, S], tgt_in / tgt_out: [B, T] (BOS-shifted input, PAD-padded gold)."""
        logits, _ = self.teacher_forced_logits(src, src_lens, tgt_in)
        return token_loss(logits, tgt_out, label_smoothing)


def token_loss(logits, gold, eps):
    """Σ over non-PAD tokens of (1−ε)·(−log p_gold) + ε/V·Σ_v (−log p_v); and the token count."""
    logp = F.log_softmax(logits.float(), dim=-1)
    mask = gold != PAD
    nll = -logp.gather(-1, gold.unsqueeze(-1)).squeeze(-1)
    if eps > 0:
        loss = (1 - eps) * nll + eps / logp.shape[-1] * -logp.sum(-1)
    else:
        loss = nll
    return loss.masked_fill(~mask, 0.0).sum(), int(mask.sum())


def make_batch(pairs, device=None):
    """pairs: [{"src": ids, "tgt": ids}] -> src [B, S], lengths, tgt_in [B, T], tgt_out [B, T]."""
    B = len(pairs)
    S = max(len(p["src"]) for p in pairs)
    T = max(len(p["tgt"]) for p in pairs)
    src = torch.full((B, S), PAD, dtype=torch.int64)
    tgt_in = torch.full((B, T), PAD, dtype=torch.int64)
    tgt_out = torch.full((B, T), PAD, dtype=torch.int64)
    for b, p in enumerate(pairs):
        src[b, :len(p["src"])] = torch.tensor(p["src"])
        tgt_in[b, :len(p["tgt"])] = torch.tensor([BOS] + list(p["tgt"][:-1]))
        tgt_out[b, :len(p["tgt"])] = torch.tensor(p["tgt"])
    lens = [len(p["src"]) for p in pairs]
    if device is not None:
        src, tgt_in, tgt_out = src.to(device), tgt_in.to(device), tgt_out.to(device)
    return src, lens, tgt_in, tgt_out
