#include "src/train/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstdio>
#include <random>

namespace mote {
namespace file_io {
namespace {

// A new file "<path>.tmp-<random>" beside `path`, created exclusively
// (O_CREAT | O_EXCL: never an existing file, never through a symlink
// someone placed there), mode 0666 minus the umask as a plain fopen would.
// Returns the descriptor (-1 on failure) and the name.
int CreateUniqueTemporary(const std::string& path, std::string* name) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%08x%08x", unsigned(random()), unsigned(random()));
    *name = path + suffix;
    const int fd = open(name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

bool WriteAll(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

bool SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = fsync(fd) == 0;
  return close(fd) == 0 && synced;
}

}  // namespace

Status ReadFile(const std::string& path, std::vector<uint8_t>* bytes) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError("cannot open the file");
  bytes->clear();
  uint8_t buffer[1 << 16];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, f)) > 0) bytes->insert(bytes->end(), buffer, buffer + got);
  const bool read_error = ferror(f) != 0;
  fclose(f);
  if (read_error) return IoError("reading the file failed");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, const uint8_t* bytes, size_t size) {
  std::string tmp;
  const int fd = CreateUniqueTemporary(path, &tmp);
  if (fd < 0) return IoError("cannot create the temporary file");
  const bool written = WriteAll(fd, bytes, size);
  const bool synced = fsync(fd) == 0;
  const bool closed = close(fd) == 0;
  if (!written || !synced || !closed) {
    unlink(tmp.c_str());
    return IoError("writing the temporary file failed");
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return IoError("cannot rename the temporary file over the destination");
  }
  // The rename itself is durable only once the directory is synced.
  if (!SyncDirectoryOf(path)) return IoError("cannot sync the destination's directory");
  return Status::Ok();
}

}  // namespace file_io
}  // namespace mote
