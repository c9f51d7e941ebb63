/**
 * The import tables a guest module is instantiated with, running inside its
 * process worker. Each function reads the guest's arguments out of its
 * linear memory, writes a request to the syscall channel, blocks for the
 * kernel's answer and writes the results back: guest pointers never leave
 * this file. A few calls are answered here without the kernel (args, environ,
 * clocks, random, sched_yield, /dev/null and /dev/zero fds).
 */
import { Errno } from '../../common/errno.ts';
import { monotonicNs, nowNs } from '../../common/time.ts';
import { NGROUPS_MAX } from '../abi/linux.ts';
import { CLOCK, SIZE } from '../abi/wasi.ts';
import { SYS } from '../abi/syscalls.ts';
import type { GuestChannel } from '../channel/channel.ts';
import { FLAG_EXEC, FLAG_KILLED, FLAG_SIGNALS, PAYLOAD_IO_MAX } from '../channel/channel.ts';
import type { Wire } from '../channel/wire.ts';
import type { GuestMemory } from './memory.ts';
import { HINT, HINT_KIND_MASK, HINT_READABLE, HINT_WRITABLE } from './messages.ts';
import { GuestUnwind } from './unwind.ts';

type ImportFn = (...args: never[]) => number | bigint | void;

const encoder = new TextEncoder();

function encodeList(list: readonly string[]): { sizes: number; bytes: Uint8Array[] } {
  const bytes = list.map((s) => encoder.encode(`${s}\0`));
  return { sizes: bytes.reduce((n, b) => n + b.length, 0), bytes };
}

export class GuestImports {
  private readonly args: { sizes: number; bytes: Uint8Array[] };
  private readonly env: { sizes: number; bytes: Uint8Array[] };
  private readonly hints = new Map<number, number>();
  private pendingSignals = 0n;
  /** The guest's exported signal trampoline, once instantiated. */
  signalHandler: ((sig: number) => void) | null = null;

  constructor(
    private readonly channel: GuestChannel,
    private readonly mem: GuestMemory,
    args: readonly string[],
    env: readonly string[],
    hints: readonly (readonly [number, number])[],
  ) {
    this.args = encodeList(args);
    this.env = encodeList(env);
    for (const [fd, hint] of hints) this.setHint(fd, hint);
  }

  /** The request being written. */
  private get w(): Wire {
    return this.channel.wire;
  }

  /** The answer to read after `call()`. */
  private get r(): Wire {
    return this.channel.reply;
  }

  private setHint(fd: number, hint: number): void {
    if ((hint & HINT_KIND_MASK) === HINT.KERNEL) this.hints.delete(fd);
    else this.hints.set(fd, hint);
  }

  /** Makes the call already written to the wire. Unwinds on kill/exec; remembers signals to run. */
  private call(op: number): number {
    this.channel.setMemoryBytes(this.mem.byteLength);
    const result = this.channel.call(op);
    const flags = this.channel.flags;
    if (flags & FLAG_KILLED) throw new GuestUnwind('killed');
    if (flags & FLAG_EXEC) throw new GuestUnwind('exec');
    if (flags & FLAG_SIGNALS) this.pendingSignals |= this.channel.signalMask();
    return result;
  }

  /** Runs handlers for signals the kernel delivered during this import, then returns `result`. */
  private ret(result: number): number {
    while (this.pendingSignals !== 0n) {
      const mask = this.pendingSignals;
      this.pendingSignals = 0n;
      for (let sig = 1; sig <= 64; sig++) {
        if ((mask >> BigInt(sig - 1)) & 1n) this.signalHandler?.(sig);
      }
    }
    return result;
  }

  /**
   * For the calls the worker answers itself: when the kernel has raised the
   * attention word (a caught signal to deliver, docker pause), make a real
   * `sched_yield` first, so a guest that computes between clock reads or
   * sched_yields still runs its handlers and can be frozen.
   */
  private checkpoint(): void {
    if (this.channel.attention()) this.simple(SYS.sched_yield, () => undefined);
  }

  /** Simple calls: the wire is written by `write`, no results besides the errno. */
  private simple(op: number, write: (w: Wire) => void): number {
    write(this.w.reset());
    return this.ret(this.call(op));
  }

  /** Calls whose result is one u32 written to `outPtr` on success. */
  private u32Out(op: number, outPtr: number, write: (w: Wire) => void): number {
    write(this.w.reset());
    const err = this.call(op);
    if (err === 0) this.mem.setU32(outPtr, this.r.u32());
    return this.ret(err);
  }

  /** Calls whose result is `size` raw bytes copied to `outPtr` on success. */
  private rawOut(op: number, outPtr: number, size: number, write: (w: Wire) => void): number {
    write(this.w.reset());
    const err = this.call(op);
    if (err === 0) this.mem.write(outPtr, this.r.raw(size));
    return this.ret(err);
  }

  private path(ptr: number, len: number): Uint8Array {
    return this.mem.slice(ptr, len);
  }

