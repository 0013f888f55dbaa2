// Helpers for the data tests: files in a per-process temp dir.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mote {
namespace testing {

// A path in gtest's temp dir, unique to this process (other build dirs may run
// the same tests at the same time).
inline std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "mote_data_" + std::to_string(getpid()) + "_" + name;
}

inline void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  if (!bytes.empty()) {
    ASSERT_EQ(fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  }
  ASSERT_EQ(fclose(f), 0);
}

inline void WriteText(const std::string& path, const std::string& text) {
  WriteBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

inline void WriteGzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

inline std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::vector<uint8_t> out;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  uint8_t buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.insert(out.end(), buf, buf + n);
  fclose(f);
  return out;
}

// IDX header: 00 00 type rank, big-endian dims.
inline std::vector<uint8_t> IdxHeader(uint8_t type, const std::vector<uint32_t>& dims) {
  std::vector<uint8_t> h = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    h.push_back(static_cast<uint8_t>(d >> 24));
    h.push_back(static_cast<uint8_t>(d >> 16));
    h.push_back(static_cast<uint8_t>(d >> 8));
    h.push_back(static_cast<uint8_t>(d));
  }
  return h;
}

inline std::vector<uint8_t> IdxU8(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> f = IdxHeader(0x08, dims);
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

// Removes the files it was given when the test ends.
class TempFiles {
 public:
  ~TempFiles() {
    for (const std::string& p : paths_) std::remove(p.c_str());
  }
  std::string Add(const std::string& name) {
    paths_.push_back(TempPath(name));
    return paths_.back();
  }

 private:
  std::vector<std::string> paths_;
};

}  // namespace testing
}  // namespace mote
