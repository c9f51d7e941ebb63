/*
 * drydock.h: the Drydock kernel's extension system calls.
 *
 * WASI preview1 (module "wasi_snapshot_preview1") has no processes, pipes,
 * signals, permissions or terminals. A guest that needs them imports these
 * functions from the module "drydock". They are modelled on POSIX (names,
 * argument order, flag values and struct layouts follow Linux/musl), so that
 * wasm/lib/drydock's POSIX wrappers (posix_spawn, waitpid, pipe, dup2,
 * sigaction, chmod, tcgetattr, ...) are thin.
 *
 * Conventions
 *   - Every call returns a WASI errno (0 on success, see <wasi/api.h>), except
 *     the few documented as returning a value directly (getpid & co).
 *   - Results are written through out-pointers, as in WASI.
 *   - Strings are NUL-terminated. Paths are resolved by the kernel inside the
 *     process's mount namespace: absolute paths from the process root, relative
 *     paths from the directory fd `dirfd`, or from the process's kernel working
 *     directory when dirfd is DRYDOCK_AT_FDCWD. (wasi-libc keeps its own cwd; the
 *     libdrydock wrappers pass absolute paths built from getcwd().)
 *   - Signal numbers are Linux's (the values of wasi-libc's <signal.h>).
 *   - Wait statuses are encoded as on Linux: WIFEXITED -> (code << 8),
 *     WIFSIGNALED -> signal number in the low 7 bits.
 *
 * A process with a signal disposition of DRYDOCK_SIG_CATCH receives the signal
 * when it next makes a system call or while it is blocked in one: the kernel
 * calls the module's exported function `__drydock_signal(int sig)` before the
 * call returns (blocking calls then return EINTR). A module that does not
 * export `__drydock_signal` cannot catch signals (sigaction returns ENOTSUP).
 * A guest spinning without system calls is only reachable by default-action
 * signals, which the kernel always enforces, SIGKILL included.
 *
 * The ABI version is exported by guests that were built against this header as
 * the global `__drydock_abi` (optional).
 */
#ifndef DRYDOCK_H
#define DRYDOCK_H

#include <stdint.h>
#include <stddef.h>

#define DRYDOCK_ABI_VERSION 1

#define DRYDOCK_IMPORT(name) __attribute__((import_module("drydock"), import_name(name)))

#define DRYDOCK_AT_FDCWD (-2) /* the same value as wasi-libc's AT_FDCWD */

/*
 * The process root directory is always open at DRYDOCK_ROOT_FD, a preopen
 * named "/" that no dup2, close or open can take. wasi-libc finds preopens by
 * scanning fds 3, 4, ... until the first EBADF, which breaks as soon as a
 * program puts its own file at fd 3 (`exec 3>file` in a shell). So programs
 * that import "drydock" get their root only here (libdrydock registers it with
 * wasi-libc at startup), and fd 3 stays an ordinary fd. Plain WASI programs
 * (no "drydock" imports) also get the root at fd 3 when fd 3 is free.
 */
#define DRYDOCK_ROOT_FD 1023

/* ---------------------------------------------------------------- processes */

/* File actions applied, in order, in the child of drydock_spawn. */
#define DRYDOCK_FA_OPEN 0  /* open `path` with `oflags`/`mode` and place it at `fd` */
#define DRYDOCK_FA_CLOSE 1 /* close `fd` */
#define DRYDOCK_FA_DUP2 2  /* dup2(`srcfd`, `fd`); clears close-on-exec on `fd` */
#define DRYDOCK_FA_CHDIR 3 /* change the child's working directory to `path` */
#define DRYDOCK_FA_FCHDIR 4 /* change the child's working directory to directory fd `srcfd` */

