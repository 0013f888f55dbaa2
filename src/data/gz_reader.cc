#include "src/data/gz_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>

namespace mote {
namespace data_internal {

namespace {
gzFile AsGz(void* p) { return static_cast<gzFile>(p); }
}  // namespace

GzReader::~GzReader() {
  if (file_ != nullptr) gzclose(AsGz(file_));
}

Status GzReader::Open(const std::string& path) {
  if (file_ != nullptr) {
    gzclose(AsGz(file_));
    file_ = nullptr;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return IoError("file not found");
    return IoError("cannot open file");
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("cannot open file");
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return IoError("path is a directory, not a file");
  }
  file_bytes_ = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  gzFile f = gzdopen(fd, "rb");
  if (f == nullptr) {
    ::close(fd);
    return OutOfMemory("cannot allocate the zlib reader");
  }
  gzbuffer(f, 1u << 17);  // fewer read() calls on the 26 MB Fashion-MNIST file
  file_ = f;
  return Status::Ok();
}

Status GzReader::Read(void* buf, size_t n, size_t* got) {
  *got = 0;
  if (file_ == nullptr) return InvalidArgument("reader not open");
  uint8_t* p = static_cast<uint8_t*>(buf);
  while (n > 0) {
    // gzread takes an unsigned and returns an int.
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
    const int r = gzread(AsGz(file_), p, chunk);
    if (r < 0) {
      int errnum = Z_OK;
      gzerror(AsGz(file_), &errnum);
      if (errnum == Z_ERRNO) return IoError("read failed");
      if (errnum == Z_MEM_ERROR) return OutOfMemory("zlib out of memory");
      if (errnum == Z_BUF_ERROR) return CorruptData("gzip stream cut short");
      return CorruptData("gzip data corrupt");
    }
    if (r == 0) {
      // zlib reports a gzip stream that stops early only as a soft error (so a
      // growing file can be read on): gzread returns 0, gzerror says Z_BUF_ERROR.
      int errnum = Z_OK;
      gzerror(AsGz(file_), &errnum);
      if (errnum == Z_BUF_ERROR) return CorruptData("gzip stream cut short");
      break;
    }
    p += r;
    n -= static_cast<size_t>(r);
    *got += static_cast<size_t>(r);
  }
  return Status::Ok();
}

Status GzReader::ReadUpTo(size_t want, std::vector<uint8_t>* out, size_t* got) {
  *got = 0;
  out->clear();
  size_t have = 0;
  while (have < want) {
    if (out->size() == have) {
      // Double the buffer as data arrives, starting at 1 MiB.
      const size_t grow = std::max<size_t>(have, size_t{1} << 20);
      out->resize(have + std::min(want - have, grow));
    }
    size_t n = 0;
    MOTE_TRY(Read(out->data() + have, out->size() - have, &n));
    have += n;
    if (n == 0 || have < out->size()) break;  // end of data
  }
  out->resize(have);
  *got = have;
  return Status::Ok();
}

Status GzReader::ReadAll(std::vector<uint8_t>* out) {
  size_t got = 0;
  return ReadUpTo(SIZE_MAX, out, &got);
}

bool GzReader::direct() const { return file_ != nullptr && gzdirect(AsGz(file_)) != 0; }

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace data_internal
}  // namespace mote