  // ------------------------------------------------------------------ wasi_snapshot_preview1

  wasi(): Record<string, ImportFn> {
    const mem = this.mem;
    return {
      args_sizes_get: (argcPtr: number, sizePtr: number) => {
        mem.setU32(argcPtr, this.args.bytes.length);
        mem.setU32(sizePtr, this.args.sizes);
        return 0;
      },
      args_get: (argvPtr: number, bufPtr: number) => this.writeList(this.args.bytes, argvPtr, bufPtr),
      environ_sizes_get: (countPtr: number, sizePtr: number) => {
        mem.setU32(countPtr, this.env.bytes.length);
        mem.setU32(sizePtr, this.env.sizes);
        return 0;
      },
      environ_get: (envPtr: number, bufPtr: number) => this.writeList(this.env.bytes, envPtr, bufPtr),

      clock_res_get: (id: number, resPtr: number) => {
        if (id > CLOCK.THREAD_CPUTIME) return Errno.EINVAL;
        mem.setU64(resPtr, 1000n);
        return 0;
      },
      clock_time_get: (id: number, _precision: bigint, timePtr: number) => {
        this.checkpoint();
        switch (id) {
          case CLOCK.REALTIME:
            mem.setU64(timePtr, nowNs());
            return 0;
          case CLOCK.MONOTONIC:
            mem.setU64(timePtr, monotonicNs());
            return 0;
          case CLOCK.PROCESS_CPUTIME:
          case CLOCK.THREAD_CPUTIME:
            mem.setU64(timePtr, this.channel.cpuNanos());
            return 0;
          default:
            return Errno.EINVAL;
        }
      },
      random_get: (buf: number, len: number) => {
        this.checkpoint();
        for (let at = 0; at < len; at += 65536) {
          crypto.getRandomValues(mem.slice(buf + at, Math.min(65536, len - at)));
        }
        return 0;
      },
      sched_yield: () => {
        this.checkpoint();
        return 0;
      },

      fd_write: (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) =>
        this.writev(SYS.fd_write, fd, iovs, iovsLen, nwrittenPtr, null),
      fd_pwrite: (fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number) =>
        this.writev(SYS.fd_pwrite, fd, iovs, iovsLen, nwrittenPtr, offset),
      fd_read: (fd: number, iovs: number, iovsLen: number, nreadPtr: number) =>
        this.readv(SYS.fd_read, fd, iovs, iovsLen, nreadPtr, null),
      fd_pread: (fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number) =>
        this.readv(SYS.fd_pread, fd, iovs, iovsLen, nreadPtr, offset),

      fd_seek: (fd: number, offset: bigint, whence: number, newOffsetPtr: number) => {
        this.w.reset().putI32(fd).putI64(offset).putU32(whence);
        const err = this.call(SYS.fd_seek);
        if (err === 0) mem.setU64(newOffsetPtr, this.r.u64());
        return this.ret(err);
      },
      fd_tell: (fd: number, offsetPtr: number) => {
        this.w.reset().putI32(fd);
        const err = this.call(SYS.fd_tell);
        if (err === 0) mem.setU64(offsetPtr, this.r.u64());
        return this.ret(err);
      },
      fd_close: (fd: number) => {
        const err = this.simple(SYS.fd_close, (w) => w.putI32(fd));
        if (err === 0) this.hints.delete(fd);
        return err;
      },
      fd_datasync: (fd: number) => this.simple(SYS.fd_datasync, (w) => w.putI32(fd)),
      fd_sync: (fd: number) => this.simple(SYS.fd_sync, (w) => w.putI32(fd)),
      fd_advise: (fd: number, offset: bigint, len: bigint, advice: number) =>
        this.simple(SYS.fd_advise, (w) => w.putI32(fd).putU64(offset).putU64(len).putU32(advice)),
      fd_allocate: (fd: number, offset: bigint, len: bigint) =>
        this.simple(SYS.fd_allocate, (w) => w.putI32(fd).putU64(offset).putU64(len)),
      fd_fdstat_get: (fd: number, buf: number) =>
        this.rawOut(SYS.fd_fdstat_get, buf, SIZE.FDSTAT, (w) => w.putI32(fd)),
      fd_fdstat_set_flags: (fd: number, flags: number) =>
        this.simple(SYS.fd_fdstat_set_flags, (w) => w.putI32(fd).putU32(flags)),
      fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) =>
        this.simple(SYS.fd_fdstat_set_rights, (w) => w.putI32(fd).putU64(base).putU64(inheriting)),
      fd_filestat_get: (fd: number, buf: number) =>
        this.rawOut(SYS.fd_filestat_get, buf, SIZE.FILESTAT, (w) => w.putI32(fd)),
      fd_filestat_set_size: (fd: number, size: bigint) =>
        this.simple(SYS.fd_filestat_set_size, (w) => w.putI32(fd).putU64(size)),
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, fstflags: number) =>
        this.simple(SYS.fd_filestat_set_times, (w) => w.putI32(fd).putU64(atim).putU64(mtim).putU32(fstflags)),
      fd_prestat_get: (fd: number, buf: number) =>
        this.rawOut(SYS.fd_prestat_get, buf, SIZE.PRESTAT, (w) => w.putI32(fd)),
      fd_prestat_dir_name: (fd: number, pathPtr: number, pathLen: number) => {
        this.w.reset().putI32(fd).putU32(pathLen);
        const err = this.call(SYS.fd_prestat_dir_name);
        if (err === 0) mem.write(pathPtr, this.r.bytes().subarray(0, pathLen));
        return this.ret(err);
      },
      fd_readdir: (fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number) => {
        const want = Math.min(bufLen, this.r.capacity - 16);
        this.w.reset().putI32(fd).putU32(want).putU64(cookie);
        const err = this.call(SYS.fd_readdir);
        if (err === 0) {
          const data = this.r.bytes();
          mem.write(buf, data);
          mem.setU32(bufusedPtr, data.length);
        }
        return this.ret(err);
      },
      fd_renumber: (from: number, to: number) => {
        const err = this.simple(SYS.fd_renumber, (w) => w.putI32(from).putI32(to));
        if (err === 0) {
          const hint = this.hints.get(from);
          this.hints.delete(from);
          if (hint === undefined) this.hints.delete(to);
          else this.hints.set(to, hint);
        }
        return err;
      },

