// What the file-reader fuzz targets share: the input as a file (the readers
// take paths), and a trap that names the broken promise.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

namespace mote {
namespace fuzz {

inline void Check(bool ok, const char* what) {
  if (ok) return;
  fprintf(stderr, "fuzz: %s\n", what);
  __builtin_trap();
}

// The bytes in an anonymous in-memory file, readable at path().
class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("mote-fuzz", 0)) {
    Check(fd_ >= 0, "memfd_create failed");
    for (size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      Check(n > 0, "write to the memory file failed");
      done += size_t(n);
    }
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace fuzz
}  // namespace mote
