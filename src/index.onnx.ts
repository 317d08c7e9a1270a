// seq2seq-wasm/onnx: ONNX export of a loaded model (docs/onnx.md) for any
// runtime. A separate entry so the main one stays within its size budget
// (the exporter adds about 12 KiB minified); the Node entry re-exports it.
export { exportOnnx, ONNX_FILES, type OnnxExport, type OnnxManifest, type OnnxIO } from "./export/onnx/export.js";
