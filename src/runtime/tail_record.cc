// The tail record (include/mote/rt.h, "tail record"): the trained tail's
// parameters behind a checked header, for a port to keep in flash and
// reload after a reset. Built on the public training API only, so the
// parameters pass write_trainable's finiteness check on the way back.
#include "mote/rt.h"

namespace {

void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}

uint32_t Get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

extern "C" {

uint32_t mote_rt_tail_record_bytes(const mote_rt_model* m) {
  const uint32_t params = mote_rt_trainable_bytes(m);
  return params == 0 ? 0u : MOTE_RT_TAIL_RECORD_HEADER_BYTES + params;
}

mote_rt_status mote_rt_save_tail_record(const mote_rt_model* m, void* out, size_t out_len) {
  if (out == nullptr) return MOTE_RT_BAD_ARGUMENT;
  const uint32_t params = mote_rt_trainable_bytes(m);
  if (params == 0) return m != nullptr && m->ready == MOTE_RT_MODEL_READY ? MOTE_RT_NOT_TRAINABLE : MOTE_RT_BAD_ARGUMENT;
  if (out_len < MOTE_RT_TAIL_RECORD_HEADER_BYTES + size_t(params)) return MOTE_RT_BAD_ARGUMENT;
  uint8_t* p = static_cast<uint8_t*>(out);
  uint8_t* data = p + MOTE_RT_TAIL_RECORD_HEADER_BYTES;
  const mote_rt_status s = mote_rt_read_trainable(m, data, params);
  if (s != MOTE_RT_OK) return s;
  Put32(p, MOTE_RT_TAIL_RECORD_MAGIC);
  Put32(p + 4, m->header->crc32);
  Put32(p + 8, params);
  Put32(p + 12, mote_rt_crc32(data, params));
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_load_tail_record(mote_rt_model* m, const void* in, size_t in_len) {
  if (in == nullptr) return MOTE_RT_BAD_ARGUMENT;
  const uint32_t params = mote_rt_trainable_bytes(m);
  if (params == 0) return m != nullptr && m->ready == MOTE_RT_MODEL_READY ? MOTE_RT_NOT_TRAINABLE : MOTE_RT_BAD_ARGUMENT;
  if (in_len < MOTE_RT_TAIL_RECORD_HEADER_BYTES) return MOTE_RT_TRUNCATED;
  const uint8_t* p = static_cast<const uint8_t*>(in);
  if (Get32(p) != MOTE_RT_TAIL_RECORD_MAGIC) return MOTE_RT_BAD_MAGIC;
  if (Get32(p + 4) != m->header->crc32 || Get32(p + 8) != params) return MOTE_RT_OTHER_MODEL;
  if (in_len - MOTE_RT_TAIL_RECORD_HEADER_BYTES < params) return MOTE_RT_TRUNCATED;
  const uint8_t* data = p + MOTE_RT_TAIL_RECORD_HEADER_BYTES;
  if (Get32(p + 12) != mote_rt_crc32(data, params)) return MOTE_RT_BAD_CHECKSUM;
  return mote_rt_write_trainable(m, data, params);
}

}  // extern "C"
