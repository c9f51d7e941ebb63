import { HINT, HINT_READABLE, HINT_WRITABLE } from '../guest/messages.ts';
import { RIGHTS } from '../abi/wasi.ts';
import { NullDevice, ZeroDevice } from './devices.ts';
import type { FdEntry } from './fd-table.ts';

/**
 * How a process worker may serve this fd without a syscall (guest/messages.ts
 * HINT). Only devices whose behaviour depends on nothing but the fd's rights
 * qualify: /dev/null and /dev/zero.
 */
export function hintFor(entry: FdEntry): number {
  const d = entry.description;
  let kind: number;
  if (d instanceof NullDevice) kind = HINT.NULL;
  else if (d instanceof ZeroDevice) kind = HINT.ZERO;
  else return HINT.KERNEL;
  let hint = kind;
  if (entry.rightsBase & RIGHTS.FD_READ) hint |= HINT_READABLE;
  if (entry.rightsBase & RIGHTS.FD_WRITE) hint |= HINT_WRITABLE;
  return hint;
}
