"""safetensors files as the engine writes and reads them (src/io/safetensors.ts).

A writer that lays a model out exactly as `s2s train` does: the header JSON
is `{"__metadata__": {...}, name: {...}, ...}` with the tensors in
docs/model.md's table order, padded with spaces to a multiple of 8 bytes,
then little-endian F32 data. No third-party package: the format is a few
lines (https://github.com/huggingface/safetensors).
"""

import json
import os
import struct

import numpy as np
import torch


class FormatError(ValueError):
    pass


def serialize(tensors, metadata):
    """tensors: list of (name, tensor) in file order; metadata: dict str -> str."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, off = [], 0
    for name, t in tensors:
        b = t.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * ((-len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def write_atomic(path, data):
    """Writes bytes to path through a temporary file in the same directory and a rename."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read(path):
    """Returns ({name: float32 tensor}, metadata). Only F32 tensors (an int8 file is refused)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise FormatError(f"{path}: cannot read: {e.strerror}")
    if len(data) < 8:
        raise FormatError(f"{path}: not a safetensors file (too short)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise FormatError(f"{path}: not a safetensors file (header length {n} past the end)")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FormatError(f"{path}: not a safetensors file (header is not JSON)")
    if not isinstance(header, dict):
        raise FormatError(f"{path}: not a safetensors file (header is not an object)")
    meta = header.pop("__metadata__", {}) or {}
    body = memoryview(data)[8 + n:]
    out = {}
    for name, info in header.items():
        if info.get("dtype") != "F32":
            raise FormatError(f"{path}: tensor {name} has dtype {info.get('dtype')}; training needs an F32 model (not an int8 one)")
        b, e = info["data_offsets"]
        shape = info["shape"]
        numel = int(np.prod(shape)) if shape else 1
        if e - b != 4 * numel or e > len(body) or b < 0:
            raise FormatError(f"{path}: tensor {name} has a bad byte range")
        arr = np.frombuffer(body[b:e], dtype="<f4").astype(np.float32).reshape(shape)
        out[name] = torch.from_numpy(arr.copy())
    return out, meta