typedef struct drydock_fd_action {
  uint32_t op;      /* DRYDOCK_FA_* */
  int32_t fd;       /* the fd acted on */
  int32_t srcfd;    /* DUP2/FCHDIR source fd */
  int32_t oflags;   /* OPEN: wasi-libc O_* flags (O_RDONLY, O_WRONLY|O_CREAT|O_TRUNC, ...) */
  uint32_t mode;    /* OPEN: permission bits when creating */
  const char *path; /* OPEN/CHDIR: the path */
} drydock_fd_action; /* 24 bytes */

#define DRYDOCK_SPAWN_SETPGROUP 0x01  /* put the child in process group `pgroup` (0: its own) */
#define DRYDOCK_SPAWN_SETSID 0x02     /* the child starts a new session */
#define DRYDOCK_SPAWN_SETSIGMASK 0x04 /* the child's blocked-signal mask is `sigmask` */
#define DRYDOCK_SPAWN_SETSIGDEF 0x08  /* signals in `sigdefault` get the default disposition */
#define DRYDOCK_SPAWN_SETCWD 0x10     /* the child starts in `cwd` */

typedef struct drydock_spawn_attr {
  uint32_t flags;      /* DRYDOCK_SPAWN_* */
  int32_t pgroup;
  uint64_t sigmask;    /* bit (sig - 1) set = blocked */
  uint64_t sigdefault; /* bit (sig - 1) set = reset to default */
  const char *cwd;
  uint32_t reserved;   /* must be 0 */
} drydock_spawn_attr; /* 32 bytes */

/*
 * Start `path` (no PATH search; "#!" scripts run their interpreter) as a new
 * child process with `argv` and `envp` (NULL-terminated arrays). The child
 * inherits the caller's fds except those marked close-on-exec, then
 * `actions[0..nactions)` are applied. Errors the exec would report (ENOENT,
 * EACCES, ENOEXEC, E2BIG) are returned here and no child is left behind.
 * EAGAIN: the pids limit of the caller's container is reached.
 */
DRYDOCK_IMPORT("spawn")
int32_t __drydock_spawn(const char *path, const char *const *argv, const char *const *envp,
                        const drydock_spawn_attr *attr, const drydock_fd_action *actions,
                        uint32_t nactions, int32_t *pid_out);

/* Replace the calling process's program, keeping pid and fds (close-on-exec fds
 * are closed). Returns only on failure. */
DRYDOCK_IMPORT("execve")
int32_t __drydock_execve(const char *path, const char *const *argv, const char *const *envp);

#define DRYDOCK_WNOHANG 1
#define DRYDOCK_WUNTRACED 2

/* waitpid(pid, &status, options): pid > 0 that child, -1 any child, 0 any child
 * in the caller's process group, < -1 any child in group -pid. With WNOHANG and
 * nothing to reap, *pid_out = 0. Blocks otherwise (EINTR on a caught signal). */
DRYDOCK_IMPORT("waitpid")
int32_t __drydock_waitpid(int32_t pid, int32_t *status_out, int32_t options, int32_t *pid_out);

/* kill(pid, sig): pid > 0 a process, 0 the caller's process group, -1 every
 * process the caller may signal, < -1 process group -pid. sig 0 only checks. */
DRYDOCK_IMPORT("kill")
int32_t __drydock_kill(int32_t pid, int32_t sig);

/* These return their value directly (PIDs are as seen from the caller's PID namespace). */
DRYDOCK_IMPORT("getpid") int32_t __drydock_getpid(void);
DRYDOCK_IMPORT("getppid") int32_t __drydock_getppid(void);
DRYDOCK_IMPORT("getpgid") int32_t __drydock_getpgid(int32_t pid, int32_t *pgid_out);
DRYDOCK_IMPORT("setpgid") int32_t __drydock_setpgid(int32_t pid, int32_t pgid);
DRYDOCK_IMPORT("getsid") int32_t __drydock_getsid(int32_t pid, int32_t *sid_out);
DRYDOCK_IMPORT("setsid") int32_t __drydock_setsid(int32_t *sid_out);

/* The working directory the kernel started the process in (Docker's WorkingDir,
 * or the cwd given to spawn). libdrydock calls chdir() with it at startup. */
