/*
 * COMMAND INFO and COMMAND DOCS replies, in Redis 7's RESP2 shapes.
 *
 * Argument syntax notation of command_table[].args (what redis-cli turns
 * back into its hints, "key value [NX|XX] ..."):
 *   word            an argument; "name:type" gives its type, otherwise key,
 *                   pattern, integer or string is guessed from the name
 *   WORD            a token; followed by an argument it is that argument's
 *                   token ("EX seconds"), else a pure-token
 *   [ ... ]         optional; ( ... ) a group; "|" separates alternatives
 *   ...             after an item: it may repeat
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

typedef struct anode {
  char name[64];
  char type[24];
  char token[32];
  int optional, multiple;
  struct anode *kids;
  int nkids;
} anode;

static const char *guess_type(const char *name) {
  static const char *integers[] = {"seconds", "milliseconds", "count", "start", "end", "stop", "index", "offset", "increment", "decrement", "protover", NULL};
  if (!strcmp(name, "key") || !strcmp(name, "newkey")) return "key";
  if (!strcmp(name, "timeout")) return "double";
  if (!strcmp(name, "pattern")) return "pattern";
  for (int i = 0; integers[i]; i++)
    if (!strcmp(name, integers[i])) return "integer";
  return "string";
}

static void add_kid(anode *parent, const anode *kid) {
  parent->kids = realloc(parent->kids, sizeof *parent->kids * (size_t)(parent->nkids + 1));
  parent->kids[parent->nkids++] = *kid;
}

static void free_node(anode *n) {
  for (int i = 0; i < n->nkids; i++) free_node(&n->kids[i]);
  free(n->kids);
}

static int is_upper_word(const char *w) {
  int letters = 0;
  for (; *w; w++) {
    if (islower((unsigned char)*w)) return 0;
    if (isupper((unsigned char)*w)) letters = 1;
  }
  return letters;
}

static void skip_blanks(const char **p) {
  while (**p == ' ') (*p)++;
}

static int take_ellipsis(const char **p) {
  if (strncmp(*p, "...", 3) == 0) {
    *p += 3;
    return 1;
  }
  return 0;
}

static void parse_seq(const char **p, anode *into);

/* A group "[...]" or "(...)": alternatives separated by '|'. */
static void parse_group(const char **p, anode *out, int optional) {
  char close = optional ? ']' : ')';
  (*p)++;
  anode alts = {0};
  for (;;) {
    anode seq = {0};
    parse_seq(p, &seq);
    anode alt = {0};
    if (seq.nkids == 1) {
      alt = seq.kids[0];
      free(seq.kids);
    } else {
      alt = seq;
      snprintf(alt.type, sizeof alt.type, "block");
      snprintf(alt.name, sizeof alt.name, "%s", seq.nkids ? seq.kids[0].name : "block");
    }
    add_kid(&alts, &alt);
    if (**p == '|') {
      (*p)++;
      continue;
    }
    if (**p == close) (*p)++;
    break;
  }
  if (alts.nkids == 1) {
    *out = alts.kids[0];
    free(alts.kids);
  } else {
    *out = alts;
    snprintf(out->type, sizeof out->type, "oneof");
    snprintf(out->name, sizeof out->name, "%s", alts.kids[0].name);
  }
  out->optional = optional;
  out->multiple = take_ellipsis(p);
}

static void parse_seq(const char **p, anode *into) {
  for (;;) {
    skip_blanks(p);
    char ch = **p;
    if (!ch || ch == ']' || ch == ')' || ch == '|') return;
    anode item = {0};
    if (ch == '[' || ch == '(') {
      parse_group(p, &item, ch == '[');
    } else {
      char word[96];
      size_t n = 0;
      while (**p && !strchr(" []()|", **p) && strncmp(*p, "...", 3) != 0 && n < sizeof word - 1) word[n++] = *(*p)++;
      word[n] = 0;
      item.multiple = take_ellipsis(p);
      char *colon = strchr(word, ':');
      if (colon) *colon = 0;
      if (is_upper_word(word)) {
        /* a token: it introduces the next argument, if one follows in this sequence */
        const char *q = *p;
        skip_blanks(&q);
        if (*q && !strchr("[]()|", *q) && !isupper((unsigned char)*q)) {
          anode arg = {0};
          *p = q;
          char aw[96];
          size_t m = 0;
          while (**p && !strchr(" []()|", **p) && strncmp(*p, "...", 3) != 0 && m < sizeof aw - 1) aw[m++] = *(*p)++;
          aw[m] = 0;
          arg.multiple = take_ellipsis(p);
          char *ac = strchr(aw, ':');
          if (ac) *ac = 0;
          snprintf(arg.name, sizeof arg.name, "%s", aw);
          snprintf(arg.type, sizeof arg.type, "%s", ac ? ac + 1 : guess_type(aw));
          snprintf(arg.token, sizeof arg.token, "%s", word);
          item = arg;
        } else {
          snprintf(item.token, sizeof item.token, "%s", word);
          for (size_t i = 0; word[i] && i < sizeof item.name - 1; i++) item.name[i] = (char)tolower((unsigned char)word[i]);
          snprintf(item.type, sizeof item.type, "pure-token");
        }
      } else {
        snprintf(item.name, sizeof item.name, "%s", word);
        snprintf(item.type, sizeof item.type, "%s", colon ? colon + 1 : guess_type(word));
      }
    }
    add_kid(into, &item);
  }
}

