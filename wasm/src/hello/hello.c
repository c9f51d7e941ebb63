/* hello: the program behind the hello-world image. */
#include <stdio.h>

int main(void) {
  fputs("\n"
        "Hello from Drydock!\n"
        "This message shows that your installation appears to be working correctly.\n"
        "\n"
        "To generate this message, Drydock took the following steps:\n"
        " 1. The Docker client contacted the Drydock engine.\n"
        " 2. The Drydock engine found the \"hello-world\" image among its preloaded images.\n"
        "    (Drydock runs WebAssembly programs; this one was compiled from C.)\n"
        " 3. The Drydock engine created a new container from that image which runs the\n"
        "    executable that produces the output you are currently reading.\n"
        " 4. The Drydock engine streamed that output to the Docker client, which sent it\n"
        "    to your terminal.\n"
        "\n"
        "To try something more ambitious, you can run a shell in a container with:\n"
        " $ docker run -it busybox sh\n"
        "\n"
        "Drydock runs containers in your browser tab or Node process, with no Docker host.\n"
        "\n",
        stdout);
  return 0;
}