DRYDOCK_IMPORT("getcwd") int32_t __drydock_getcwd(char *buf, uint32_t len);
/* Tell the kernel the new working directory (used for /proc/PID/cwd and as the
 * default cwd of children). libdrydock's chdir wrapper calls it. */
DRYDOCK_IMPORT("chdir") int32_t __drydock_chdir(const char *path);

/* ---------------------------------------------------------------- signals */

#define DRYDOCK_SIG_DFL 0
#define DRYDOCK_SIG_IGN 1
#define DRYDOCK_SIG_CATCH 2

#define DRYDOCK_SA_RESTART 0x10000000 /* Linux's value; accepted, blocking calls still return EINTR */

/* Set the disposition of `sig`; the previous one is stored in *old_out (may be NULL).
 * SIGKILL and SIGSTOP cannot be changed (EINVAL). */
DRYDOCK_IMPORT("sigaction")
int32_t __drydock_sigaction(int32_t sig, int32_t disposition, int32_t flags, int32_t *old_out);

#define DRYDOCK_SIG_BLOCK 0
#define DRYDOCK_SIG_UNBLOCK 1
#define DRYDOCK_SIG_SETMASK 2

/* Change the blocked-signal mask (bit sig-1); the old mask is stored in *old_out (may be NULL). */
DRYDOCK_IMPORT("sigprocmask")
int32_t __drydock_sigprocmask(int32_t how, uint64_t set, uint64_t *old_out);

DRYDOCK_IMPORT("sigpending") int32_t __drydock_sigpending(uint64_t *set_out);

/* Replace the mask with `mask` and block until a caught signal is delivered; always EINTR. */
DRYDOCK_IMPORT("sigsuspend") int32_t __drydock_sigsuspend(uint64_t mask);

/* Block until a caught signal is delivered, keeping the mask; always EINTR (pause(2): one call, so a
 * signal that arrives before it is entered still ends it, unlike a mask query followed by sigsuspend). */
DRYDOCK_IMPORT("pause") int32_t __drydock_pause(void);

/* Schedule SIGALRM in `seconds` (0 cancels); the seconds left of the previous alarm go to *left_out. */
DRYDOCK_IMPORT("alarm") int32_t __drydock_alarm(uint32_t seconds, uint32_t *left_out);

/* ---------------------------------------------------------------- file descriptors */

#define DRYDOCK_O_CLOEXEC 0x80000000u /* pipe2/dup3 flag */
#define DRYDOCK_O_NONBLOCK 0x0004     /* the same value as wasi-libc's O_NONBLOCK */

DRYDOCK_IMPORT("pipe2") int32_t __drydock_pipe2(int32_t fds_out[2], uint32_t flags);
/* dup: the lowest free fd >= minfd (F_DUPFD semantics). */
DRYDOCK_IMPORT("dup") int32_t __drydock_dup(int32_t fd, int32_t minfd, uint32_t flags, int32_t *newfd_out);
/* dup3(oldfd, newfd, flags): newfd is closed first if open; oldfd == newfd is EINVAL. */
DRYDOCK_IMPORT("dup3") int32_t __drydock_dup3(int32_t oldfd, int32_t newfd, uint32_t flags);

#define DRYDOCK_FD_CLOEXEC 1
/* Read (set < 0) or set (set = 0 or 1) the close-on-exec flag of `fd`; the old value goes to *old_out. */
DRYDOCK_IMPORT("cloexec") int32_t __drydock_cloexec(int32_t fd, int32_t set, int32_t *old_out);

/* ---------------------------------------------------------------- files: what WASI's filestat lacks */

struct drydock_stat {
  uint64_t dev;
  uint64_t ino;
  uint32_t mode; /* S_IFMT type bits and permission bits, Linux values */
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint64_t rdev; /* (major << 8) | minor for device nodes */
  int64_t size;
  int32_t blksize;
  int32_t reserved;
  int64_t blocks; /* 512-byte blocks allocated */
  int64_t atime_ns;
  int64_t mtime_ns;
  int64_t ctime_ns;
}; /* 88 bytes */

