// libFuzzer target for the runtime loader: arbitrary bytes through
// mote_rt_arena_bytes, mote_rt_model_init and, when they are accepted,
// mote_rt_invoke. Built by test/runtime/build-fuzz.sh (clang, ASan, UBSan);
// not part of the meson build.
//
// The CRC field is recomputed before loading so that mutations reach the
// checks behind it (the CRC check itself has unit tests). Model and arena sit
// in exactly sized heap buffers, so ASan reports any read or write past the
// bytes the runtime was given. Besides sanitizer findings, the target traps
// when the loader contradicts itself: arena_bytes accepting what init refuses
// with the reported arena, or init accepting one byte less.
#include <stdint.h>
#include <string.h>

#include <new>

#include "mote/rt.h"

namespace {

// Larger planned arenas only exercise the ARENA_TOO_SMALL path (keeps each
// run fast).
constexpr size_t kMaxArena = 256 * 1024;

struct Aligned {
  explicit Aligned(size_t n) : p(static_cast<uint8_t*>(::operator new[](n ? n : 1, std::align_val_t(16)))) {}
  ~Aligned() { ::operator delete[](p, std::align_val_t(16)); }
  uint8_t* p;
};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Aligned model(size);
  if (size) memcpy(model.p, data, size);
  if (size >= sizeof(MoteModelHeader)) {
    uint32_t file_bytes;
    memcpy(&file_bytes, model.p + 12, 4);
    if (file_bytes >= 12 && file_bytes <= size) {
      const uint32_t crc = mote_rt_crc32(model.p + 12, file_bytes - 12);
      memcpy(model.p + 8, &crc, 4);
    }
  }
  size_t need = 0;
  const mote_rt_status checked = mote_rt_arena_bytes(model.p, size, &need);
  Check(checked < MOTE_RT_STATUS_END && checked != MOTE_RT_ARENA_TOO_SMALL);
  const size_t arena_len = checked == MOTE_RT_OK && need <= kMaxArena ? need : 64;
  Aligned arena(arena_len);
  mote_rt_model m;
  const mote_rt_status s = mote_rt_model_init(&m, model.p, size, arena.p, arena_len);
  if (checked != MOTE_RT_OK) {
    Check(s == checked);
    return 0;
  }
  if (arena_len < need) {
    Check(s == MOTE_RT_ARENA_TOO_SMALL);
    return 0;
  }
  Check(s == MOTE_RT_OK);
  if (need > 0) {
    mote_rt_model smaller;
    Check(mote_rt_model_init(&smaller, model.p, size, arena.p, need - 1) == MOTE_RT_ARENA_TOO_SMALL);
  }
  // Arena contents: ordinary numbers or, depending on the input, NaN bytes.
  memset(arena.p, size % 2 ? 0x41 : 0xFF, arena_len);
  Check(mote_rt_invoke(&m) == MOTE_RT_OK);
  mote_rt_tensor t;
  for (uint32_t i = 0; i < mote_rt_output_count(&m); ++i) {
    Check(mote_rt_output(&m, i, &t) == MOTE_RT_OK);
    Check(static_cast<uint8_t*>(t.data) >= arena.p && static_cast<uint8_t*>(t.data) + t.bytes <= arena.p + arena_len);
  }
  return 0;
}
