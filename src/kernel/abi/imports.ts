/**
 * The import names a guest module may use. The kernel checks a module's
 * imports against these before starting it, so a module that needs something
 * Drydock does not provide fails at spawn with a clear error (ENOEXEC) instead
 * of a LinkError inside the worker. guest/imports.ts provides exactly these
 * (a unit test keeps the two in step).
 */
export const WASI_MODULE = 'wasi_snapshot_preview1';
export const DRYDOCK_MODULE = 'drydock';
/** Rewritten modules import their memory from here (see exec/README.md). */
export const RUNTIME_MODULE = 'drydock_rt';

export const WASI_IMPORTS: readonly string[] = [
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'proc_exit',
  'proc_raise',
  'sched_yield',
  'random_get',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
];

export const DRYDOCK_IMPORTS: readonly string[] = [
  'spawn',
  'execve',
  'waitpid',
  'kill',
  'getpid',
  'getppid',
  'getpgid',
  'setpgid',
  'getsid',
  'setsid',
  'getcwd',
  'chdir',
  'sigaction',
  'sigprocmask',
  'sigpending',
  'sigsuspend',
  'pause',
  'alarm',
  'pipe2',
  'dup',
  'dup3',
  'cloexec',
  'fstatat',
  'fstat',
  'fchmodat',
  'fchmod',
  'fchownat',
  'fchown',
  'mknodat',
  'umask',
  'getuid',
  'geteuid',
  'getgid',
  'getegid',
  'setuid',
  'setgid',
  'getgroups',
  'setgroups',
  'uname',
  'sethostname',
  'tcgetattr',
  'tcsetattr',
  'tcgetwinsize',
  'tcsetwinsize',
  'tcgetpgrp',
  'tcsetpgrp',
  'statfs',
  'fstatfs',
  'socket',
  'bind',
  'listen',
  'accept4',
  'connect',
  'sendto',
  'recvfrom',
  'getsockname',
  'getpeername',
  'setsockopt',
  'getsockopt',
  'getaddrinfo',
  'getnameinfo',
  'netinfo',
];

const ALLOWED = new Map<string, Set<string>>([
  [WASI_MODULE, new Set(WASI_IMPORTS)],
  [DRYDOCK_MODULE, new Set(DRYDOCK_IMPORTS)],
  [RUNTIME_MODULE, new Set(['memory'])],
]);

/** The imports of `module` that Drydock does not provide, as "module.name". */
export function unknownImports(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.imports(module)
    .filter((imp) => !ALLOWED.get(imp.module)?.has(imp.name))
    .map((imp) => `${imp.module}.${imp.name}`);
}

export function importsDrydock(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((imp) => imp.module === DRYDOCK_MODULE);
}
