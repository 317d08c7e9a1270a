"""The seq2seq-wasm model, search, data and file formats in PyTorch (see tools/torch/README.md)."""
