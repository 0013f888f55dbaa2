// Builds .npy files byte by byte (as numpy/lib/format.py writes them) and
// .npz archives with libzip, for the NumPy reader tests.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#if MOTE_HAVE_LIBZIP
#include <zip.h>
#endif

namespace mote {
namespace testing {

// magic, version, header length, `header` padded with spaces to a multiple
// of 64 bytes and ending in '\n', then `data`.
inline std::vector<uint8_t> NpyBytes(const std::string& header, const std::vector<uint8_t>& data, int major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  const size_t prefix = 8 + length_bytes;
  std::string h = header;
  while ((prefix + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  for (size_t i = 0; i < length_bytes; ++i) out.push_back(uint8_t(h.size() >> (8 * i)));
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline std::string NpyHeader(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape +
         ", }";
}

template <class T>
std::vector<uint8_t> LittleEndianBytes(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());  // the test hosts are little-endian
  return out;
}

#if MOTE_HAVE_LIBZIP
struct ZipMember {
  std::string name;
  std::vector<uint8_t> bytes;
  bool deflate = false;
};

// Writes an archive of `members` at path with libzip.
inline void WriteZip(const std::string& path, const std::vector<ZipMember>& members) {
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(z, nullptr) << error;
  for (const ZipMember& m : members) {
    zip_source_t* src = zip_source_buffer(z, m.bytes.data(), m.bytes.size(), 0);
    ASSERT_NE(src, nullptr);
    const zip_int64_t index = zip_file_add(z, m.name.c_str(), src, ZIP_FL_OVERWRITE);
    ASSERT_GE(index, 0) << zip_strerror(z);
    ASSERT_EQ(zip_set_file_compression(z, zip_uint64_t(index), m.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0), 0);
  }
  ASSERT_EQ(zip_close(z), 0);  // the buffers must live until here: members are read at close
}
#endif

}  // namespace testing
}  // namespace mote
