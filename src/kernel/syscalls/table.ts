/**
 * The syscall table: syscall number -> handler, with its support level and a
 * note where support is partial (gVisor's style: the table is data, and says
 * what is missing next to the handler). README.md lists it in prose.
 */
import { SYS } from '../abi/syscalls.ts';
import type { SyscallEntry } from './context.ts';
import { FD_SYSCALLS } from './fd.ts';
import { FDEXT_SYSCALLS } from './fdext.ts';
import { FILE_SYSCALLS } from './files.ts';
import { IDENTITY_SYSCALLS } from './identity.ts';
import { PATH_SYSCALLS } from './path.ts';
import { POLL_SYSCALLS } from './poll.ts';
import { PROCESS_SYSCALLS } from './process.ts';
import { SIGNAL_SYSCALLS } from './signals.ts';
import { SOCK_SYSCALLS } from './sock.ts';
import { SOCKET_SYSCALLS } from './socket.ts';
import { TTY_SYSCALLS } from './tty.ts';

const BY_NAME: Record<string, SyscallEntry> = {
  ...FD_SYSCALLS,
  ...PATH_SYSCALLS,
  ...POLL_SYSCALLS,
  ...PROCESS_SYSCALLS,
  ...SIGNAL_SYSCALLS,
  ...FDEXT_SYSCALLS,
  ...FILE_SYSCALLS,
  ...IDENTITY_SYSCALLS,
  ...TTY_SYSCALLS,
  ...SOCK_SYSCALLS,
  ...SOCKET_SYSCALLS,
};

export const SYSCALLS: Record<number, SyscallEntry> = {};
for (const [name, number] of Object.entries(SYS)) {
  const entry = BY_NAME[name];
  if (entry) SYSCALLS[number] = entry;
}

/** Names in SYS that have no handler (a unit test keeps this empty). */
export function unimplementedSyscalls(): string[] {
  return Object.keys(SYS).filter((name) => !BY_NAME[name]);
}
