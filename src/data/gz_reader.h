// Internal: a byte reader over a raw or gzip file (zlib's gz* API reads both,
// telling them apart by the gzip magic 1f 8b). Not part of the public API.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/status.h"

namespace mote {
namespace data_internal {

class GzReader {
 public:
  GzReader() = default;
  ~GzReader();
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // kIoError "file not found" / "is a directory" / "cannot open file".
  Status Open(const std::string& path);
  // Reads up to n bytes into buf; *got < n only at the end of the data.
  // kCorruptData for a corrupt or cut-short gzip stream, kIoError for a failed read.
  Status Read(void* buf, size_t n, size_t* got);
  // Reads until `want` bytes are in *out (growing it as data arrives, so a
  // bogus `want` never allocates more than about twice the bytes present) or
  // the data ends; *got says how many arrived.
  Status ReadUpTo(size_t want, std::vector<uint8_t>* out, size_t* got);
  // Reads everything left.
  Status ReadAll(std::vector<uint8_t>* out);
  // True for an uncompressed file (valid after the first Read).
  bool direct() const;
  // Size in bytes of the file on disk (0 when not a regular file).
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  void* file_ = nullptr;  // gzFile
  uint64_t file_bytes_ = 0;
};

// True when a file (or directory) exists at path.
bool PathExists(const std::string& path);

}  // namespace data_internal
}  // namespace mote
