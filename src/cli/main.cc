// `mote` command-line tool.
#include <cstdio>
#include <cstring>

#include "mote/kernels.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "info") == 0) {
    std::printf("mote backend: %s (%s)\n", mote::BackendName(mote::ActiveBackend()),
                mote::BackendTarget(mote::ActiveBackend()));
    return 0;
  }
  std::fprintf(stderr, "usage: mote info\n");
  return 2;
}
