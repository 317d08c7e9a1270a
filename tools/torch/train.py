#!/usr/bin/env python3
"""Train a seq2seq-wasm model with PyTorch, on one or many processes (DDP).

    torchrun --nproc_per_node N tools/torch/train.py --data PREP --out M.safetensors [options]
    python3 tools/torch/train.py ...            (one process, no torchrun)

PREP is a directory made by `s2s prepare`; M.safetensors gets the metadata
`s2s train --data PREP` writes (config, src_vocab, tgt_vocab, tokenizer), so
`s2s translate`, `s2s eval` and the web page take it unchanged. See
tools/torch/README.md and docs/scale.md.
"""

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from s2s_torch.prepared import DataError, read_prepared  # noqa: E402

# torch and the modules that use it are imported by import_torch(), after the
# flags and the data directory are checked: usage and data errors are immediate
torch = dist = st = None
initial_weights = make_batches = ConfigError = Seq2Seq = config_json = expected_params = make_batch = parse_config = None


def import_torch():
    global torch, dist, st, initial_weights, make_batches, ConfigError, Seq2Seq, config_json, expected_params
    global make_batch, parse_config
    import torch
    import torch.distributed as dist
    from s2s_torch import safetensors_io as st
    from s2s_torch.engine_compat import initial_weights, make_batches
    from s2s_torch.model import ConfigError, Seq2Seq, config_json, expected_params, make_batch, parse_config

MAX_CONSECUTIVE_SKIPS = 50


class UserError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"train.py: {message} (see --help)\n")
        sys.exit(2)


