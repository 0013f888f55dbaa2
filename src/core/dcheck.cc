// The handler behind MOTE_DCHECK (include/mote/dcheck.h).
#include "mote/dcheck.h"

#if MOTE_HOSTED
#include <stdio.h>
#include <stdlib.h>
#endif

namespace mote {
namespace {

void DefaultDCheckHandler(const char* file, int line, const char* condition) {
#if MOTE_HOSTED
  fprintf(stderr, "%s:%d: MOTE_DCHECK(%s) failed\n", file, line, condition);
  abort();
#else
  (void)file;
  (void)line;
  (void)condition;
  __builtin_trap();
#endif
}

// Constant-initialised: no static constructor.
DCheckHandler g_handler = nullptr;

}  // namespace

void SetDCheckHandler(DCheckHandler handler) { g_handler = handler; }

void DCheckFailed(const char* file, int line, const char* condition) {
  (g_handler != nullptr ? g_handler : DefaultDCheckHandler)(file, line, condition);
}

}  // namespace mote
