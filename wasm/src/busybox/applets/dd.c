/*
 * dd [if=F] [of=F] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N]
 *    [conv=notrunc,sync,noerror,fsync,fdatasync] [iflag=skip_bytes,count_bytes,fullblock]
 *    [oflag=seek_bytes,append] [status=none|noxfer]
 * Copies blocks and reports "N+M records in" / "N+M records out" on stderr.
 */
#include "../libbb.h"

int dd_main(int argc, char **argv) {
  const char *in = 0, *out = 0;
  unsigned long long ibs = 512, obs = 512, count = ULLONG_MAX, skip = 0, seek = 0;
  int notrunc = 0, sync_pad = 0, noerror = 0, fsync_out = 0, quiet = 0, skip_bytes = 0, count_bytes = 0, fullblock = 0,
      seek_bytes = 0, append = 0, bs_given = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    char *eq = strchr(a, '=');
    if (!eq) bb_show_usage();
    *eq = 0;
    const char *v = eq + 1;
    if (strcmp(a, "if") == 0) in = v;
    else if (strcmp(a, "of") == 0) out = v;
    else if (strcmp(a, "bs") == 0) ibs = obs = xatoull_sfx(v, dd_suffixes), bs_given = 1;
    else if (strcmp(a, "ibs") == 0) ibs = xatoull_sfx(v, dd_suffixes);
    else if (strcmp(a, "obs") == 0) obs = xatoull_sfx(v, dd_suffixes);
    else if (strcmp(a, "count") == 0) count = xatoull_sfx(v, dd_suffixes);
    else if (strcmp(a, "skip") == 0) skip = xatoull_sfx(v, dd_suffixes);
    else if (strcmp(a, "seek") == 0) seek = xatoull_sfx(v, dd_suffixes);
    else if (strcmp(a, "conv") == 0 || strcmp(a, "iflag") == 0 || strcmp(a, "oflag") == 0) {
      char *list = xstrdup(v);
      for (char *t = strtok(list, ","); t; t = strtok(0, ",")) {
        if (strcmp(t, "notrunc") == 0) notrunc = 1;
        else if (strcmp(t, "sync") == 0) sync_pad = 1;
        else if (strcmp(t, "noerror") == 0) noerror = 1;
        else if (strcmp(t, "fsync") == 0 || strcmp(t, "fdatasync") == 0) fsync_out = 1;
        else if (strcmp(t, "skip_bytes") == 0) skip_bytes = 1;
        else if (strcmp(t, "count_bytes") == 0) count_bytes = 1;
        else if (strcmp(t, "fullblock") == 0) fullblock = 1;
        else if (strcmp(t, "seek_bytes") == 0) seek_bytes = 1;
        else if (strcmp(t, "append") == 0) append = 1;
        else if (strcmp(t, "direct") == 0 || strcmp(t, "sync") == 0 || strcmp(t, "dsync") == 0) {
        } else bb_error_msg_and_die("invalid %s '%s'", a, t);
      }
      free(list);
    } else if (strcmp(a, "status") == 0) {
      if (strcmp(v, "none") == 0) quiet = 2;
      else if (strcmp(v, "noxfer") == 0) quiet = quiet > 1 ? quiet : 1;
      else if (strcmp(v, "progress") != 0) bb_error_msg_and_die("invalid status '%s'", v);
    } else {
      bb_error_msg("invalid operand '%s=%s'", a, v);
      bb_show_usage();
    }
  }
  if (ibs == 0 || obs == 0) bb_error_msg_and_die("invalid number '0'");
  int ifd = 0, ofd = 1;
  if (in && (ifd = open(in, O_RDONLY)) < 0) bb_perror_msg_and_die("can't open '%s'", in);
  if (out) {
    int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : 0);
    if (!notrunc && !seek && !append) flags |= O_TRUNC;
    ofd = open(out, flags, 0666);
    if (ofd < 0) bb_perror_msg_and_die("can't open '%s'", out);
  }
  char *buf = xmalloc((size_t)(ibs > obs ? ibs : obs) * 2);
  unsigned long long in_full = 0, in_part = 0, out_full = 0, out_part = 0;
  if (skip) {
    unsigned long long bytes = skip_bytes ? skip : skip * ibs;
    if (lseek(ifd, (off_t)bytes, SEEK_CUR) < 0) {
      while (bytes > 0) {
        ssize_t n = safe_read(ifd, buf, bytes < ibs ? (size_t)bytes : (size_t)ibs);
        if (n <= 0) break;
        bytes -= (unsigned long long)n;
      }
    }
  }
  if (seek) {
    unsigned long long bytes = seek_bytes ? seek : seek * obs;
    if (lseek(ofd, (off_t)bytes, SEEK_CUR) < 0) bb_perror_msg_and_die("seek error");
    if (out && !notrunc && ftruncate(ofd, (off_t)bytes) < 0) {
    }
  }
  size_t pending = 0; /* bytes collected for obs-sized writes */
  char *obuf = buf + ibs;
  unsigned long long total_in = 0;
  int status = 0;
  while (count_bytes ? total_in < count : in_full + in_part < count) {
    size_t want = (size_t)ibs;
    if (count_bytes && count - total_in < want) want = (size_t)(count - total_in);
    ssize_t n = fullblock ? full_read(ifd, buf, want) : safe_read(ifd, buf, want);
    if (n < 0) {
      bb_perror_msg("%s", in ? in : "standard input");
      if (!noerror) {
        status = 1;
        break;
      }
      n = 0;
      continue;
    }
    if (n == 0) break;
    total_in += (unsigned long long)n;
    if ((size_t)n == ibs) in_full++;
    else {
      in_part++;
      if (sync_pad) {
        memset(buf + n, 0, (size_t)ibs - (size_t)n);
        n = (ssize_t)ibs;
      }
    }
    if (bs_given) {
      if (full_write(ofd, buf, (size_t)n) != n) {
        bb_perror_msg("error writing '%s'", out ? out : "standard output");
        status = 1;
        break;
      }
      if ((size_t)n == obs) out_full++;
      else out_part++;
      continue;
    }
    for (ssize_t k = 0; k < n;) {
      size_t take = (size_t)obs - pending;
      if (take > (size_t)(n - k)) take = (size_t)(n - k);
      memcpy(obuf + pending, buf + k, take);
      pending += take;
      k += (ssize_t)take;
      if (pending == obs) {
        if (full_write(ofd, obuf, pending) != (ssize_t)pending) {
          bb_perror_msg("error writing '%s'", out ? out : "standard output");
          status = 1;
          break;
        }
        out_full++;
        pending = 0;
      }
    }
  }
  if (pending) {
    if (full_write(ofd, obuf, pending) != (ssize_t)pending) {
      bb_perror_msg("error writing '%s'", out ? out : "standard output");
      status = 1;
    } else {
      out_part++;
    }
  }
  if (fsync_out) fsync(ofd);
  if (ofd != 1) close(ofd);
  if (quiet < 2) {
    fprintf(stderr, "%llu+%llu records in\n%llu+%llu records out\n", in_full, in_part, out_full, out_part);
  }
  return status;
}