def parse_args(argv):
    p = Parser(prog="train.py", description=__doc__.split("\n\n")[0],
               formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", required=True, metavar="PREP", help="a prepared directory from s2s prepare")
    p.add_argument("--out", required=True, metavar="M.safetensors", help="where to write the trained model")
    g = p.add_argument_group("model (a fresh one: these flags or --config; or --init M)")
    g.add_argument("--init", metavar="M.safetensors", help="continue training this (engine- or PyTorch-trained) f32 model")
    g.add_argument("--config", metavar="C.json", help="a fresh model with this config (docs/model.md keys; vocabulary sizes come from PREP)")
    g.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    g.add_argument("--emb-dim", type=int, default=256)
    g.add_argument("--enc-hidden", type=int, default=256)
    g.add_argument("--dec-hidden", type=int, default=256)
    g.add_argument("--enc-layers", type=int, default=1)
    g.add_argument("--dec-layers", type=int, default=1)
    g.add_argument("--attention", choices=["none", "dot", "general", "additive"], default="additive")
    g.add_argument("--attn-dim", type=int, help="additive attention size [default: --dec-hidden]")
    g.add_argument("--decoder-style", choices=["luong", "bahdanau"], default="luong")
    g.add_argument("--unidirectional", action="store_true", help="one-direction encoder (default bidirectional)")
    g.add_argument("--no-input-feed", action="store_true", help="no Luong input feeding")
    g.add_argument("--init-scheme", choices=["uniform", "pytorch"], default="uniform",
                   help="initialisation of a fresh model (the same numbers as s2s train --seed)")
    g.add_argument("--init-range", type=float, default=0.1)
    t = p.add_argument_group("training (the meanings of s2s train's flags)")
    t.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    t.add_argument("--lr", type=float, help="learning rate [default: 0.001 for adam, 1 for sgd]")
    t.add_argument("--steps", type=int, help="stop after N updates")
    t.add_argument("--epochs", type=int, help="stop after N epochs [default: 10 unless --steps]")
    t.add_argument("--batch-sentences", type=int, help="sentences per global batch [default: 32]")
    t.add_argument("--batch-tokens", type=int, help="padded tokens per global batch (instead of --batch-sentences)")
    t.add_argument("--no-shuffle", action="store_true")
    t.add_argument("--dropout", type=float, default=0.0)
    t.add_argument("--label-smoothing", type=float, default=0.0)
    t.add_argument("--clip", type=float, default=5.0, help="clip the global gradient norm (0 = off)")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--schedule", choices=["constant", "plateau", "rsqrt"], default="constant")
    t.add_argument("--warmup", type=int, default=4000)
    t.add_argument("--decay", type=float, default=0.5)
    t.add_argument("--patience", type=int, default=0)
    t.add_argument("--checkpoint-every", type=int, default=0, help="also write the checkpoint every N steps")
    t.add_argument("--resume", action="store_true", help="continue from OUT's checkpoint (OUT minus .safetensors + .ckpt.pt)")
    r = p.add_argument_group("hardware")
    r.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="auto: cuda when available")
    r.add_argument("--amp", action="store_true", help="mixed precision (float16 autocast + loss scaling; cuda only)")
    r.add_argument("--threads", type=int, help="torch threads per process (CPU)")
    p.add_argument("--log-every", type=int, default=100, help="progress line every N steps")
    p.add_argument("--save-replicas", metavar="DIR", help="every process also writes its final weights to DIR/rank-R.safetensors (to check them)")
    p.add_argument("--step-times", metavar="FILE", help="write each step's wall time and target tokens as JSON (for bench/)")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    for k in ("emb_dim", "enc_hidden", "dec_hidden", "enc_layers", "dec_layers", "batch_sentences",
              "batch_tokens", "epochs", "warmup", "log_every", "threads", "attn_dim"):
        v = getattr(a, k)
        if v is not None and v < 1:
            p.error(f"--{k.replace('_', '-')} must be at least 1")
    for k in ("steps", "patience", "checkpoint_every"):
        if getattr(a, k) is not None and getattr(a, k) < 0:
            p.error(f"--{k.replace('_', '-')} must be at least 0")
    if not 0 <= a.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    if not 0 <= a.label_smoothing <= 1:
        p.error("--label-smoothing must be in [0, 1]")
    if a.lr is not None and a.lr < 0 or a.clip < 0 or a.init_range < 0 or not 0 <= a.decay <= 1:
        p.error("--lr, --clip and --init-range must be non-negative, --decay in [0, 1]")
    if a.init and a.config:
        p.error("give at most one of --init MODEL and --config CONFIG.json")
    if a.init or a.config:
        # the size flags only describe a fresh model made from them
        for k in ("cell", "emb_dim", "enc_hidden", "dec_hidden", "enc_layers", "dec_layers", "attention", "attn_dim",
                  "decoder_style", "unidirectional", "no_input_feed", "init_scheme", "init_range"):
            if getattr(a, k) != p.get_default(k) and not (a.config and k in ("init_scheme", "init_range")):
                p.error(f"--{k.replace('_', '-')} describes a fresh model; it cannot be combined with "
                        f"--{'init' if a.init else 'config'}")
    if a.batch_tokens is not None and a.batch_sentences is not None:
        p.error("give --batch-sentences or --batch-tokens, not both")
    if a.batch_tokens is None and a.batch_sentences is None:
        a.batch_sentences = 32
    if a.lr is None:
        a.lr = 1.0 if a.optimizer == "sgd" else 1e-3
    return a


def checkpoint_path(out):
    return (out[:-len(".safetensors")] if out.endswith(".safetensors") else out) + ".ckpt.pt"


def fresh_config(a, vs, vt):
    if a.config:
        try:
            with open(a.config, "r", encoding="utf-8") as f:
                obj = json.load(f)
        except OSError as e:
            raise UserError(f"{a.config}: cannot read: {e.strerror}")
        except ValueError:
            raise UserError(f"{a.config}: config is not valid JSON")
        if not isinstance(obj, dict):
            raise UserError(f"{a.config}: config is not a JSON object")
        obj = {**obj, "src_vocab_size": vs, "tgt_vocab_size": vt}
        return parse_config(obj, a.config)
    obj = {
        "src_vocab_size": vs, "tgt_vocab_size": vt, "emb_dim": a.emb_dim, "enc_hidden": a.enc_hidden,
        "dec_hidden": a.dec_hidden, "enc_layers": a.enc_layers, "dec_layers": a.dec_layers,
        "bidirectional": not a.unidirectional, "attention": a.attention,
        "attn_dim": (a.attn_dim or a.dec_hidden) if a.attention == "additive" else 0,
        "decoder_style": a.decoder_style,
        "input_feed": a.decoder_style == "luong" and not a.no_input_feed, "cell": a.cell,
    }
    return parse_config(obj, "model size flags")