#define DRYDOCK_AT_SYMLINK_NOFOLLOW 0x1 /* the same value as wasi-libc's AT_SYMLINK_NOFOLLOW */

DRYDOCK_IMPORT("fstatat")
int32_t __drydock_fstatat(int32_t dirfd, const char *path, int32_t flags, struct drydock_stat *out);
DRYDOCK_IMPORT("fstat") int32_t __drydock_fstat(int32_t fd, struct drydock_stat *out);

/* The filesystem holding a file, as Linux's struct statfs (every count a u64).
 * blocks/bfree/bavail are in bsize units (the fragment size equals bsize). An
 * overlay (a container's root) reports its writable layer: the
 * --storage-opt size= limit and what is used of it; a tmpfs its size= limit
 * (1 TiB without one); proc and sysfs 0 blocks. files is what the filesystem
 * reports (inodes in use for tmpfs and overlay), ffree is 0. */
struct drydock_statfs {
  uint64_t type; /* f_type: Linux magic (OVERLAYFS 0x794c7630, TMPFS 0x01021994, PROC 0x9fa0, ...), 0 unknown */
  uint64_t bsize;
  uint64_t blocks;
  uint64_t bfree;
  uint64_t bavail;
  uint64_t files;
  uint64_t ffree;
  uint64_t fsid; /* the filesystem's st_dev */
  uint64_t namemax;
  uint64_t flags; /* DRYDOCK_ST_RDONLY */
}; /* 80 bytes */

#define DRYDOCK_ST_RDONLY 1 /* the same value as Linux's ST_RDONLY */

/* statfs of the filesystem holding `path` (resolved from dirfd, symlinks followed). */
DRYDOCK_IMPORT("statfs")
int32_t __drydock_statfs(int32_t dirfd, const char *path, struct drydock_statfs *out);
/* The same for an open fd; pipes, sockets and devices report 0 blocks. */
DRYDOCK_IMPORT("fstatfs") int32_t __drydock_fstatfs(int32_t fd, struct drydock_statfs *out);
DRYDOCK_IMPORT("fchmodat")
int32_t __drydock_fchmodat(int32_t dirfd, const char *path, uint32_t mode, int32_t flags);
DRYDOCK_IMPORT("fchmod") int32_t __drydock_fchmod(int32_t fd, uint32_t mode);
DRYDOCK_IMPORT("fchownat")
int32_t __drydock_fchownat(int32_t dirfd, const char *path, int32_t uid, int32_t gid, int32_t flags);
DRYDOCK_IMPORT("fchown") int32_t __drydock_fchown(int32_t fd, int32_t uid, int32_t gid);
/* mknodat: S_IFIFO creates a FIFO; S_IFCHR/S_IFBLK need uid 0. */
DRYDOCK_IMPORT("mknodat")
int32_t __drydock_mknodat(int32_t dirfd, const char *path, uint32_t mode, uint64_t dev);
DRYDOCK_IMPORT("umask") int32_t __drydock_umask(uint32_t mask, uint32_t *old_out);

/* ---------------------------------------------------------------- identity */

DRYDOCK_IMPORT("getuid") int32_t __drydock_getuid(void);
DRYDOCK_IMPORT("geteuid") int32_t __drydock_geteuid(void);
DRYDOCK_IMPORT("getgid") int32_t __drydock_getgid(void);
DRYDOCK_IMPORT("getegid") int32_t __drydock_getegid(void);
DRYDOCK_IMPORT("setuid") int32_t __drydock_setuid(int32_t uid);
DRYDOCK_IMPORT("setgid") int32_t __drydock_setgid(int32_t gid);

