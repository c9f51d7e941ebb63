/*
 * The busybox-style multicall binary: one program, many applets. The applet
 * is chosen by the name it was started as (argv[0]'s last component, so
 * /bin/ls -> busybox runs ls), or by the first argument of `busybox APPLET
 * ARGS`. `busybox --list` prints the applet names, `busybox --install [-s]
 * DIR` links them into DIR.
 */
#include "libbb.h"
#include "applets.h"

struct applet {
  const char *name;
  applet_main_fn main;
  const char *usage;
};

static const struct applet applets[] = {
#define APPLET(name, fn, usage) {name, fn, usage},
#include "applets.h"
#undef APPLET
};

static const struct applet *lookup(const char *name) {
  for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
    if (strcmp(applets[i].name, name) == 0) return &applets[i];
  }
  return 0;
}

applet_main_fn find_applet(const char *name) {
  const struct applet *a = lookup(name);
  return a ? a->main : 0;
}

static _Noreturn void show_usage(int status) {
  fflush(stdout);
  const struct applet *a = lookup(applet_name);
  strbuf sb = {0};
  sb_puts(&sb, BB_VERSION_BANNER "\n\nUsage: ");
  sb_puts(&sb, applet_name);
  if (a && a->usage[0]) {
    sb_putc(&sb, ' ');
    sb_puts(&sb, a->usage);
  }
  sb_putc(&sb, '\n');
  full_write(2, sb.data, sb.len);
  exit(status);
}

void bb_show_usage(void) { show_usage(xfunc_error_retval); }

static void print_list(int full) {
  for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
    if (full) fputs(strcmp(applets[i].name, "[") == 0 ? "usr/bin/" : "bin/", stdout);
    puts(applets[i].name);
  }
}

static int install_links(char **argv) {
  int symbolic = argv[0] && strcmp(argv[0], "-s") == 0;
  if (symbolic) argv++;
  const char *dir = argv[0] ? argv[0] : "/bin";
  const char *target = "/bin/busybox";
  int status = 0;
  for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
    char *path = concat_path_file(dir, applets[i].name);
    int r = symbolic ? symlink(target, path) : link(target, path);
    if (r < 0 && errno != EEXIST) {
      bb_perror_msg("%s", path);
      status = 1;
    }
    free(path);
  }
  return status;
}

/* "--help" shows the usage, except for applets that take it as an ordinary argument. */
static int wants_help(const char *name) {
  static const char *const no_help[] = {"echo", "printf", "test", "[", "true", "false"};
  for (size_t i = 0; i < ARRAY_SIZE(no_help); i++) {
    if (strcmp(name, no_help[i]) == 0) return 0;
  }
  return 1;
}

static int busybox_main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    printf(BB_VERSION_BANNER "\n"
           "Drydock's userland: a reimplementation of BusyBox's applets for the\n"
           "Drydock kernel (WebAssembly). It contains no BusyBox code.\n\n"
           "Usage: busybox [function [arguments]...]\n"
           "   or: busybox --list[-full]\n"
           "   or: busybox --install [-s] [DIR]\n"
           "   or: function [arguments]...\n\n"
           "Currently defined functions:\n");
    size_t col = 0;
    for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
      size_t len = strlen(applets[i].name) + 2;
      if (col + len > 78) {
        printf(",\n");
        col = 0;
      }
      printf("%s%s", col ? ", " : "\t", applets[i].name);
      col += len + (col ? 0 : 6);
    }
    printf("\n");
    return argc < 2 ? 0 : 0;
  }
  if (strcmp(argv[1], "--list") == 0) {
    print_list(0);
    return 0;
  }
  if (strcmp(argv[1], "--list-full") == 0) {
    print_list(1);
    return 0;
  }
  if (strcmp(argv[1], "--install") == 0) return install_links(argv + 2);
  const struct applet *a = lookup(argv[1]);
  if (!a) {
    fprintf(stderr, "%s: applet not found\n", argv[1]);
    return 127;
  }
  applet_name = a->name;
  if (argv[2] && strcmp(argv[2], "--help") == 0 && wants_help(a->name)) show_usage(0);
  return a->main(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  /* Full buffering unless stdout is a terminal: every write is a system call to the kernel. */
  static char outbuf[64 * 1024];
  setvbuf(stdout, outbuf, isatty(1) ? _IOLBF : _IOFBF, sizeof outbuf);
  /* And big reads from stdin (wasi-libc's default buffer is 1 KiB). */
  static char inbuf[64 * 1024];
  setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
  const char *name = argv[0] ? bb_get_last_path_component_nostrip(argv[0]) : "busybox";
  /* A login shell's "-sh" style name; and "busybox.wasm" when run by file name. */
  if (*name == '-') name++;
  if (strncmp(name, "busybox", 7) == 0) {
    applet_name = "busybox";
    fflush_stdout_and_exit(busybox_main(argc, argv));
  }
  const struct applet *a = lookup(name);
  if (!a) {
    fprintf(stderr, "%s: applet not found\n", name);
    return 127;
  }
  applet_name = a->name;
  if (argv[1] && strcmp(argv[1], "--help") == 0 && wants_help(a->name)) show_usage(0);
  fflush_stdout_and_exit(a->main(argc, argv));
}