def load_init(path, prep):
    """An f32 model file: its config, weights and metadata (vocabularies must be PREP's)."""
    tensors, meta = st.read(path)
    if "config" not in meta:
        raise UserError(f'{path}: no "config" in __metadata__ (see docs/model.md)')
    cfg = parse_config(meta["config"], path)
    if "quantization" in meta:
        raise UserError(f"{path}: an int8-quantised model cannot be trained (keep the f32 model)")
    exp = expected_params(cfg)
    for name in tensors:
        if name not in exp:
            raise UserError(f"{path}: unexpected tensor {name} for this config")
    for name, shape in exp.items():
        if name not in tensors:
            raise UserError(f"{path}: missing tensor {name} [{', '.join(map(str, shape))}]")
        if list(tensors[name].shape) != shape:
            raise UserError(f"{path}: tensor {name} has shape {list(tensors[name].shape)}, expected {shape}")
    if meta.get("src_vocab") is None or meta.get("tgt_vocab") is None:
        raise UserError(f"{path}: not a text model (no src_vocab/tgt_vocab metadata)")
    if meta["src_vocab"] != prep["metadata"]["src_vocab"] or meta["tgt_vocab"] != prep["metadata"]["tgt_vocab"]:
        raise UserError(f"the vocabularies of the prepared directory differ from those of {path}")
    rest = {k: v for k, v in meta.items() if k != "config"}
    return cfg, tensors, rest


def model_bytes(model, metadata):
    """The model file as s2s train writes it: metadata with config last, tensors sorted by name."""
    params = dict(model.named_parameters())
    order = sorted(expected_params(model.cfg).keys())
    meta = {**metadata, "config": config_json(model.cfg)}
    return st.serialize([(n, params[n]) for n in order], meta)


