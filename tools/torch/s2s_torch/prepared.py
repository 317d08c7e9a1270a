"""A prepared directory written by `s2s prepare` (src/pipeline/prepare.ts):
the ids and the tokenizer/vocabulary metadata, read as they are (the
tokenizer is never run here)."""

import json
import os

FORMAT = "s2s-prepared"


class DataError(ValueError):
    pass


def _text(path, what):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise DataError(f"prepared directory: cannot read {what} {path}: no such file")
    except OSError as e:
        raise DataError(f"prepared directory: cannot read {what} {path}: {e.strerror}")


def _vocab(text, path):
    try:
        v = json.loads(text)
    except ValueError:
        raise DataError(f"{path}: not valid JSON")
    if (not isinstance(v, list) or len(v) < 4 or v[:4] != ["<pad>", "<unk>", "<s>", "</s>"]
            or not all(isinstance(t, str) and t for t in v) or len(set(v)) != len(v)):
        raise DataError(f"{path}: not a vocabulary (a JSON array of distinct tokens starting <pad>, <unk>, <s>, </s>)")
    return v


def read_ids(path, vs, vt):
    """JSON lines {"src":[ids],"tgt":[ids]} -> list of dicts (ids checked against the vocabulary sizes)."""
    out = []
    with open(path, "r", encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if line == "\n" or line == "":
                continue
            try:
                o = json.loads(line)
            except ValueError:
                raise DataError(f"{path}:{i}: not valid JSON")

            def ok(a, v):
                return (isinstance(a, list) and len(a) > 0
                        and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < v for x in a))
            if not isinstance(o, dict) or not ok(o.get("src"), vs) or not ok(o.get("tgt"), vt):
                raise DataError(f"{path}:{i}: src/tgt ids missing or out of the vocabularies' range")
            out.append({"src": o["src"], "tgt": o["tgt"]})
    return out


def read_prepared(d):
    """Returns {"metadata": {src_vocab, tgt_vocab, tokenizer} strings as s2s train
    copies them, "src_vocab", "tgt_vocab" (lists), "train", "valid" (or None)}."""
    if not os.path.isdir(d):
        raise DataError(f"prepared directory {d}: no such directory (make it with s2s prepare --out {d})")
    mpath = os.path.join(d, "prepared.json")
    try:
        manifest = json.loads(_text(mpath, "manifest"))
    except ValueError:
        raise DataError(f"{mpath}: not valid JSON")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(f"{mpath}: not an s2s prepared directory")
    # the strings as the engine reads them (readPrepared: file text, trimmed)
    tok = _text(os.path.join(d, "tokenizer.json"), "tokenizer").strip()
    sv_text = _text(os.path.join(d, "src_vocab.json"), "source vocabulary").strip()
    tv_text = _text(os.path.join(d, "tgt_vocab.json"), "target vocabulary").strip()
    try:
        json.loads(tok)
    except ValueError:
        raise DataError(f"{os.path.join(d, 'tokenizer.json')}: not valid JSON")
    sv = _vocab(sv_text, os.path.join(d, "src_vocab.json"))
    tv = _vocab(tv_text, os.path.join(d, "tgt_vocab.json"))
    train = read_ids(os.path.join(d, "train.ids.jsonl"), len(sv), len(tv)) \
        if os.path.exists(os.path.join(d, "train.ids.jsonl")) else None
    if not train:
        raise DataError(f"prepared directory {d}: no training pairs (train.ids.jsonl)")
    vpath = os.path.join(d, "valid.ids.jsonl")
    valid = read_ids(vpath, len(sv), len(tv)) if os.path.exists(vpath) else None
    return {"metadata": {"src_vocab": sv_text, "tgt_vocab": tv_text, "tokenizer": tok},
            "src_vocab": sv, "tgt_vocab": tv, "train": train, "valid": valid or None}