      path_create_directory: (fd: number, path: number, len: number) =>
        this.simple(SYS.path_create_directory, (w) => w.putI32(fd).putBytes(this.path(path, len))),
      path_filestat_get: (fd: number, flags: number, path: number, len: number, buf: number) =>
        this.rawOut(SYS.path_filestat_get, buf, SIZE.FILESTAT, (w) =>
          w.putI32(fd).putU32(flags).putBytes(this.path(path, len)),
        ),
      path_filestat_set_times: (
        fd: number,
        flags: number,
        path: number,
        len: number,
        atim: bigint,
        mtim: bigint,
        fstflags: number,
      ) =>
        this.simple(SYS.path_filestat_set_times, (w) =>
          w.putI32(fd).putU32(flags).putBytes(this.path(path, len)).putU64(atim).putU64(mtim).putU32(fstflags),
        ),
      path_link: (oldFd: number, oldFlags: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
        this.simple(SYS.path_link, (w) =>
          w
            .putI32(oldFd)
            .putU32(oldFlags)
            .putBytes(this.path(oldPath, oldLen))
            .putI32(newFd)
            .putBytes(this.path(newPath, newLen)),
        ),
      path_open: (
        dirfd: number,
        dirflags: number,
        path: number,
        len: number,
        oflags: number,
        rightsBase: bigint,
        rightsInheriting: bigint,
        fdflags: number,
        fdPtr: number,
      ) => {
        this.w
          .reset()
          .putI32(dirfd)
          .putU32(dirflags)
          .putBytes(this.path(path, len))
          .putU32(oflags)
          .putU64(rightsBase)
          .putU64(rightsInheriting)
          .putU32(fdflags);
        const err = this.call(SYS.path_open);
        if (err === 0) {
          const fd = this.r.u32();
          this.setHint(fd, this.r.u32());
          mem.setU32(fdPtr, fd);
        }
        return this.ret(err);
      },
      path_readlink: (fd: number, path: number, len: number, buf: number, bufLen: number, bufusedPtr: number) => {
        this.w.reset().putI32(fd).putBytes(this.path(path, len)).putU32(bufLen);
        const err = this.call(SYS.path_readlink);
        if (err === 0) {
          const data = this.r.bytes();
          mem.write(buf, data);
          mem.setU32(bufusedPtr, data.length);
        }
        return this.ret(err);
      },
      path_remove_directory: (fd: number, path: number, len: number) =>
        this.simple(SYS.path_remove_directory, (w) => w.putI32(fd).putBytes(this.path(path, len))),
      path_rename: (fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number) =>
        this.simple(SYS.path_rename, (w) =>
          w.putI32(fd).putBytes(this.path(oldPath, oldLen)).putI32(newFd).putBytes(this.path(newPath, newLen)),
        ),
      path_symlink: (oldPath: number, oldLen: number, fd: number, newPath: number, newLen: number) =>
        this.simple(SYS.path_symlink, (w) =>
          w.putBytes(this.path(oldPath, oldLen)).putI32(fd).putBytes(this.path(newPath, newLen)),
        ),
      path_unlink_file: (fd: number, path: number, len: number) =>
        this.simple(SYS.path_unlink_file, (w) => w.putI32(fd).putBytes(this.path(path, len))),

      poll_oneoff: (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) => {
        if (nsubs === 0) return Errno.EINVAL;
        this.w.reset().putU32(nsubs);
        this.w.reserve(nsubs * SIZE.SUBSCRIPTION).set(mem.slice(inPtr, nsubs * SIZE.SUBSCRIPTION));
        const err = this.call(SYS.poll_oneoff);
        if (err === 0) {
          const n = this.r.u32();
          mem.write(outPtr, this.r.raw(n * SIZE.EVENT));
          mem.setU32(neventsPtr, n);
        }
        return this.ret(err);
      },
      proc_exit: (code: number) => {
        this.w.reset().putU32(code);
        this.call(SYS.proc_exit);
        // The kernel always answers proc_exit with KILLED, so call() has thrown.
        throw new GuestUnwind('killed');
      },
      proc_raise: (sig: number) => this.simple(SYS.proc_raise, (w) => w.putU32(sig)),

      sock_accept: (fd: number, flags: number, fdPtr: number) => {
        this.w.reset().putI32(fd).putU32(flags);
        const err = this.call(SYS.sock_accept);
        if (err === 0) {
          const newFd = this.r.u32();
          this.setHint(newFd, this.r.u32());
          mem.setU32(fdPtr, newFd);
        }
        return this.ret(err);
      },
      sock_recv: (fd: number, iovs: number, iovsLen: number, riFlags: number, datalenPtr: number, roFlagsPtr: number) => {
        const total = Math.min(this.iovTotal(iovs, iovsLen), PAYLOAD_IO_MAX);
        this.w.reset().putI32(fd).putU32(total).putU32(riFlags);
        const err = this.call(SYS.sock_recv);
        if (err === 0) {
          const data = this.r.bytes();
          const roFlags = this.r.u32();
          this.scatter(data, iovs, iovsLen);
          mem.setU32(datalenPtr, data.length);
          mem.setU16(roFlagsPtr, roFlags);
        }
        return this.ret(err);
      },
      sock_send: (fd: number, iovs: number, iovsLen: number, siFlags: number, datalenPtr: number) => {
        this.w.reset().putI32(fd).putU32(siFlags);
        this.gather(iovs, iovsLen, 0, PAYLOAD_IO_MAX);
        const err = this.call(SYS.sock_send);
        if (err === 0) mem.setU32(datalenPtr, this.r.u32());
        return this.ret(err);
      },
      sock_shutdown: (fd: number, how: number) => this.simple(SYS.sock_shutdown, (w) => w.putI32(fd).putU32(how)),
    };
  }

  private writeList(list: Uint8Array[], ptrs: number, buf: number): number {
    let at = buf;
    for (let i = 0; i < list.length; i++) {
      this.mem.setU32(ptrs + i * 4, at);
      this.mem.write(at, list[i]!);
      at += list[i]!.length;
    }
    return 0;
  }

  private iovTotal(iovs: number, iovsLen: number): number {
    let total = 0;
    for (let i = 0; i < iovsLen; i++) total += this.mem.u32(iovs + i * SIZE.IOVEC + 4);
    return total;
  }

  /**
   * Writes a length-prefixed byte string made of the iovecs' bytes from
   * `skip` on, at most `max` bytes. Returns the number of bytes written.
   */
  private gather(iovs: number, iovsLen: number, skip: number, max: number): number {
    const lenAt = this.w.at;
    this.w.putU32(0);
    const out = this.w.reserve(Math.min(max, this.w.free));
    let n = 0;
    let toSkip = skip;
    for (let i = 0; i < iovsLen && n < out.length; i++) {
      const ptr = this.mem.u32(iovs + i * SIZE.IOVEC);
      const len = this.mem.u32(iovs + i * SIZE.IOVEC + 4);
      if (toSkip >= len) {
        toSkip -= len;
        continue;
      }
      const take = Math.min(len - toSkip, out.length - n);
      out.set(this.mem.slice(ptr + toSkip, take), n);
      n += take;
      toSkip = 0;
    }
    this.w.unreserve(out.length - n);
    const end = this.w.at;
    this.w.at = lenAt;
    this.w.putU32(n);
    this.w.at = end;
    return n;
  }

  private scatter(data: Uint8Array, iovs: number, iovsLen: number): void {
    let at = 0;
    for (let i = 0; i < iovsLen && at < data.length; i++) {
      const ptr = this.mem.u32(iovs + i * SIZE.IOVEC);
      const len = this.mem.u32(iovs + i * SIZE.IOVEC + 4);
      const take = Math.min(len, data.length - at);
      this.mem.write(ptr, data.subarray(at, at + take));
      at += take;
    }
  }

  private writev(op: number, fd: number, iovs: number, iovsLen: number, nwrittenPtr: number, offset: bigint | null): number {
    const total = this.iovTotal(iovs, iovsLen);
    const hint = this.hints.get(fd);
    if (hint !== undefined && offset === null) {
      this.checkpoint();
      if ((hint & HINT_WRITABLE) === 0) return Errno.EBADF;
      this.mem.setU32(nwrittenPtr, total);
      return 0;
    }
    // A blocking write writes everything: loop over channel-sized chunks.
    let done = 0;
    let err = 0;
    do {
      this.w.reset().putI32(fd);
      if (offset !== null) this.w.putU64(offset + BigInt(done));
      const n = this.gather(iovs, iovsLen, done, PAYLOAD_IO_MAX);
      err = this.call(op);
      if (err !== 0) break;
      const wrote = this.r.u32();
      done += wrote;
      if (wrote < n) break;
    } while (done < total);
    if (done > 0 || err === 0) {
      this.mem.setU32(nwrittenPtr, done);
      return this.ret(0);
    }
    return this.ret(err);
  }

  private readv(op: number, fd: number, iovs: number, iovsLen: number, nreadPtr: number, offset: bigint | null): number {
    const total = this.iovTotal(iovs, iovsLen);
    const hint = this.hints.get(fd);
    if (hint !== undefined && offset === null) {
      this.checkpoint();
      if ((hint & HINT_READABLE) === 0) return Errno.EBADF;
      if ((hint & HINT_KIND_MASK) === HINT.ZERO) {
        this.scatter(new Uint8Array(Math.min(total, PAYLOAD_IO_MAX)), iovs, iovsLen);
        this.mem.setU32(nreadPtr, Math.min(total, PAYLOAD_IO_MAX));
      } else {
        this.mem.setU32(nreadPtr, 0);
      }
      return 0;
    }
    this.w.reset().putI32(fd);
    if (offset !== null) this.w.putU64(offset);
    this.w.putU32(Math.min(total, PAYLOAD_IO_MAX));
    const err = this.call(op);
    if (err === 0) {
      const data = this.r.bytes();
      this.scatter(data, iovs, iovsLen);
      this.mem.setU32(nreadPtr, data.length);
    }
    return this.ret(err);
  }

  // ------------------------------------------------------------------ drydock

  drydock(): Record<string, ImportFn> {
    const mem = this.mem;
    const i32Out = (op: number, outPtr: number, write: (w: Wire) => void) => {
      write(this.w.reset());
      const err = this.call(op);
      if (err === 0 && outPtr !== 0) mem.setI32(outPtr, this.r.i32());
      return this.ret(err);
    };
    const value = (op: number) => {
      this.w.reset();
      return this.ret(this.call(op));
    };
    const cpath = (ptr: number) => mem.cstringBytes(ptr);
    return {
      spawn: (path: number, argv: number, envp: number, attr: number, actions: number, nactions: number, pidOut: number) => {
        const w = this.w.reset();
        w.putBytes(cpath(path));
        this.putByteStrings(mem.cstringArray(argv));
        this.putByteStrings(mem.cstringArray(envp));
        if (attr === 0) {
          w.putU32(0).putI32(0).putU64(0n).putU64(0n).putBytes(new Uint8Array(0));
        } else {
          const cwd = mem.u32(attr + 24);
          w.putU32(mem.u32(attr)).putI32(mem.i32(attr + 4)).putU64(mem.u64(attr + 8)).putU64(mem.u64(attr + 16));
          w.putBytes(cwd === 0 ? new Uint8Array(0) : cpath(cwd));
        }
        w.putU32(nactions);
        for (let i = 0; i < nactions; i++) {
          const a = actions + i * 24;
          const pathPtr = mem.u32(a + 20);
          w.putU32(mem.u32(a)).putI32(mem.i32(a + 4)).putI32(mem.i32(a + 8)).putI32(mem.i32(a + 12)).putU32(mem.u32(a + 16));
          w.putBytes(pathPtr === 0 ? new Uint8Array(0) : cpath(pathPtr));
        }
        const err = this.call(SYS.spawn);
        if (err === 0) mem.setI32(pidOut, this.r.i32());
        return this.ret(err);
      },
      execve: (path: number, argv: number, envp: number) => {
        this.w.reset().putBytes(cpath(path));
        this.putByteStrings(mem.cstringArray(argv));
        this.putByteStrings(mem.cstringArray(envp));
        return this.ret(this.call(SYS.execve));
      },
      waitpid: (pid: number, statusOut: number, options: number, pidOut: number) => {
        this.w.reset().putI32(pid).putI32(options);
        const err = this.call(SYS.waitpid);
        if (err === 0) {
          const child = this.r.i32();
          const status = this.r.i32();
          if (statusOut !== 0) mem.setI32(statusOut, status);
          mem.setI32(pidOut, child);
        }
        return this.ret(err);
      },
      kill: (pid: number, sig: number) => this.simple(SYS.kill, (w) => w.putI32(pid).putI32(sig)),
      getpid: () => value(SYS.getpid),
      getppid: () => value(SYS.getppid),
      getpgid: (pid: number, out: number) => i32Out(SYS.getpgid, out, (w) => w.putI32(pid)),
      setpgid: (pid: number, pgid: number) => this.simple(SYS.setpgid, (w) => w.putI32(pid).putI32(pgid)),
      getsid: (pid: number, out: number) => i32Out(SYS.getsid, out, (w) => w.putI32(pid)),
      setsid: (out: number) => i32Out(SYS.setsid, out, () => {}),
      getcwd: (buf: number, len: number) => {
        this.w.reset();
        const err = this.call(SYS.getcwd);
        if (err !== 0) return this.ret(err);
        const cwd = this.r.bytes();
        if (cwd.length + 1 > len) return this.ret(Errno.ERANGE);
        mem.write(buf, cwd);
        mem.setU8(buf + cwd.length, 0);
        return this.ret(0);
      },
      chdir: (path: number) => this.simple(SYS.chdir, (w) => w.putBytes(cpath(path))),

      sigaction: (sig: number, disposition: number, flags: number, oldOut: number) => {
        if (disposition === 2 && !this.signalHandler) return Errno.ENOTSUP;
        return i32Out(SYS.sigaction, oldOut, (w) => w.putI32(sig).putI32(disposition).putI32(flags));
      },
      sigprocmask: (how: number, set: bigint, oldOut: number) => {
        this.w.reset().putI32(how).putU64(set);
        const err = this.call(SYS.sigprocmask);
        if (err === 0 && oldOut !== 0) mem.setU64(oldOut, this.r.u64());
        return this.ret(err);
      },
      sigpending: (out: number) => {
        this.w.reset();
        const err = this.call(SYS.sigpending);
        if (err === 0) mem.setU64(out, this.r.u64());
        return this.ret(err);
      },
      sigsuspend: (mask: bigint) => this.simple(SYS.sigsuspend, (w) => w.putU64(mask)),
      pause: () => this.simple(SYS.pause, () => undefined),
      alarm: (seconds: number, leftOut: number) => this.u32Out(SYS.alarm, leftOut, (w) => w.putU32(seconds)),

      pipe2: (fdsOut: number, flags: number) => {
        this.w.reset().putU32(flags);
        const err = this.call(SYS.pipe2);
        if (err === 0) {
          for (let i = 0; i < 2; i++) {
            const fd = this.r.i32();
            this.setHint(fd, this.r.u32());
            mem.setI32(fdsOut + i * 4, fd);
          }
        }
        return this.ret(err);
      },
      dup: (fd: number, minfd: number, flags: number, out: number) => {
        this.w.reset().putI32(fd).putI32(minfd).putU32(flags);
        const err = this.call(SYS.dup);
        if (err === 0) {
          const newFd = this.r.i32();
          this.setHint(newFd, this.r.u32());
          mem.setI32(out, newFd);
        }
        return this.ret(err);
      },
      dup3: (oldfd: number, newfd: number, flags: number) => {
        this.w.reset().putI32(oldfd).putI32(newfd).putU32(flags);
        const err = this.call(SYS.dup3);
        if (err === 0) this.setHint(newfd, this.r.u32());
        return this.ret(err);
      },
      cloexec: (fd: number, set: number, oldOut: number) =>
        i32Out(SYS.cloexec, oldOut, (w) => w.putI32(fd).putI32(set)),

      fstatat: (dirfd: number, path: number, flags: number, out: number) =>
        this.rawOut(SYS.fstatat, out, 88, (w) => w.putI32(dirfd).putBytes(cpath(path)).putI32(flags)),
      fstat: (fd: number, out: number) => this.rawOut(SYS.fstat, out, 88, (w) => w.putI32(fd)),
      statfs: (dirfd: number, path: number, out: number) =>
        this.rawOut(SYS.statfs, out, 80, (w) => w.putI32(dirfd).putBytes(cpath(path))),
      fstatfs: (fd: number, out: number) => this.rawOut(SYS.fstatfs, out, 80, (w) => w.putI32(fd)),
      fchmodat: (dirfd: number, path: number, mode: number, flags: number) =>
        this.simple(SYS.fchmodat, (w) => w.putI32(dirfd).putBytes(cpath(path)).putU32(mode).putI32(flags)),
      fchmod: (fd: number, mode: number) => this.simple(SYS.fchmod, (w) => w.putI32(fd).putU32(mode)),
      fchownat: (dirfd: number, path: number, uid: number, gid: number, flags: number) =>
        this.simple(SYS.fchownat, (w) => w.putI32(dirfd).putBytes(cpath(path)).putI32(uid).putI32(gid).putI32(flags)),
      fchown: (fd: number, uid: number, gid: number) =>
        this.simple(SYS.fchown, (w) => w.putI32(fd).putI32(uid).putI32(gid)),
      mknodat: (dirfd: number, path: number, mode: number, dev: bigint) =>
        this.simple(SYS.mknodat, (w) => w.putI32(dirfd).putBytes(cpath(path)).putU32(mode).putU64(dev)),
      umask: (mask: number, oldOut: number) => this.u32Out(SYS.umask, oldOut, (w) => w.putU32(mask)),

      getuid: () => value(SYS.getuid),
      geteuid: () => value(SYS.geteuid),
      getgid: () => value(SYS.getgid),
      getegid: () => value(SYS.getegid),
      setuid: (uid: number) => this.simple(SYS.setuid, (w) => w.putI32(uid)),
      setgid: (gid: number) => this.simple(SYS.setgid, (w) => w.putI32(gid)),
      getgroups: (size: number, list: number, countOut: number) => {
        this.w.reset().putU32(size);
        const err = this.call(SYS.getgroups);
        if (err === 0) {
          const count = this.r.u32();
          if (count > 0 && size !== 0) mem.write(list, this.r.raw(count * 4));
          mem.setU32(countOut, count);
        }
        return this.ret(err);
      },
      // The list travels only when it may be valid: the kernel decides EPERM before EINVAL, as Linux.
      setgroups: (size: number, list: number) =>
        this.simple(SYS.setgroups, (w) => {
          const count = size >>> 0;
          w.putU32(count);
          if (count <= NGROUPS_MAX) w.reserve(count * 4).set(mem.slice(list, count * 4));
        }),
      uname: (out: number) => this.rawOut(SYS.uname, out, 390, () => {}),
      sethostname: (name: number, len: number) =>
        this.simple(SYS.sethostname, (w) => w.putBytes(mem.slice(name, len))),

      tcgetattr: (fd: number, out: number) => this.rawOut(SYS.tcgetattr, out, 60, (w) => w.putI32(fd)),
      tcsetattr: (fd: number, actions: number, termios: number) =>
        this.simple(SYS.tcsetattr, (w) => {
          w.putI32(fd).putI32(actions);
          w.reserve(60).set(mem.slice(termios, 60));
        }),
      tcgetwinsize: (fd: number, out: number) => this.rawOut(SYS.tcgetwinsize, out, 8, (w) => w.putI32(fd)),
      tcsetwinsize: (fd: number, ws: number) =>
        this.simple(SYS.tcsetwinsize, (w) => {
          w.putI32(fd);
          w.reserve(8).set(mem.slice(ws, 8));
        }),
      tcgetpgrp: (fd: number, out: number) => i32Out(SYS.tcgetpgrp, out, (w) => w.putI32(fd)),
      tcsetpgrp: (fd: number, pgrp: number) => this.simple(SYS.tcsetpgrp, (w) => w.putI32(fd).putI32(pgrp)),

      ...this.sockets(),
    };
  }

  /** The socket calls (drydock.h, "sockets"): sockaddrs and option values travel as byte strings. */
  private sockets(): Record<string, ImportFn> {
    const mem = this.mem;
    const none = new Uint8Array(0);
    const bytesAt = (ptr: number, len: number) => (ptr === 0 ? none : mem.slice(ptr, len));
    /** Copies a returned sockaddr into (addr, *addrlen), truncating as POSIX says; *addrlen gets the full size. */
    const putSockaddr = (sa: Uint8Array, addr: number, lenPtr: number) => {
      if (addr === 0 || lenPtr === 0) return;
      const cap = mem.u32(lenPtr);
      mem.write(addr, sa.subarray(0, Math.min(cap, sa.length)));
      mem.setU32(lenPtr, sa.length);
    };
    const MSG_WAITALL = 0x2;
    const MSG_PEEK = 0x1;
    const MSG_TRUNC = 0x20;
    return {
      socket: (domain: number, type: number, protocol: number, fdOut: number) => {
        this.w.reset().putI32(domain).putI32(type).putI32(protocol);
        const err = this.call(SYS.socket);
        if (err === 0) mem.setI32(fdOut, this.r.i32());
        return this.ret(err);
      },
      bind: (fd: number, addr: number, len: number) =>
        this.simple(SYS.bind, (w) => w.putI32(fd).putBytes(bytesAt(addr, len))),
      listen: (fd: number, backlog: number) => this.simple(SYS.listen, (w) => w.putI32(fd).putI32(backlog)),
      accept4: (fd: number, addr: number, lenPtr: number, flags: number, fdOut: number) => {
        this.w.reset().putI32(fd).putI32(flags);
        const err = this.call(SYS.accept4);
        if (err === 0) {
          const newFd = this.r.i32();
          this.setHint(newFd, this.r.u32());
          putSockaddr(this.r.bytes(), addr, lenPtr);
          mem.setI32(fdOut, newFd);
        }
        return this.ret(err);
      },
      connect: (fd: number, addr: number, len: number) =>
        this.simple(SYS.connect, (w) => w.putI32(fd).putBytes(bytesAt(addr, len))),
      sendto: (fd: number, buf: number, len: number, flags: number, addr: number, addrLen: number, sentOut: number) => {
        // A blocking stream send writes everything: loop over channel-sized chunks.
        let done = 0;
        let err = 0;
        do {
          const n = Math.min(len - done, PAYLOAD_IO_MAX);
          this.w.reset().putI32(fd).putI32(flags).putU32(len).putBytes(mem.slice(buf + done, n)).putBytes(bytesAt(addr, addrLen));
          err = this.call(SYS.sendto);
          if (err !== 0) break;
          const sent = this.r.u32();
          done += sent;
          if (sent < n) break;
        } while (done < len);
        if (done > 0 || err === 0) {
          mem.setU32(sentOut, done);
          return this.ret(0);
        }
        return this.ret(err);
      },
      recvfrom: (fd: number, buf: number, len: number, flags: number, addr: number, lenPtr: number, receivedOut: number) => {
        // MSG_WAITALL beyond one channel payload: keep reading until `len` bytes or a short read.
        const loop = (flags & MSG_WAITALL) !== 0 && (flags & MSG_PEEK) === 0;
        let done = 0;
        let err = 0;
        let reported = 0;
        do {
          const want = Math.min(len - done, PAYLOAD_IO_MAX);
          this.w.reset().putI32(fd).putU32(want).putI32(flags);
          err = this.call(SYS.recvfrom);
          if (err !== 0) break;
          const data = this.r.bytes();
          const full = this.r.u32();
          const from = this.r.bytes();
          mem.write(buf + done, data);
          if (done === 0) putSockaddr(from, addr, lenPtr);
          done += data.length;
          reported = (flags & MSG_TRUNC) !== 0 && !loop ? full : done;
          if (!loop || data.length < want || data.length === 0) break;
        } while (done < len);
        if (done > 0 || err === 0) {
          mem.setU32(receivedOut, reported);
          return this.ret(0);
        }
        return this.ret(err);
      },
      getsockname: (fd: number, addr: number, lenPtr: number) => {
        this.w.reset().putI32(fd);
        const err = this.call(SYS.getsockname);
        if (err === 0) putSockaddr(this.r.bytes(), addr, lenPtr);
        return this.ret(err);
      },
      getpeername: (fd: number, addr: number, lenPtr: number) => {
        this.w.reset().putI32(fd);
        const err = this.call(SYS.getpeername);
        if (err === 0) putSockaddr(this.r.bytes(), addr, lenPtr);
        return this.ret(err);
      },
      setsockopt: (fd: number, level: number, name: number, value: number, len: number) =>
        this.simple(SYS.setsockopt, (w) => w.putI32(fd).putI32(level).putI32(name).putBytes(bytesAt(value, len))),
      getsockopt: (fd: number, level: number, name: number, value: number, lenPtr: number) => {
        this.w.reset().putI32(fd).putI32(level).putI32(name);
        const err = this.call(SYS.getsockopt);
        if (err === 0) putSockaddr(this.r.bytes(), value, lenPtr);
        return this.ret(err);
      },
      getaddrinfo: (name: number, family: number, flags: number, out: number, max: number, countOut: number, canon: number, canonLen: number) => {
        this.w.reset().putBytes(mem.cstringBytes(name)).putI32(family).putI32(flags);
        const err = this.call(SYS.getaddrinfo);
        if (err === 0) {
          const count = this.r.u32();
          for (let i = 0; i < count; i++) {
            const fam = this.r.i32();
            const raw = this.r.raw(16);
            if (i < max) {
              mem.setI32(out + i * 20, fam);
              mem.write(out + i * 20 + 4, raw);
            }
          }
          mem.setU32(countOut, Math.min(count, max));
          const name = this.r.bytes();
          if (canon !== 0 && canonLen > 0) {
            const n = Math.min(name.length, canonLen - 1);
            mem.write(canon, name.subarray(0, n));
            mem.setU8(canon + n, 0);
          }
        }
        return this.ret(err);
      },
      netinfo: (what: number, buf: number, len: number, neededOut: number) => {
        this.w.reset().putI32(what);
        const err = this.call(SYS.netinfo);
        if (err !== 0) return this.ret(err);
        const text = this.r.bytes();
        mem.setU32(neededOut, text.length + 1);
        if (text.length + 1 > len) return this.ret(Errno.ERANGE);
        mem.write(buf, text);
        mem.setU8(buf + text.length, 0);
        return this.ret(0);
      },
      getnameinfo: (addr: number, addrLen: number, host: number, hostLen: number) => {
        this.w.reset().putBytes(bytesAt(addr, addrLen));
        const err = this.call(SYS.getnameinfo);
        if (err !== 0) return this.ret(err);
        const name = this.r.bytes();
        if (name.length + 1 > hostLen) return this.ret(Errno.ERANGE);
        mem.write(host, name);
        mem.setU8(host + name.length, 0);
        return this.ret(0);
      },
    };
  }

  private putByteStrings(list: Uint8Array[]): void {
    this.w.putU32(list.length);
    for (const item of list) this.w.putBytes(item);
  }

  // ------------------------------------------------------------------ runtime internal

  /** Reports a trap or out-of-memory kill; the kernel answers with KILLED. */
  fault(kind: number, message: string): void {
    this.w.reset().putU32(kind).putString(message.slice(0, 1000));
    try {
      this.call(SYS.guest_fault);
    } catch (error) {
      if (!(error instanceof GuestUnwind)) throw error;
    }
  }

  /** Reports that _start returned (exit status 0). */
  returned(): void {
    this.w.reset();
    try {
      this.call(SYS.guest_return);
    } catch (error) {
      if (!(error instanceof GuestUnwind)) throw error;
    }
  }
}
