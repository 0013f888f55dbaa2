#include "src/core/status_format.h"

#include <cstdarg>
#include <cstdio>

namespace mote {

Status FormattedStatus(StatusCode code, const char* format, ...) {
  static thread_local char slots[kStatusFormatSlots][400];
  static thread_local size_t next = 0;
  char* message = slots[next];
  next = (next + 1) % kStatusFormatSlots;
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof slots[0], format, args);
  va_end(args);
  return Status(code, message);
}

}  // namespace mote
