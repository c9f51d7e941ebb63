/*
 * The fork replacement. A child shell is started as
 *     sh --drydock-subshell FD
 * and reads from FD (an inherited pipe) the parent's state followed by the
 * command to run, then runs it and exits, as busybox ash does on NOMMU
 * systems. The state is a sequence of records "<tag><length>:<bytes>":
 *   V  variable: <flags digit><name>[=<value>]
 *   F  every function, as source text
 *   0  $0          P  one positional parameter (in order)
 *   O  options, one '0'/'1' per option      S  $?
 *   $  $$          !  $!                    L  line number
 *   N  "<funcnest> <loopnest>"              T  trap: "<sig>:<action>"
 *   M  "<message arg0>\n<command name>"      C  the command (source text)
 *   I  run as a background job (SIGINT/SIGQUIT ignored, stdin /dev/null)
 *   H  data to write to stdout, then exit (feeds a large heredoc)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

extern int g_lineno;

static void record(sbuf_t *out, char tag, const char *data, size_t len) {
  sb_printf(out, "%c%zu:", tag, len);
  sb_addn(out, data, len);
}

static void record_s(sbuf_t *out, char tag, const char *s) { record(out, tag, s, strlen(s)); }

static void put_var(var_t *v, void *ctx) {
  sbuf_t *out = ctx;
  sbuf_t r = {0};
  sb_addc(&r, (char)('0' + (v->flags & 7)));
  sb_adds(&r, v->name);
  if (!(v->flags & V_UNSET)) {
    sb_addc(&r, '=');
    sb_adds(&r, v->value);
  }
  record(out, 'V', r.s, r.len);
  sb_free(&r);
}

void state_serialize(sbuf_t *out, const char *command) {
  char buf[64];
  vars_each_sorted(put_var, out);
  if (g_funcs) {
    sbuf_t f = {0};
    for (func_t *fn = g_funcs; fn; fn = fn->next) {
      node_t n = {0};
      n.type = N_FUNC;
      n.u.func.name = fn->name;
      n.u.func.body = fn->body;
      unparse(&f, &n);
    }
    record(out, 'F', f.s, f.len);
    sb_free(&f);
  }
  record_s(out, '0', g_arg0 ? g_arg0 : "sh");
  for (int i = 0; i < g_params.n; i++) record_s(out, 'P', g_params.v[i]);
  char opts[OPT_COUNT + 1];
  for (int i = 0; i < OPT_COUNT; i++) opts[i] = g_opt[i] ? '1' : '0';
  opts[OPT_COUNT] = 0;
  record_s(out, 'O', opts);
  snprintf(buf, sizeof buf, "%d", g_status);
  record_s(out, 'S', buf);
  snprintf(buf, sizeof buf, "%d", (int)g_rootpid);
  record_s(out, '$', buf);
  snprintf(buf, sizeof buf, "%d", (int)g_lastbg);
  record_s(out, '!', buf);
  snprintf(buf, sizeof buf, "%d", g_lineno);
  record_s(out, 'L', buf);
  snprintf(buf, sizeof buf, "%d %d", g_funcnest, g_loopnest);
  record_s(out, 'N', buf);
  for (int sig = 0; sig < MAXSIG; sig++) {
    if (!g_trap[sig]) continue;
    sbuf_t t = {0};
    sb_printf(&t, "%d:%s", sig, g_trap[sig]);
    record(out, 'T', t.s, t.len);
    sb_free(&t);
  }
  sbuf_t m = {0};
  sb_printf(&m, "%s\n%s", g_arg0_msg ? g_arg0_msg : "sh", g_cmdname ? g_cmdname : "");
  record(out, 'M', m.s, m.len);
  sb_free(&m);
  record_s(out, 'C', command);
}

int state_load_and_run(int fd) {
  sbuf_t in = {0};
  char buf[8192];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    sb_addn(&in, buf, (size_t)r);
  }
  close(fd);
  g_is_subshell = 1;
  const char *p = sb_str(&in), *end = p + in.len;
  const char *command = NULL;
  size_t command_len = 0;
  char *functions = NULL;
  int nparams = 0, pcap = 0;
  char **params = NULL;
  int background = 0;
  while (p < end) {
    char tag = *p++;
    char *colon;
    unsigned long len = strtoul(p, &colon, 10);
    if (*colon != ':' || colon + 1 + len > end) break;
    const char *data = colon + 1;
    p = data + len;
    char *s = xstrndup(data, len);
    switch (tag) {
      case 'V': {
        int flags = s[0] - '0';
        char *nm = s + 1;
        char *eq = strchr(nm, '=');
        if (eq) *eq = 0;
        var_t *v = var_lookup(nm);
        if (v) v->flags &= ~V_READONLY;
        var_set(nm, eq ? eq + 1 : NULL, 0);
        v = var_lookup(nm);
        if (v) v->flags = (v->flags & V_UNSET) | (flags & ~V_UNSET);
        if (v && !eq) v->flags |= V_UNSET;
        break;
      }
      case 'F':
        functions = s;
        s = NULL;
        break;
      case '0':
        free(g_arg0);
        g_arg0 = s;
        s = NULL;
        break;
      case 'P':
        if (nparams == pcap) {
          pcap = pcap ? pcap * 2 : 8;
          params = xrealloc(params, sizeof(char *) * (size_t)pcap);
        }
        params[nparams++] = s;
        s = NULL;
        break;
      case 'O':
        for (int i = 0; i < OPT_COUNT && s[i]; i++) g_opt[i] = s[i] == '1';
        g_opt[OPT_i] = 0;
        break;
      case 'S':
        g_status = atoi(s);
        break;
      case '$':
        g_rootpid = atoi(s);
        break;
      case '!':
        g_lastbg = atoi(s);
        break;
      case 'L':
        g_lineno = atoi(s);
        break;
      case 'N':
        sscanf(s, "%d %d", &g_funcnest, &g_loopnest);
        break;
      case 'T': {
        char *c = strchr(s, ':');
        if (c) {
          int sig = atoi(s);
          /* a subshell keeps ignored signals ignored; other traps are reset */
          if (sig > 0 && sig < MAXSIG && !c[1]) {
            g_trap[sig] = xstrdup("");
            setsignal(sig);
          }
          /* `trap` alone still lists the parent's traps (as in ash's $(trap)) */
          if (sig >= 0 && sig < MAXSIG) {
            g_parent_trap[sig] = xstrdup(c + 1);
            g_trap_inherited_listing = 1;
          }
        }
        break;
      }
      case 'M': {
        char *nl = strchr(s, '\n');
        if (nl) {
          *nl = 0;
          g_arg0_msg = xstrdup(s);
          g_cmdname = nl[1] ? xstrdup(nl + 1) : NULL;
        }
        break;
      }
      case 'I':
        background = 1;
        break;
      case 'H':
        xwrite_all(1, s, len);
        _exit(0);
      case 'C':
        command = s;
        command_len = len;
        s = NULL;
        break;
    }
    free(s);
  }
  sb_free(&in);
  params_set(nparams, params);
  for (int i = 0; i < nparams; i++) free(params[i]);
  free(params);
  if (background) {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    if (!g_opt[OPT_m]) {
      int dn = open("/dev/null", O_RDONLY);
      if (dn >= 0 && dn != 0) {
        dup2(dn, 0);
        close(dn);
      }
    }
  }
  if (functions) {
    int saved_lineno = g_lineno;
    int saved_status = g_status;
    eval_string(functions, 0);
    g_status = saved_status;
    g_lineno = saved_lineno;
    free(functions);
  }
  if (command) {
    (void)command_len;
    extern int g_lineno_fixed;
    g_lineno_fixed = 1;
    eval_string(command, EV_EXIT);
  }
  if (g_exc == EXC_EXIT) sh_exit(g_exitstatus_pending);
  sh_exit(g_status);
}