/* Supplementary groups (Linux getgroups(2)/setgroups(2)), kept sorted by gid as Linux keeps them
 * (the engine gives a container's process its user's groups from /etc/group and --group-add).
 * The list holds only the supplementary groups, not the gid unless it was set as one of them.
 * getgroups: *count_out gets the number of groups; with size 0 nothing else is written, a size
 * below the count is EINVAL, otherwise the list fills list[0..count). At most
 * DRYDOCK_NGROUPS_MAX groups (Linux allows 65536; Drydock's limit keeps the list within one
 * syscall message). setgroups: uid 0 only (EPERM), more than DRYDOCK_NGROUPS_MAX or a gid of
 * (gid_t)-1 is EINVAL; children inherit the list. */
#define DRYDOCK_NGROUPS_MAX 8192
DRYDOCK_IMPORT("getgroups") int32_t __drydock_getgroups(uint32_t size, uint32_t *list, uint32_t *count_out);
DRYDOCK_IMPORT("setgroups") int32_t __drydock_setgroups(uint32_t size, const uint32_t *list);

struct drydock_utsname {
  char sysname[65];
  char nodename[65]; /* the UTS namespace's hostname */
  char release[65];
  char version[65];
  char machine[65];
  char domainname[65];
}; /* 390 bytes, Linux's struct utsname */

DRYDOCK_IMPORT("uname") int32_t __drydock_uname(struct drydock_utsname *out);
DRYDOCK_IMPORT("sethostname") int32_t __drydock_sethostname(const char *name, uint32_t len);

/* ---------------------------------------------------------------- terminals */

struct drydock_termios {
  uint32_t c_iflag;
  uint32_t c_oflag;
  uint32_t c_cflag;
  uint32_t c_lflag;
  uint8_t c_line;
  uint8_t c_cc[32];
  uint8_t reserved[3];
  uint32_t c_ispeed;
  uint32_t c_ospeed;
}; /* 60 bytes, Linux's struct termios (flag and c_cc values are Linux's) */

struct drydock_winsize {
  uint16_t ws_row;
  uint16_t ws_col;
  uint16_t ws_xpixel;
  uint16_t ws_ypixel;
};

/* ENOTTY when fd is not a terminal. */
DRYDOCK_IMPORT("tcgetattr") int32_t __drydock_tcgetattr(int32_t fd, struct drydock_termios *out);
DRYDOCK_IMPORT("tcsetattr")
int32_t __drydock_tcsetattr(int32_t fd, int32_t optional_actions, const struct drydock_termios *in);
DRYDOCK_IMPORT("tcgetwinsize") int32_t __drydock_tcgetwinsize(int32_t fd, struct drydock_winsize *out);
DRYDOCK_IMPORT("tcsetwinsize") int32_t __drydock_tcsetwinsize(int32_t fd, const struct drydock_winsize *in);
DRYDOCK_IMPORT("tcgetpgrp") int32_t __drydock_tcgetpgrp(int32_t fd, int32_t *pgrp_out);
DRYDOCK_IMPORT("tcsetpgrp") int32_t __drydock_tcsetpgrp(int32_t fd, int32_t pgrp);

