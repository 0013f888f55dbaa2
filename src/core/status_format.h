// Status with a formatted message (hosted builds only: src/meson.build adds
// status_format.cc outside runtime_only). Status holds a pointer to static
// text; the formatted text lives in a per-thread ring of buffers, so a message
// stays valid until kStatusFormatSlots more formatted messages are made on
// the same thread (enough for one to quote another, as Fit's do).
#pragma once
#include <stddef.h>

#include "mote/status.h"

namespace mote {

inline constexpr size_t kStatusFormatSlots = 8;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
Status FormattedStatus(StatusCode code, const char* format, ...);

}  // namespace mote
