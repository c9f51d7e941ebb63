/*
 * fileutils.c: the tree operations shared by cp, mv, rm, mkdir, chmod, chown,
 * du and find (libbb.h): walking a tree, copying, removing, mkdir -p. Their
 * messages and return values follow BusyBox's libbb.
 */
#include "libbb.h"

/* Reads a y/n answer from stdin: 1 for an answer starting with 'y' or 'Y'. */
int bb_ask_y_confirmation(void) {
  char buf[64];
  if (!fgets(buf, sizeof buf, stdin)) return 0;
  return buf[0] == 'y' || buf[0] == 'Y';
}

int recursive_action(const char *path, unsigned flags, bb_action fileAction, bb_action dirAction, void *user, int depth) {
  struct stat st;
  int follow = (flags & ACTION_FOLLOWLINKS) || (depth == 0 && (flags & ACTION_FOLLOWLINKS_L0));
  int r = follow ? stat(path, &st) : lstat(path, &st);
  if (r < 0) {
    bb_perror_msg("can't stat '%s'", path);
    return 0;
  }
  if (!S_ISDIR(st.st_mode) || !(flags & ACTION_RECURSE)) {
    if (S_ISDIR(st.st_mode) && dirAction) return dirAction(path, &st, user, depth) != 0;
    return fileAction ? fileAction(path, &st, user, depth) : 1;
  }
  int status = 1;
  if (!(flags & ACTION_DEPTHFIRST) && dirAction) {
    int dr = dirAction(path, &st, user, depth);
    if (dr == 0) return 0;
    if (dr == 2) return 1;
  }
  DIR *d = opendir(path);
  if (!d) {
    bb_perror_msg("can't open '%s'", path);
    return 0;
  }
  /* Collect names first: the actions may change the directory. */
  char **names = 0;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (is_dot_or_dotdot(e->d_name)) continue;
    if (n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
    names[n++] = xstrdup(e->d_name);
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) {
    char *child = concat_path_file(path, names[i]);
    if (!recursive_action(child, flags, fileAction, dirAction, user, depth + 1)) status = 0;
    free(child);
    free(names[i]);
  }
  free(names);
  if ((flags & ACTION_DEPTHFIRST) && dirAction) {
    if (!dirAction(path, &st, user, depth)) status = 0;
  }
  return status;
}

int remove_file(const char *path, int flags) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (errno != ENOENT) {
      bb_perror_msg("can't stat '%s'", path);
      return -1;
    }
    if (!(flags & FILEUTILS_FORCE)) {
      bb_perror_msg("can't remove '%s'", path);
      return -1;
    }
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!(flags & FILEUTILS_RECUR)) {
      bb_error_msg("'%s' is a directory", path);
      return -1;
    }
    if ((!(flags & FILEUTILS_FORCE) && access(path, W_OK) < 0 && isatty(0)) || (flags & FILEUTILS_INTERACTIVE)) {
      fprintf(stderr, "%s: descend into directory '%s'? ", applet_name, path);
      if (!bb_ask_y_confirmation()) return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
      bb_perror_msg("can't open '%s'", path);
      return -1;
    }
    char **names = 0;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (is_dot_or_dotdot(e->d_name)) continue;
      if (n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
      names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
      char *child = concat_path_file(path, names[i]);
      if (remove_file(child, flags) < 0) status = -1;
      free(child);
      free(names[i]);
    }
    free(names);
    if (flags & FILEUTILS_INTERACTIVE) {
      fprintf(stderr, "%s: remove directory '%s'? ", applet_name, path);
      if (!bb_ask_y_confirmation()) return status;
    }
    if (status == 0 && rmdir(path) < 0) {
      bb_perror_msg("can't remove '%s'", path);
      return -1;
    }
    if (status == 0 && (flags & FILEUTILS_VERBOSE)) printf("removed directory: '%s'\n", path);
    return status;
  }
  if ((!(flags & FILEUTILS_FORCE) && access(path, W_OK) < 0 && !S_ISLNK(st.st_mode) && isatty(0)) ||
      (flags & FILEUTILS_INTERACTIVE)) {
    fprintf(stderr, "%s: remove '%s'? ", applet_name, path);
    if (!bb_ask_y_confirmation()) return 0;
  }
  if (unlink(path) < 0) {
    bb_perror_msg("can't remove '%s'", path);
    return -1;
  }
  if (flags & FILEUTILS_VERBOSE) printf("removed '%s'\n", path);
  return 0;
}

