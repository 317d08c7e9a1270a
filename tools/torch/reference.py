#!/usr/bin/env python3
"""PyTorch's numbers for a model file, to compare with the engine's.

    python3 tools/torch/reference.py --model M.safetensors [--beam K] [--nbest N] [--alpha A] < pairs.jsonl

Reads JSON lines {"src":[ids]} or {"src":[ids],"tgt":[ids]} (ids ending with
EOS = 3) and writes one JSON line per input: "logprobs" (teacher-forced
log p of each tgt token, when tgt is given; as `s2s score --ids`), "greedy"
(as `s2s translate --ids --beam 1`), "beam" (the --nbest hypotheses of
`s2s translate --ids --beam K`), each {"ids", "score"}, and "gap": the
smallest log-probability gap of any search decision (a near-tie below ~1e-5
may go the other way in another float32 implementation).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from s2s_torch import safetensors_io as st  # noqa: E402
from s2s_torch import search  # noqa: E402
from s2s_torch.model import ConfigError, Seq2Seq, make_batch, parse_config  # noqa: E402


def main():
    p = argparse.ArgumentParser(prog="reference.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--nbest", type=int, default=1)
    p.add_argument("--alpha", type=float, default=0.6)
    p.add_argument("--max-len-a", type=float, default=2)
    p.add_argument("--max-len-b", type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(1)
    try:
        tensors, meta = st.read(a.model)
        model = Seq2Seq(parse_config(meta.get("config", "null"), a.model))
        model.load_state_dict(tensors)
    except (st.FormatError, ConfigError, RuntimeError) as e:
        sys.stderr.write(f"reference.py: {str(e).splitlines()[0]}\n")
        sys.exit(1)
    model.eval()
    with torch.no_grad():
        for line in sys.stdin:
            if not line.strip():
                continue
            o = json.loads(line)
            out = {}
            if "tgt" in o:
                src, lens, tin, tout = make_batch([o])
                logp, _ = model.teacher_forced(src, lens, tin)
                out["logprobs"] = logp[0].gather(1, tout[0].unsqueeze(1)).squeeze(1).tolist()
            gaps = search.Gaps()
            g = search.greedy(model, o["src"], a.max_len_a, a.max_len_b, a.alpha, gaps)
            out["greedy"] = {"ids": g["ids"], "score": g["score"]}
            b = search.beam_search(model, o["src"], a.beam, a.nbest, a.alpha, a.max_len_a, a.max_len_b, gaps)
            out["beam"] = [{"ids": h["ids"], "score": h["score"]} for h in b["hyps"]]
            out["gap"] = gaps.min
            sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