class Run:
    def __init__(self, a):
        self.a = a
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if a.device == "cuda" and not torch.cuda.is_available():
            raise UserError("--device cuda: no CUDA device is available")
        cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
        if a.amp and not cuda:
            raise UserError("--amp needs a CUDA device (mixed precision is for GPUs)")
        if cuda:
            torch.cuda.set_device(self.local_rank)
            self.device = torch.device("cuda", self.local_rank)
        else:
            self.device = torch.device("cpu")
        if a.threads:
            torch.set_num_threads(a.threads)
        self.backend = "nccl" if cuda else "gloo"
        self.distributed = self.world > 1
        if self.distributed:
            dist.init_process_group(self.backend)

    def log(self, msg):
        if self.rank == 0 and not self.a.quiet:
            sys.stderr.write(f"train.py: {msg}\n")
            sys.stderr.flush()

    def all_sum(self, values):
        """Sums a list of floats over the ranks (float64)."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()


def preflight(a):
    """The checks that need no torch: the output directory, the checkpoint to resume, the data."""
    out_dir = os.path.dirname(os.path.abspath(a.out))
    if not os.path.isdir(out_dir):
        raise UserError(f"cannot write {a.out}: directory {out_dir} does not exist")
    if a.resume and not os.path.exists(checkpoint_path(a.out)):
        raise UserError(f"--resume: no checkpoint {checkpoint_path(a.out)}")
    return read_prepared(a.data)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        prep = preflight(a)
    except (UserError, DataError) as e:
        sys.stderr.write(f"train.py: {e}\n")
        sys.exit(1)
    import_torch()
    run = None
    try:
        run = Run(a)
        train(run, a, prep)
    except (UserError, ConfigError, DataError, st.FormatError) as e:
        sys.stderr.write(f"train.py: {e}\n")
        sys.exit(1)
    finally:
        if run is not None and run.distributed and dist.is_initialized():
            dist.destroy_process_group()


TRAIN_LENGTH_KEY = "train_max_src_pieces"


def record_train_length(metadata, pairs):
    """As s2s train (src/pipeline/train-length.ts): the longest training source in pieces
    (ids end with EOS), keeping a larger value an --init file already has."""
    longest = max((len(p["src"]) - 1 for p in pairs), default=0)
    if longest < 1:
        return
    prev = metadata.get(TRAIN_LENGTH_KEY, "")
    prev = int(prev) if prev.isdigit() else 0
    metadata[TRAIN_LENGTH_KEY] = str(max(prev, longest))


def train(run, a, prep):
    out, ckpt = a.out, checkpoint_path(a.out)
    vs, vt = len(prep["src_vocab"]), len(prep["tgt_vocab"])
    run.log(f"{a.data}: {len(prep['train'])} training pairs, {len(prep['valid'] or [])} validation pairs; "
            f"vocabularies {vs}/{vt}; {run.world} process(es), backend {run.backend if run.distributed else 'none'}, "
            f"device {run.device.type}")
    if a.init:
        cfg, tensors, metadata = load_init(a.init, prep)
        model = Seq2Seq(cfg)
        model.load_state_dict(tensors)
    else:
        cfg = fresh_config(a, vs, vt)
        model = Seq2Seq(cfg)
        initial_weights(model, a.init_scheme, a.seed, a.init_range)
        metadata = dict(prep["metadata"])
    record_train_length(metadata, prep["train"])
    model.set_dropout(a.dropout)
    model.to(run.device)
    n_params = sum(p.numel() for p in model.parameters())
    run.log(f"model: {n_params:,} parameters ({cfg.get('cell', 'lstm')}, emb {cfg['emb_dim']}, encoder "
            f"{cfg['enc_layers']}x{cfg['enc_hidden']}{' bi' if cfg['bidirectional'] else ''}, decoder "
            f"{cfg['dec_layers']}x{cfg['dec_hidden']} {cfg['decoder_style']}, attention {cfg['attention']})")
    params = list(model.parameters())
    if a.optimizer == "adam":
        opt = torch.optim.Adam(params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(params, lr=a.lr)
    scaler = torch.cuda.amp.GradScaler() if a.amp else None

    state = {"epoch": 1, "batch": 0, "step": 0, "lr": a.lr, "best_valid": None, "bad_epochs": 0,
             "skipped_steps": 0, "epoch_loss": 0.0, "epoch_tokens": 0, "history": [], "done": False}
    if a.resume:
        if not os.path.exists(ckpt):
            raise UserError(f"--resume: no checkpoint {ckpt}")
        try:
            # tensors and plain containers only (everything else is the JSON string "meta")
            ck = torch.load(ckpt, map_location="cpu", weights_only=True)
            meta = json.loads(ck["meta"])
        except Exception:  # a torn or foreign file
            raise UserError(f"{ckpt}: not a checkpoint of this trainer")
        if meta.get("format") != "s2s-torch-checkpoint":
            raise UserError(f"{ckpt}: not a checkpoint of this trainer")
        if config_json(meta["config"]) != config_json(cfg):
            raise UserError(f"{ckpt}: the checkpoint's model config differs from this run's (give the same model flags)")
        model.load_state_dict(ck["model"])
        opt.load_state_dict({"state": ck["optimizer_state"], "param_groups": meta["param_groups"]})
        if scaler is not None and meta.get("scaler"):
            scaler.load_state_dict(meta["scaler"])
        state = meta["state"]
        state["done"] = False
        metadata = meta["metadata"]
        run.log(f"resuming from {ckpt} at epoch {state['epoch']}, step {state['step']}")
    net = model
    if run.distributed:
        # every process starts from the same weights (DDP also broadcasts rank 0's)
        from torch.nn.parallel import DistributedDataParallel as DDP
        net = DDP(model, device_ids=[run.local_rank] if run.device.type == "cuda" else None)

    def save_checkpoint():
        if run.rank != 0:
            return
        osd = opt.state_dict()
        meta = {"format": "s2s-torch-checkpoint", "version": 1, "config": cfg, "metadata": metadata,
                "param_groups": osd["param_groups"], "scaler": scaler.state_dict() if scaler is not None else None,
                "state": state, "args": vars(a)}
        # per-parameter state: tensors (numbers become tensors; SGD's absent momentum, None, is left out)
        ostate = {i: {k: (v if torch.is_tensor(v) else torch.tensor(v)) for k, v in ps.items() if v is not None}
                  for i, ps in osd["state"].items()}
        ck = {"meta": json.dumps(meta), "model": model.state_dict(), "optimizer_state": ostate}
        tmp = f"{ckpt}.tmp-{os.getpid()}"
        torch.save(ck, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, ckpt)

    def save_model():
        if run.rank == 0:
            st.write_atomic(out, model_bytes(model, metadata))

    train_pairs, valid_pairs = prep["train"], prep["valid"]
    lengths = [(len(p["src"]), len(p["tgt"])) for p in train_pairs]
    max_epochs = a.epochs if a.epochs is not None else (math.inf if a.steps is not None else 10)

    def lr_at(step):
        if a.schedule == "rsqrt":
            s = max(1, step)
            w = max(1, a.warmup)
            return a.lr * min(s / w, math.sqrt(w / s))
        return state["lr"]

    def batches_of(epoch):
        return make_batches(lengths, a.batch_sentences, a.batch_tokens, not a.no_shuffle, a.seed, epoch)

    def loss_of(m, pairs, smoothing):
        src, lens, tin, tout = make_batch(pairs, run.device)
        with torch.autocast("cuda", dtype=torch.float16) if scaler is not None else contextlib.nullcontext():
            return m(src, lens, tin, tout, smoothing)

    def validation_loss():
        model.eval()
        total = [0.0, 0.0]
        with torch.no_grad():
            mine = valid_pairs[run.rank::run.world]
            for i in range(0, len(mine), 64):
                # the bare module: ranks may run different numbers of batches here
                s, n = loss_of(model, mine[i:i + 64], 0.0)
                total[0] += float(s)
                total[1] += n
        model.train()
        s, n = run.all_sum(total)
        return s / n if n > 0 else 0.0

    per_epoch = len(batches_of(1))
    total_steps = a.steps if a.steps is not None else (per_epoch * max_epochs if math.isfinite(max_epochs) else None)
    model.train()
    step_times = [] if a.step_times else None
    consecutive = 0
    t0, tok0, seen = time.time(), 0, 0
    epoch_start = time.time()
    while not state["done"]:
        if state["epoch"] > max_epochs or (a.steps is not None and state["step"] >= a.steps and state["batch"] == 0):
            state["done"] = True
            break
        batches = batches_of(state["epoch"])
        while state["batch"] < len(batches):
            if a.steps is not None and state["step"] >= a.steps:
                break
            idx = batches[state["batch"]]
            t_step = time.perf_counter()
            pairs = [train_pairs[i] for i in idx]
            tokens = sum(1 for p in pairs for y in p["tgt"] if y != 0)
            mine = pairs[run.rank::run.world]
            weight = run.world / tokens if tokens else 0.0
            if not mine:  # fewer sentences than processes: take part with a zero-weight pair
                mine, weight = pairs[:1], 0.0
            # dropout masks: a function of (seed, step, rank), so a resumed run draws the same ones
            torch.manual_seed(((a.seed * 1000003 + state["step"]) * 1009 + run.rank) % 2**63)
            opt.zero_grad(set_to_none=True)
            loss_sum, _ = loss_of(net, mine, a.label_smoothing)
            # DDP averages gradients over the processes: each one scales its sum by world/tokens
            scaled = loss_sum * weight
            (scaler.scale(scaled) if scaler is not None else scaled).backward()
            state["batch"] += 1
            if scaler is not None:
                scaler.unscale_(opt)
            norm = torch.nn.utils.clip_grad_norm_(params, a.clip if a.clip > 0 else float("inf"))
            (global_loss,) = run.all_sum([float(loss_sum) if weight else 0.0])
            if not math.isfinite(float(norm)) or not math.isfinite(global_loss):
                if scaler is not None:
                    scaler.update()  # the loss scale was too high: lower it and try the next batch
                    continue
                state["skipped_steps"] += 1
                consecutive += 1
                run.log(f"warning: step {state['step'] + 1}: loss or gradients are NaN/Inf; step skipped "
                        f"({state['skipped_steps']} so far)")
                if consecutive >= MAX_CONSECUTIVE_SKIPS:
                    raise UserError(f"training diverged: {consecutive} consecutive batches with NaN/Inf loss "
                                    "or gradients (lower --lr, or set --clip)")
                continue
            consecutive = 0
            for g in opt.param_groups:
                g["lr"] = lr_at(state["step"] + 1)
            if scaler is not None:
                scaler.step(opt)
                scaler.update()
            else:
                opt.step()
            state["step"] += 1
            if step_times is not None:
                step_times.append({"step": state["step"], "seconds": time.perf_counter() - t_step, "tokens": tokens,
                                   "loss": global_loss / tokens})
            state["epoch_loss"] += global_loss
            state["epoch_tokens"] += tokens
            seen += tokens
            if state["step"] % a.log_every == 0:
                secs = time.time() - t0
                rate = (seen - tok0) / secs if secs > 0 else 0.0
                run.log(f"epoch {state['epoch']} step {state['step']}"
                        f"{'/' + str(total_steps) if total_steps else ''}: loss {global_loss / tokens:.4f} "
                        f"{rate:,.0f} tok/s")
            if a.checkpoint_every > 0 and state["step"] % a.checkpoint_every == 0:
                save_checkpoint()
        epoch_done = state["batch"] >= len(batches)
        budget_done = a.steps is not None and state["step"] >= a.steps
        rec = {"epoch": state["epoch"], "step": state["step"],
               "train_loss": state["epoch_loss"] / state["epoch_tokens"] if state["epoch_tokens"] else None,
               "valid_loss": None, "valid_ppl": None, "lr": lr_at(state["step"]),
               "seconds": time.time() - epoch_start}
        if valid_pairs:
            v = validation_loss()
            rec["valid_loss"], rec["valid_ppl"] = v, math.exp(min(v, 700))
            if state["best_valid"] is None or v < state["best_valid"]:
                state["best_valid"] = v
                state["bad_epochs"] = 0
                save_model()
            else:
                state["bad_epochs"] += 1
                if a.schedule == "plateau":
                    state["lr"] *= a.decay
        state["history"].append(rec)
        run.log(f"epoch {rec['epoch']} step {rec['step']}: train loss "
                f"{rec['train_loss'] if rec['train_loss'] is None else round(rec['train_loss'], 4)}"
                + (f" valid loss {rec['valid_loss']:.4f} ppl {rec['valid_ppl']:.2f}" if valid_pairs else "")
                + f" lr {rec['lr']:.3g} ({rec['seconds']:.1f} s)")
        if epoch_done:
            state["epoch"] += 1
            state["batch"] = 0
            state["epoch_loss"] = 0.0
            state["epoch_tokens"] = 0
        epoch_start = time.time()
        if budget_done or state["epoch"] > max_epochs:
            state["done"] = True
        if a.patience > 0 and state["bad_epochs"] >= a.patience:
            run.log(f"early stopping: no validation improvement for {state['bad_epochs']} epochs")
            state["done"] = True
        save_checkpoint()
    if a.save_replicas:
        st.write_atomic(os.path.join(a.save_replicas, f"rank-{run.rank}.safetensors"), model_bytes(model, metadata))
    if run.distributed:
        # DDP keeps the replicas in step; check it once: every process against rank 0, bit for bit
        flat = torch.cat([p.detach().reshape(-1).float() for p in params])
        ref = flat.clone()
        dist.broadcast(ref, 0)
        (diff,) = run.all_sum([float((flat - ref).abs().max())])
        if diff != 0:
            raise UserError(f"the {run.world} processes ended with different weights (max difference {diff:.3g})")
        run.log(f"weights identical on all {run.world} processes")
    if not valid_pairs:
        save_model()
    if step_times is not None and run.rank == 0:
        info = {"world": run.world, "backend": run.backend if run.distributed else None, "device": run.device.type,
                "threads": torch.get_num_threads(), "torch": torch.__version__, "steps": step_times}
        st.write_atomic(a.step_times, (json.dumps(info) + "\n").encode("utf-8"))
    best = state["best_valid"]
    run.log(f"wrote {out}" + (f" (best validation loss {best:.4f})" if best is not None else "")
            + f"; checkpoint {ckpt}"
            + (f"; {state['skipped_steps']} steps skipped for NaN/Inf" if state["skipped_steps"] else ""))


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
