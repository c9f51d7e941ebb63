/**
 * Error numbers, with WASI preview1's numbering (which is what guests see and
 * what wasi-libc's <errno.h> uses). Kernel and filesystem code throws
 * `ErrnoError`; the syscall layer turns it into the number the guest gets.
 */
export enum Errno {
  SUCCESS = 0,
  E2BIG = 1,
  EACCES = 2,
  EADDRINUSE = 3,
  EADDRNOTAVAIL = 4,
  EAFNOSUPPORT = 5,
  EAGAIN = 6,
  EALREADY = 7,
  EBADF = 8,
  EBADMSG = 9,
  EBUSY = 10,
  ECANCELED = 11,
  ECHILD = 12,
  ECONNABORTED = 13,
  ECONNREFUSED = 14,
  ECONNRESET = 15,
  EDEADLK = 16,
  EDESTADDRREQ = 17,
  EDOM = 18,
  EDQUOT = 19,
  EEXIST = 20,
  EFAULT = 21,
  EFBIG = 22,
  EHOSTUNREACH = 23,
  EIDRM = 24,
  EILSEQ = 25,
  EINPROGRESS = 26,
  EINTR = 27,
  EINVAL = 28,
  EIO = 29,
  EISCONN = 30,
  EISDIR = 31,
  ELOOP = 32,
  EMFILE = 33,
  EMLINK = 34,
  EMSGSIZE = 35,
  EMULTIHOP = 36,
  ENAMETOOLONG = 37,
  ENETDOWN = 38,
  ENETRESET = 39,
  ENETUNREACH = 40,
  ENFILE = 41,
  ENOBUFS = 42,
  ENODEV = 43,
  ENOENT = 44,
  ENOEXEC = 45,
  ENOLCK = 46,
  ENOLINK = 47,
  ENOMEM = 48,
  ENOMSG = 49,
  ENOPROTOOPT = 50,
  ENOSPC = 51,
  ENOSYS = 52,
  ENOTCONN = 53,
  ENOTDIR = 54,
  ENOTEMPTY = 55,
  ENOTRECOVERABLE = 56,
  ENOTSOCK = 57,
  ENOTSUP = 58,
  ENOTTY = 59,
  ENXIO = 60,
  EOVERFLOW = 61,
  EOWNERDEAD = 62,
  EPERM = 63,
  EPIPE = 64,
  EPROTO = 65,
  EPROTONOSUPPORT = 66,
  EPROTOTYPE = 67,
  ERANGE = 68,
  EROFS = 69,
  ESPIPE = 70,
  ESRCH = 71,
  ESTALE = 72,
  ETIMEDOUT = 73,
  ETXTBSY = 74,
  EXDEV = 75,
  ENOTCAPABLE = 76,
}

/** The strerror() text wasi-libc prints for each errno (musl's wording). */
const MESSAGES: Partial<Record<Errno, string>> = {
  [Errno.EACCES]: 'Permission denied',
  [Errno.EADDRINUSE]: 'Address in use',
  [Errno.EAGAIN]: 'Resource temporarily unavailable',
  [Errno.EBADF]: 'Bad file descriptor',
  [Errno.EBUSY]: 'Resource busy',
  [Errno.ECHILD]: 'No child process',
  [Errno.ECONNREFUSED]: 'Connection refused',
  [Errno.EEXIST]: 'File exists',
  [Errno.EINTR]: 'Interrupted system call',
  [Errno.EINVAL]: 'Invalid argument',
  [Errno.EIO]: 'I/O error',
  [Errno.EISDIR]: 'Is a directory',
  [Errno.ELOOP]: 'Symbolic link loop',
  [Errno.EMFILE]: 'No file descriptors available',
  [Errno.ENAMETOOLONG]: 'Filename too long',
  [Errno.ENOENT]: 'No such file or directory',
  [Errno.ENOEXEC]: 'Exec format error',
  [Errno.ENOMEM]: 'Out of memory',
  [Errno.ENOSPC]: 'No space left on device',
  [Errno.ENOSYS]: 'Function not implemented',
  [Errno.ENOTDIR]: 'Not a directory',
  [Errno.ENOTEMPTY]: 'Directory not empty',
  [Errno.ENOTSUP]: 'Not supported',
  [Errno.ENOTTY]: 'Not a tty',
  [Errno.EPERM]: 'Operation not permitted',
  [Errno.EPIPE]: 'Broken pipe',
  [Errno.EROFS]: 'Read-only file system',
  [Errno.ESPIPE]: 'Invalid seek',
  [Errno.ESRCH]: 'No such process',
  [Errno.EXDEV]: 'Cross-device link',
  [Errno.ENOTCAPABLE]: 'Capabilities insufficient',
};

export function strerror(errno: Errno): string {
  return MESSAGES[errno] ?? `errno ${Errno[errno] ?? errno}`;
}

/** A failed system-level operation. `errno` is what the guest will see. */
export class ErrnoError extends Error {
  constructor(
    readonly errno: Errno,
    detail?: string,
  ) {
    super(detail ? `${Errno[errno]}: ${detail}` : `${Errno[errno]} (${strerror(errno)})`);
    this.name = 'ErrnoError';
  }
}

/** Shorthand for `throw new ErrnoError(errno, detail)` in expression position. */
export function fail(errno: Errno, detail?: string): never {
  throw new ErrnoError(errno, detail);
}

/** The errno carried by an error, or EIO for anything that is not an ErrnoError (a bug). */
export function errnoOf(error: unknown): Errno {
  return error instanceof ErrnoError ? error.errno : Errno.EIO;
}
