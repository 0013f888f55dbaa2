// CRC-32 of the model format (zlib's crc32): used by the loader and by the
// host-side writer, so it is a file of its own (no dependency on the ops).
#include "mote/rt.h"

extern "C" uint32_t mote_rt_crc32(const void* data, size_t len) {
  // Half-byte table: 64 bytes of constants, two lookups per byte.
  static const uint32_t kTable[16] = {
      0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
      0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; ++i) {
    crc ^= p[i];
    crc = (crc >> 4) ^ kTable[crc & 15u];
    crc = (crc >> 4) ^ kTable[crc & 15u];
  }
  return crc ^ 0xFFFFFFFFu;
}