/* ---------------------------------------------------------------- sockets
 *
 * Sockets are fds: read/write (fd_read/fd_write), WASI's sock_recv, sock_send,
 * sock_shutdown and sock_accept, close, dup and poll_oneoff all work on them.
 * The calls below make, name and connect them. They follow POSIX (libdrydock's
 * socket.c is a thin layer); the kernel's network layer is src/net.
 *
 * Constants are the values of Drydock's <sys/socket.h> (which replaces
 * wasi-libc's internal socket header): wasi-libc's where it defines them
 *   AF_UNSPEC 0, AF_INET 1, AF_INET6 2, AF_UNIX 3 (not supported yet),
 *   SOCK_DGRAM 5, SOCK_STREAM 6, SOCK_NONBLOCK 0x4000, SOCK_CLOEXEC 0x2000,
 *   SOL_SOCKET 0x7fffffff, SHUT_RD 1, SHUT_WR 2, SHUT_RDWR 3,
 *   MSG_PEEK 1, MSG_WAITALL 2,
 * and Linux's for the rest: MSG_TRUNC 0x20, MSG_DONTWAIT 0x40, MSG_NOSIGNAL
 * 0x4000; SO_* (SO_REUSEADDR 2, SO_TYPE 3, SO_ERROR 4, SO_BROADCAST 6,
 * SO_SNDBUF 7, SO_RCVBUF 8, SO_KEEPALIVE 9, SO_LINGER 13, SO_REUSEPORT 15,
 * SO_RCVTIMEO 20, SO_SNDTIMEO 21, SO_ACCEPTCONN 30, SO_PROTOCOL 38,
 * SO_DOMAIN 39); IPPROTO_* (IP 0, ICMP 1, TCP 6, UDP 17, IPV6 41, ICMPV6 58);
 * TCP_NODELAY 1; IP_TTL 2; IPV6_V6ONLY 26.
 *
 * Addresses are struct sockaddr_in / sockaddr_in6 with Linux/musl's layout
 * (family u16 little-endian at 0, port big-endian at 2; IPv4 address at 4,
 * 16 bytes; IPv6 flowinfo at 4, address at 8, scope id at 24, 28 bytes).
 * Calls that return an address write at most *addrlen bytes and store the
 * full size in *addrlen, as POSIX says.
 *
 * Semantics (Linux's, see src/net/README.md):
 *  - socket: SOCK_STREAM (TCP), SOCK_DGRAM (UDP), and SOCK_DGRAM with
 *    IPPROTO_ICMP/ICMPV6: a ping socket (send an echo request, receive the
 *    reply without IP header; the echo id is the socket's port). SOCK_RAW is
 *    EPERM. `type` may carry SOCK_NONBLOCK and SOCK_CLOEXEC.
 *  - connect: blocking, or EINPROGRESS for a non-blocking stream socket (the
 *    socket becomes writable when done; SO_ERROR tells how it ended).
 *    ECONNREFUSED (nobody listens), ETIMEDOUT (an isolated network drops the
 *    connection attempt), EHOSTUNREACH (nobody has that address on the
 *    local network), ENETUNREACH (no route: `none` network, --internal).
 *  - listen: the accept queue holds backlog + 1 connections; later connects
 *    wait until accept makes room (they are never refused for it).
 *  - sendto/recvfrom on streams: blocking calls move everything (sendto) or
 *    what is there (recvfrom; MSG_WAITALL waits for all); EPIPE raises SIGPIPE
 *    unless MSG_NOSIGNAL. Close with unread data resets the peer (ECONNRESET).
 *  - datagrams keep their boundaries; a short buffer truncates (MSG_TRUNC in
 *    flags makes *received_out the full length).
 */

#define DRYDOCK_SOCKADDR_MAX 28

DRYDOCK_IMPORT("socket")
int32_t __drydock_socket(int32_t domain, int32_t type, int32_t protocol, int32_t *fd_out);
DRYDOCK_IMPORT("bind") int32_t __drydock_bind(int32_t fd, const void *addr, uint32_t addrlen);
DRYDOCK_IMPORT("listen") int32_t __drydock_listen(int32_t fd, int32_t backlog);
/* accept4: the peer's address goes to (addr, *addrlen) when addr is not NULL; flags: SOCK_NONBLOCK, SOCK_CLOEXEC. */
DRYDOCK_IMPORT("accept4")
int32_t __drydock_accept4(int32_t fd, void *addr, uint32_t *addrlen, int32_t flags, int32_t *fd_out);
/* connect: an AF_UNSPEC address disconnects a datagram socket. */
DRYDOCK_IMPORT("connect") int32_t __drydock_connect(int32_t fd, const void *addr, uint32_t addrlen);
/* sendto: addr may be NULL (connected sockets); *sent_out gets the bytes sent. */
DRYDOCK_IMPORT("sendto")
int32_t __drydock_sendto(int32_t fd, const void *buf, uint32_t len, int32_t flags, const void *addr, uint32_t addrlen,
                         uint32_t *sent_out);