int bb_make_directory(char *path, long mode, int flags) {
  if (strcmp(path, ".") == 0 || strcmp(path, "/") == 0) return 0;
  mode_t org_mask = umask(0);
  umask(org_mask);
  int parents = (flags & FILEUTILS_RECUR) != 0;
  char *s = path;
  const char *what = "create";
  for (;;) {
    char saved = 0;
    char *cut = 0;
    if (parents) {
      /* Up to and including the next run of slashes. */
      while (*s) {
        if (*s == '/') {
          do s++;
          while (*s == '/');
          saved = *s;
          cut = s;
          *s = 0;
          break;
        }
        s++;
      }
    }
    int intermediate = cut && saved;
    /* Intermediate directories get u+wx whatever the umask, so the rest can be created in them. */
    umask(intermediate ? (org_mask & ~(mode_t)0300) : org_mask);
    if (mkdir(path, 0777) < 0) {
      int err = errno;
      struct stat st;
      if ((err != EEXIST && err != EISDIR) || !parents || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        if (err == EEXIST && parents && stat(path, &st) < 0) err = errno;
        errno = err;
        umask(org_mask);
        bb_perror_msg("can't %s directory '%s'", what, path);
        if (cut) *cut = saved;
        return -1;
      }
      if (!intermediate) {
        umask(org_mask);
        if (cut) *cut = saved;
        return 0;
      }
    } else {
      if (flags & FILEUTILS_VERBOSE) printf("created directory: '%s'\n", path);
      if (!intermediate) {
        umask(org_mask);
        /* WASI's mkdir has no mode: the kernel used 0777 & ~umask. */
        if (mode != -1 && chmod(path, (mode_t)mode) < 0) {
          bb_perror_msg("can't set permissions of directory '%s'", path);
          if (cut) *cut = saved;
          return -1;
        }
        if (cut) *cut = saved;
        return 0;
      }
    }
    if (cut) *cut = saved;
    if (!intermediate) break;
  }
  umask(org_mask);
  return 0;
}

static void preserve_attributes(const char *dest, const struct stat *st, int is_link) {
  struct timespec times[2] = {st->st_atim, st->st_mtim};
  if (utimensat(AT_FDCWD, dest, times, is_link ? AT_SYMLINK_NOFOLLOW : 0) < 0 && !is_link) {
    bb_perror_msg("can't preserve times of '%s'", dest);
  }
  if ((is_link ? lchown(dest, st->st_uid, st->st_gid) : chown(dest, st->st_uid, st->st_gid)) < 0) {
    if (errno != EPERM) bb_perror_msg("can't preserve ownership of '%s'", dest);
  }
  if (!is_link && chmod(dest, st->st_mode & 07777) < 0) bb_perror_msg("can't preserve permissions of '%s'", dest);
}

static int ask_overwrite(const char *dest) {
  fprintf(stderr, "%s: overwrite '%s'? ", applet_name, dest);
  return bb_ask_y_confirmation();
}

