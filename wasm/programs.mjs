/**
 * The guest programs that ship with Drydock, built by wasm/build.mjs into
 * wasm/bin/<name>.wasm (committed). Test programs are not listed here: every
 * test/programs/*.c is built into test/programs/bin/<name>.wasm.
 *
 * Fields: name, sources (paths relative to the repository root), and optional
 * cflags/ldflags added to the common flags in build.mjs, and libdrydock
 * (default true: link wasm/lib/drydock, the POSIX layer over drydock.h; false
 * gives a plain WASI preview1 program that any WASI host runs).
 */
export const programs = [
  { name: 'hello', sources: ['wasm/src/hello/hello.c'], libdrydock: false },
];
