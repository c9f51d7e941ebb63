/**
 * Syscall numbers of the channel between a process worker and the kernel.
 * The guest side (src/kernel/guest) and the kernel side (src/kernel/syscalls)
 * agree on each call's argument and result layout, written next to the
 * handler in src/kernel/syscalls/*.ts.
 *
 * WASI calls served inside the worker (args, environ, clocks, random, and
 * writes to /dev/null) have no number: they never reach the kernel.
 * sched_yield has one: the worker makes it a real call when the kernel has
 * raised the channel's attention word (see channel.ts).
 */
export const SYS = {
  // wasi_snapshot_preview1
  fd_advise: 1,
  fd_allocate: 2,
  fd_close: 3,
  fd_datasync: 4,
  fd_fdstat_get: 5,
  fd_fdstat_set_flags: 6,
  fd_fdstat_set_rights: 7,
  fd_filestat_get: 8,
  fd_filestat_set_size: 9,
  fd_filestat_set_times: 10,
  fd_pread: 11,
  fd_prestat_get: 12,
  fd_prestat_dir_name: 13,
  fd_pwrite: 14,
  fd_read: 15,
  fd_readdir: 16,
  fd_renumber: 17,
  fd_seek: 18,
  fd_sync: 19,
  fd_tell: 20,
  fd_write: 21,
  path_create_directory: 22,
  path_filestat_get: 23,
  path_filestat_set_times: 24,
  path_link: 25,
  path_open: 26,
  path_readlink: 27,
  path_remove_directory: 28,
  path_rename: 29,
  path_symlink: 30,
  path_unlink_file: 31,
  poll_oneoff: 32,
  proc_exit: 33,
  proc_raise: 34,
  sock_accept: 35,
  sock_recv: 36,
  sock_send: 37,
  sock_shutdown: 38,
  sched_yield: 39,
  // drydock extension (wasm/include/drydock.h)
  spawn: 64,
  execve: 65,
  waitpid: 66,
  kill: 67,
  getpid: 68,
  getppid: 69,
  getpgid: 70,
  setpgid: 71,
  getsid: 72,
  setsid: 73,
  getcwd: 74,
  chdir: 75,
  sigaction: 76,
  sigprocmask: 77,
  sigpending: 78,
  sigsuspend: 79,
  alarm: 80,
  pipe2: 81,
  dup: 82,
  dup3: 83,
  cloexec: 84,
  fstatat: 85,
  fstat: 86,
  fchmodat: 87,
  fchmod: 88,
  fchownat: 89,
  fchown: 90,
  mknodat: 91,
  umask: 92,
  getuid: 93,
  geteuid: 94,
  getgid: 95,
  getegid: 96,
  setuid: 97,
  setgid: 98,
  uname: 99,
  sethostname: 100,
  tcgetattr: 101,
  tcsetattr: 102,
  tcgetwinsize: 103,
  tcsetwinsize: 104,
  tcgetpgrp: 105,
  tcsetpgrp: 106,
  statfs: 107,
  fstatfs: 108,
  pause: 109,
  getgroups: 110,
  setgroups: 111,
  // drydock extension: sockets (wasm/include/drydock.h, "sockets")
  socket: 140,
  bind: 141,
  listen: 142,
  accept4: 143,
  connect: 144,
  sendto: 145,
  recvfrom: 146,
  getsockname: 147,
  getpeername: 148,
  setsockopt: 149,
  getsockopt: 150,
  getaddrinfo: 151,
  getnameinfo: 152,
  netinfo: 153,
  // runtime internal
  /** The guest trapped or ran out of memory: args kind (u32), message (string). */
  guest_fault: 120,
  /** The guest's _start returned without proc_exit. */
  guest_return: 121,
} as const;

export type SyscallName = keyof typeof SYS;

export const SYSCALL_NAMES: Record<number, SyscallName> = Object.fromEntries(
  Object.entries(SYS).map(([name, no]) => [no, name as SyscallName]),
);

/** guest_fault kinds. */
export const FAULT = { TRAP: 0, OOM: 1, STACK: 2, LINK: 3 } as const;
