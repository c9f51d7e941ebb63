/*
 * Name resolution: for each argument, getaddrinfo (AF_INET, SOCK_STREAM) and
 * print "NAME -> ADDR ..." or "NAME: <gai_strerror>"; "-r ADDR" does a
 * reverse lookup with getnameinfo (NI_NAMEREQD); "-h NAME" uses gethostbyname.
 */
#include "net-common.h"

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      struct sockaddr_in a = {0};
      a.sin_family = AF_INET;
      inet_pton(AF_INET, argv[++i], &a.sin_addr);
      char host[256];
      int rc = getnameinfo((struct sockaddr *)&a, sizeof a, host, sizeof host, NULL, 0, NI_NAMEREQD);
      if (rc) printf("%s: %s\n", argv[i], gai_strerror(rc));
      else printf("%s <- %s\n", host, argv[i]);
      continue;
    }
    if (strcmp(argv[i], "-h") == 0 && i + 1 < argc) {
      struct hostent *h = gethostbyname(argv[++i]);
      if (!h) printf("%s: %s\n", argv[i], hstrerror(h_errno));
      else printf("%s => %s\n", h->h_name, inet_ntoa(*(struct in_addr *)h->h_addr_list[0]));
      continue;
    }
    struct addrinfo hints = {0}, *res;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_CANONNAME;
    int rc = getaddrinfo(argv[i], "80", &hints, &res);
    if (rc) {
      printf("%s: %s\n", argv[i], gai_strerror(rc));
      continue;
    }
    printf("%s ->", argv[i]);
    for (struct addrinfo *p = res; p; p = p->ai_next) {
      char buf[64];
      inet_ntop(AF_INET, &((struct sockaddr_in *)p->ai_addr)->sin_addr, buf, sizeof buf);
      printf(" %s", buf);
    }
    printf("\n");
    freeaddrinfo(res);
  }
  return 0;
}