static void reply_arg(client *c, const anode *a) {
  int fields = 2 + (a->token[0] != 0) + (a->optional || a->multiple) + (a->nkids > 0);
  add_reply_array_len(c, fields * 2);
  add_reply_bulk_cstr(c, "name");
  add_reply_bulk_cstr(c, a->name);
  add_reply_bulk_cstr(c, "type");
  add_reply_bulk_cstr(c, a->type);
  if (a->token[0]) {
    add_reply_bulk_cstr(c, "token");
    add_reply_bulk_cstr(c, a->token);
  }
  if (a->optional || a->multiple) {
    add_reply_bulk_cstr(c, "flags");
    add_reply_array_len(c, a->optional + a->multiple);
    if (a->optional) add_reply_status(c, "optional");
    if (a->multiple) add_reply_status(c, "multiple");
  }
  if (a->nkids > 0) {
    add_reply_bulk_cstr(c, "arguments");
    add_reply_array_len(c, a->nkids);
    for (int i = 0; i < a->nkids; i++) reply_arg(c, &a->kids[i]);
  }
}

void reply_command_docs(client *c, const command *cmd) {
  anode root = {0};
  const char *p = cmd->args;
  parse_seq(&p, &root);
  add_reply_array_len(c, root.nkids ? 8 : 6);
  add_reply_bulk_cstr(c, "summary");
  add_reply_bulk_cstr(c, cmd->summary);
  add_reply_bulk_cstr(c, "since");
  add_reply_bulk_cstr(c, cmd->since);
  add_reply_bulk_cstr(c, "group");
  add_reply_bulk_cstr(c, cmd->group);
  if (root.nkids) {
    add_reply_bulk_cstr(c, "arguments");
    add_reply_array_len(c, root.nkids);
    for (int i = 0; i < root.nkids; i++) reply_arg(c, &root.kids[i]);
  }
  free_node(&root);
}

void reply_command_info(client *c, const command *cmd) {
  add_reply_array_len(c, 10);
  add_reply_bulk_cstr(c, cmd->name);
  add_reply_ll(c, cmd->arity);
  const char *flags[8];
  int n = 0;
  if (cmd->flags & CMD_WRITE) flags[n++] = "write";
  if (cmd->flags & CMD_READONLY) flags[n++] = "readonly";
  if (cmd->flags & CMD_ADMIN) flags[n++] = "admin";
  if (cmd->flags & CMD_NOAUTH) flags[n++] = "no_auth";
  if (cmd->flags & CMD_FAST) flags[n++] = "fast";
  add_reply_array_len(c, n);
  for (int i = 0; i < n; i++) add_reply_status(c, flags[i]);
  add_reply_ll(c, cmd->first_key);
  add_reply_ll(c, cmd->last_key);
  add_reply_ll(c, cmd->key_step);
  char cat[64];
  snprintf(cat, sizeof cat, "@%s", cmd->group);
  int ncat = 1 + ((cmd->flags & CMD_WRITE) || (cmd->flags & CMD_READONLY)) + 1;
  add_reply_array_len(c, ncat);
  if (cmd->flags & CMD_WRITE) add_reply_status(c, "@write");
  else if (cmd->flags & CMD_READONLY) add_reply_status(c, "@read");
  add_reply_status(c, cat);
  add_reply_status(c, cmd->flags & CMD_FAST ? "@fast" : "@slow");
  add_reply_array_len(c, 0); /* tips */
  add_reply_array_len(c, 0); /* key specs */
  add_reply_array_len(c, 0); /* subcommands */
}