/* recvfrom: the sender goes to (addr, *addrlen) when addr is not NULL (*addrlen = 0 for streams). */
DRYDOCK_IMPORT("recvfrom")
int32_t __drydock_recvfrom(int32_t fd, void *buf, uint32_t len, int32_t flags, void *addr, uint32_t *addrlen,
                           uint32_t *received_out);
DRYDOCK_IMPORT("getsockname") int32_t __drydock_getsockname(int32_t fd, void *addr, uint32_t *addrlen);
/* getpeername: ENOTCONN when not connected. */
DRYDOCK_IMPORT("getpeername") int32_t __drydock_getpeername(int32_t fd, void *addr, uint32_t *addrlen);
/* setsockopt/getsockopt: values as POSIX has them (int, struct linger, struct timeval). ENOPROTOOPT for unknown options. */
DRYDOCK_IMPORT("setsockopt")
int32_t __drydock_setsockopt(int32_t fd, int32_t level, int32_t name, const void *value, uint32_t len);
DRYDOCK_IMPORT("getsockopt")
int32_t __drydock_getsockopt(int32_t fd, int32_t level, int32_t name, void *value, uint32_t *len);

/* One address found by __drydock_getaddrinfo. */
typedef struct drydock_addrinfo {
  int32_t family;   /* AF_INET or AF_INET6 */
  uint8_t addr[16]; /* the address in network byte order (4 bytes for AF_INET) */
} drydock_addrinfo; /* 20 bytes */

/*
 * Resolves a host name the way the process's resolver would: a numeric
 * address; /etc/hosts in the process's root; "localhost"; the embedded DNS
 * of the container's user-defined networks (container names, aliases); the
 * host's resolver when the namespace can reach outside. `family` is
 * AF_UNSPEC, AF_INET or AF_INET6 (IPv4 addresses first). Up to `max` results
 * go to `out`, their number to *count_out; the canonical name to `canon`
 * (NUL-terminated, truncated to canon_len). Errors: ENOENT no such name (for
 * that family), EAGAIN no resolver could be asked, EAFNOSUPPORT bad family.
 */
DRYDOCK_IMPORT("getaddrinfo")
int32_t __drydock_getaddrinfo(const char *name, int32_t family, int32_t flags, drydock_addrinfo *out, uint32_t max,
                              uint32_t *count_out, char *canon, uint32_t canon_len);
/* What __drydock_netinfo returns, as text (for ip, ifconfig, netstat, route):
 *   INTERFACES  one line per interface: "INDEX NAME FLAGS MTU MAC [ADDR/PREFIX ...]",
 *               FLAGS comma-separated as `ip link` prints them (LOOPBACK,UP,LOWER_UP)
 *   ROUTE, TCP, UDP, DEV, TCP6, UDP6: Linux's /proc/net/route, tcp, udp, dev, tcp6, udp6 */
#define DRYDOCK_NETINFO_INTERFACES 0
#define DRYDOCK_NETINFO_ROUTE 1
#define DRYDOCK_NETINFO_TCP 2
#define DRYDOCK_NETINFO_UDP 3
#define DRYDOCK_NETINFO_DEV 4
#define DRYDOCK_NETINFO_TCP6 5
#define DRYDOCK_NETINFO_UDP6 6
/* The text for `what` in the caller's network namespace, NUL-terminated; *needed_out gets its size
 * (with the NUL); ERANGE if `len` is too small. Long listings are cut at a line boundary (64 KiB). */
DRYDOCK_IMPORT("netinfo") int32_t __drydock_netinfo(int32_t what, char *buf, uint32_t len, uint32_t *needed_out);

/* The host name of an address (/etc/hosts, then the embedded DNS's PTR records); ENOENT if none, ERANGE if host_len is too small. */
DRYDOCK_IMPORT("getnameinfo")
int32_t __drydock_getnameinfo(const void *addr, uint32_t addrlen, char *host, uint32_t host_len);

#endif /* DRYDOCK_H */
