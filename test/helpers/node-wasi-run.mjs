// Runs a WASI module under Node's built-in node:wasi (the reference for
// differential tests). Usage: node node-wasi-run.mjs CONFIG_JSON
// CONFIG: { wasm, args, env: {K: V}, preopens: {guest: host} }. Exit code = the guest's.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning');
process.on('warning', () => {});
const config = JSON.parse(process.argv[2]);
const wasi = new WASI({
  version: 'preview1',
  args: config.args,
  env: config.env,
  preopens: config.preopens ?? {},
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(config.wasm));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let code;
try {
  code = wasi.start(instance);
} catch (error) {
  process.stderr.write(`trap: ${error.message}\n`);
  code = 134;
}
process.exitCode = code;
