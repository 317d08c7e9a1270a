// as-pect: AssemblyScript unit tests for the kernels (assembly/__tests__).
export default {
  include: ["assembly/__tests__/**/*.spec.ts"],
  add: ["assembly/__tests__/**/*.include.ts"],
  flags: {
    "--runtime": ["incremental"],
    "--enable": ["simd"],
  },
  disclude: [/node_modules/],
  imports(memory, createImports, instantiateSync, binary) {
    let instance;
    const myImports = {};
    instance = instantiateSync(binary, createImports(myImports));
    return instance;
  },
  outputBinary: false,
};