int copy_file(const char *source, const char *dest, int flags) {
  struct stat src, dst;
  int deref = (flags & (FILEUTILS_DEREFERENCE | FILEUTILS_DEREFERENCE_L0)) != 0;
  int r = deref ? stat(source, &src) : lstat(source, &src);
  if (r < 0) {
    bb_perror_msg("can't stat '%s'", source);
    return -1;
  }
  int child_flags = flags & ~FILEUTILS_DEREFERENCE_L0;
  int dest_exists = lstat(dest, &dst) == 0;
  if (dest_exists && src.st_dev == dst.st_dev && src.st_ino == dst.st_ino) {
    bb_error_msg("'%s' and '%s' are the same file", source, dest);
    return -1;
  }
  mode_t um = umask(0);
  umask(um);

  if (S_ISDIR(src.st_mode)) {
    if (!(flags & FILEUTILS_RECUR)) {
      bb_error_msg("omitting directory '%s'", source);
      return -1;
    }
    if (dest_exists) {
      if (!S_ISDIR(dst.st_mode)) {
        bb_error_msg("target '%s' is not a directory", dest);
        return -1;
      }
    } else {
      if (mkdir(dest, 0777) < 0) {
        bb_perror_msg("can't create directory '%s'", dest);
        return -1;
      }
      /* Writable while it is being filled; the final mode is set below. */
      chmod(dest, (src.st_mode & 07777 & ~um) | S_IRWXU);
    }
    DIR *d = opendir(source);
    if (!d) {
      bb_perror_msg("can't open '%s'", source);
      return -1;
    }
    int status = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (is_dot_or_dotdot(e->d_name)) continue;
      char *s = concat_path_file(source, e->d_name);
      char *t = concat_path_file(dest, e->d_name);
      if (copy_file(s, t, child_flags) < 0) status = -1;
      free(s);
      free(t);
    }
    closedir(d);
    if (!dest_exists && !(flags & FILEUTILS_PRESERVE_STATUS) && chmod(dest, src.st_mode & 07777 & ~um) < 0) {
      bb_perror_msg("can't preserve permissions of '%s'", dest);
      status = -1;
    }
    if (flags & FILEUTILS_PRESERVE_STATUS) preserve_attributes(dest, &src, 0);
    return status;
  }

  if (dest_exists && S_ISDIR(dst.st_mode)) {
    bb_error_msg("'%s' is a directory", dest);
    return -1;
  }
  if (dest_exists) {
    if (flags & FILEUTILS_NO_CLOBBER) return 0;
    if ((flags & FILEUTILS_INTERACTIVE) && !ask_overwrite(dest)) return 0;
    if ((flags & FILEUTILS_UPDATE) && dst.st_mtime >= src.st_mtime) return 0;
  }

  if (flags & (FILEUTILS_MAKE_SOFTLINK | FILEUTILS_MAKE_HARDLINK)) {
    if (dest_exists && unlink(dest) < 0) {
      bb_perror_msg("can't remove '%s'", dest);
      return -1;
    }
    if (flags & FILEUTILS_MAKE_SOFTLINK) {
      if (symlink(source, dest) < 0) {
        bb_perror_msg("can't create symlink '%s' to '%s'", dest, source);
        return -1;
      }
    } else if (link(source, dest) < 0) {
      bb_perror_msg("can't create link '%s' to '%s'", dest, source);
      return -1;
    }
    return 0;
  }

  if (S_ISREG(src.st_mode) || (deref && !S_ISLNK(src.st_mode) && !(flags & FILEUTILS_RECUR) && !S_ISDIR(src.st_mode))) {
    int in = open(source, O_RDONLY);
    if (in < 0) {
      bb_perror_msg("can't open '%s'", source);
      return -1;
    }
    int out;
    int created = 0;
    if (dest_exists && S_ISLNK(dst.st_mode)) {
      /* Do not write through a symlink at the destination: replace it. */
      unlink(dest);
      dest_exists = 0;
    }
    if (dest_exists) {
      out = open(dest, O_WRONLY | O_TRUNC);
      if (out < 0 && (flags & FILEUTILS_FORCE)) {
        if (unlink(dest) < 0) {
          bb_perror_msg("can't remove '%s'", dest);
          close(in);
          return -1;
        }
        out = open(dest, O_WRONLY | O_CREAT | O_EXCL, 0666);
        created = 1;
      }
    } else {
      out = open(dest, O_WRONLY | O_CREAT | O_EXCL, 0666);
      created = 1;
    }
    if (out < 0) {
      bb_perror_msg("can't create '%s'", dest);
      close(in);
      return -1;
    }
    int status = 0;
    if (bb_copyfd_size(in, out, -1) < 0) status = -1;
    close(in);
    if (close(out) < 0) {
      bb_perror_msg("error writing to '%s'", dest);
      status = -1;
    }
    /* WASI's open has no mode: give the new file the source's mode, as open(2) would. */
    if (created && !(flags & FILEUTILS_PRESERVE_STATUS)) chmod(dest, src.st_mode & 0777 & ~um);
    if (flags & FILEUTILS_PRESERVE_STATUS) preserve_attributes(dest, &src, 0);
    if (flags & FILEUTILS_VERBOSE) printf("'%s' -> '%s'\n", source, dest);
    return status;
  }

  if (dest_exists && unlink(dest) < 0) {
    bb_perror_msg("can't remove '%s'", dest);
    return -1;
  }
  if (S_ISLNK(src.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlink(source, target, sizeof target - 1);
    if (n < 0) {
      bb_perror_msg("can't read link '%s'", source);
      return -1;
    }
    target[n] = 0;
    if (symlink(target, dest) < 0) {
      bb_perror_msg("can't create symlink '%s'", dest);
      return -1;
    }
    if (flags & FILEUTILS_PRESERVE_STATUS) preserve_attributes(dest, &src, 1);
    if (flags & FILEUTILS_VERBOSE) printf("'%s' -> '%s'\n", source, dest);
    return 0;
  }
  /* FIFOs, devices, sockets. */
  if (mknod(dest, src.st_mode, src.st_rdev) < 0) {
    bb_perror_msg("can't create '%s'", dest);
    return -1;
  }
  if (flags & FILEUTILS_PRESERVE_STATUS) preserve_attributes(dest, &src, 0);
  if (flags & FILEUTILS_VERBOSE) printf("'%s' -> '%s'\n", source, dest);
  return 0;
}
