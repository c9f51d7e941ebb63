/*
 * Supplementary groups (getgroups/setgroups), driven by steps in argv, run in order:
 *   show            print "groups N: G1 G2 ..." (getgroups with a buffer of exactly N)
 *   count           print "count N" (getgroups(0, NULL))
 *   small           getgroups with a buffer one smaller than the count: "small: ERR"
 *   negative        getgroups(-1, buf): "negative: ERR"
 *   set:G,G,...     setgroups (empty after the colon: no groups): "set: ok" or "set: ERR"
 *   setuid:N        setuid(N): "setuid: ok" or "setuid: ERR"
 *   max             setgroups with DRYDOCK_NGROUPS_MAX + 1 groups, then with DRYDOCK_NGROUPS_MAX
 *                   (then "count"), then the list as it was
 *   badgid          setgroups with (gid_t)-1: "badgid: ERR"
 *   open:PATH       open(PATH, O_RDONLY): "open PATH: ok" or "open PATH: ERR"
 *   access:PATH     access(PATH, R_OK): "access PATH: ok" or "access PATH: ERR"
 *   status          the Groups: line of /proc/self/status, quoted
 *   child           spawn this program with "show" and wait for it
 * ERR is the errno's symbolic name (EPERM, EINVAL, EACCES, ...).
 */
#include <drydock.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    default: return strerror(e);
  }
}

static void result(const char *what, int rc) {
  printf("%s: %s\n", what, rc == 0 ? "ok" : errname(errno));
}

static void show(void) {
  int n = getgroups(0, 0);
  gid_t *list = malloc(sizeof(gid_t) * (size_t)(n + 1));
  int got = getgroups(n, list);
  if (got < 0) {
    printf("show: %s\n", errname(errno));
  } else {
    printf("groups %d:", got);
    for (int i = 0; i < got; i++) printf(" %u", list[i]);
    putchar('\n');
  }
  free(list);
}

static int set_list(const char *spec) {
  gid_t list[64];
  size_t n = 0;
  const char *p = spec;
  while (*p && n < 64) {
    char *end;
    unsigned long gid = strtoul(p, &end, 10);
    if (end == p) break;
    list[n++] = (gid_t)gid;
    p = *end == ',' ? end + 1 : end;
  }
  return setgroups(n, list);
}

static void status_line(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) {
    printf("status: %s\n", errname(errno));
    return;
  }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "Groups:", 7) == 0) {
      line[strcspn(line, "\n")] = 0;
      printf("status \"%s\"\n", line);
    }
  }
  fclose(f);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *step = argv[i];
    if (strcmp(step, "show") == 0) {
      show();
    } else if (strcmp(step, "count") == 0) {
      printf("count %d\n", getgroups(0, 0));
    } else if (strcmp(step, "small") == 0) {
      int n = getgroups(0, 0);
      gid_t list[1];
      errno = 0;
      int rc = getgroups(n - 1, list);
      printf("small: %s\n", rc < 0 ? errname(errno) : "no error");
    } else if (strcmp(step, "negative") == 0) {
      gid_t list[1];
      int rc = getgroups(-1, list);
      printf("negative: %s\n", rc < 0 ? errname(errno) : "no error");
    } else if (strncmp(step, "set:", 4) == 0) {
      result("set", set_list(step + 4));
    } else if (strncmp(step, "setuid:", 7) == 0) {
      result("setuid", setuid((uid_t)atoi(step + 7)));
    } else if (strcmp(step, "max") == 0) {
      int before = getgroups(0, 0);
      gid_t *saved = malloc(sizeof(gid_t) * (size_t)(before + 1));
      getgroups(before, saved);
      gid_t *many = malloc(sizeof(gid_t) * (DRYDOCK_NGROUPS_MAX + 1));
      for (int g = 0; g <= DRYDOCK_NGROUPS_MAX; g++) many[g] = (gid_t)(DRYDOCK_NGROUPS_MAX - g);
      result("max+1", setgroups(DRYDOCK_NGROUPS_MAX + 1, many));
      result("max", setgroups(DRYDOCK_NGROUPS_MAX, many));
      int n = getgroups(0, 0);
      gid_t *back = malloc(sizeof(gid_t) * (size_t)n);
      getgroups(n, back);
      int sorted = 1;
      for (int g = 1; g < n; g++) sorted &= back[g - 1] <= back[g];
      printf("count %d, sorted %s\n", n, sorted ? "yes" : "no");
      result("restore", setgroups((size_t)before, saved));
      free(back);
      free(many);
      free(saved);
    } else if (strcmp(step, "badgid") == 0) {
      gid_t list[2] = {5, (gid_t)-1};
      result("badgid", setgroups(2, list));
    } else if (strncmp(step, "open:", 5) == 0) {
      int fd = open(step + 5, O_RDONLY);
      printf("open %s: %s\n", step + 5, fd >= 0 ? "ok" : errname(errno));
      if (fd >= 0) close(fd);
    } else if (strncmp(step, "access:", 7) == 0) {
      int rc = access(step + 7, R_OK);
      printf("access %s: %s\n", step + 7, rc == 0 ? "ok" : errname(errno));
    } else if (strcmp(step, "status") == 0) {
      status_line();
    } else if (strcmp(step, "child") == 0) {
      char *av[] = {argv[0], "show", 0};
      pid_t pid;
      fflush(stdout);
      int err = posix_spawn(&pid, argv[0], 0, 0, av, environ);
      if (err) {
        printf("child: %s\n", errname(err));
        continue;
      }
      int st;
      waitpid(pid, &st, 0);
    } else {
      fprintf(stderr, "groups: unknown step %s\n", step);
      return 2;
    }
    fflush(stdout);
  }
  return 0;
}
