/**
 * The guest programs that ship with Drydock, built by wasm/build.mjs into
 * wasm/bin/<name>.wasm (committed). Test programs are not listed here: every
 * test/programs/*.c is built into test/programs/bin/<name>.wasm.
 *
 * Fields: name, sources (paths relative to the repository root; "dir/*.c"
 * patterns allowed; a program with no sources yet is skipped), headers
 * (patterns, for rebuild checks), and optional
 * cflags/ldflags added to the common flags in build.mjs, and libdrydock
 * (default true: link wasm/lib/drydock, the POSIX layer over drydock.h; false
 * gives a plain WASI preview1 program that any WASI host runs).
 */
export const programs = [
  { name: 'hello', sources: ['wasm/src/hello/hello.c'], libdrydock: false },
  // The POSIX shell (wasm/src/sh/README.md).
  { name: 'sh', sources: ['wasm/src/sh/*.c'], headers: ['wasm/src/sh/*.h'], ldflags: ['-Wl,-z,stack-size=1048576'] },
  // The busybox-style multicall binary with the applets (wasm/src/busybox/README.md).
  // 1 MiB of stack: sed, sort and find recurse, and wasm-ld's default is 64 KiB. No long double anywhere
  // (wasi-libc's long-double scanf/printf needs -lc-printscan-long-double, else it aborts).
  { name: 'busybox', sources: ['wasm/src/busybox/*.c', 'wasm/src/busybox/applets/*.c'], headers: ['wasm/src/busybox/*.h'], ldflags: ['-Wl,-z,stack-size=1048576'] },
  // The static HTTP server of the nginx stand-in image (wasm/src/httpd/README.md).
  { name: 'httpd', sources: ['wasm/src/httpd/*.c'] },
  // Network tools (nc, wget, nslookup, ping, ip, ifconfig, netstat, route) in one multicall binary (wasm/src/netutils/README.md).
  { name: 'netutils', sources: ['wasm/src/netutils/*.c'], headers: ['wasm/src/netutils/*.h'] },
  // The redis image's server and CLI: RESP2, strings/lists/hashes/sets, TTLs, one poll_oneoff loop (wasm/src/redis/README.md).
  { name: 'redis-server', sources: ['wasm/src/redis/server/*.c', 'wasm/src/redis/common/*.c'], headers: ['wasm/src/redis/server/*.h', 'wasm/src/redis/common/*.h'] },
  { name: 'redis-cli', sources: ['wasm/src/redis/cli/*.c', 'wasm/src/redis/common/*.c'], headers: ['wasm/src/redis/cli/*.h', 'wasm/src/redis/common/*.h'] },
];
