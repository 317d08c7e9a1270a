// Vercel: a .wasm import with the ?module suffix is a compiled WebAssembly.Module.
declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
