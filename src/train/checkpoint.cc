#include "mote/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "mote/math.h"

namespace mote {
namespace {

constexpr char kMagic[8] = {'M', 'O', 'T', 'E', 'C', 'K', 'P', 'T'};
constexpr uint32_t kVersion = 1;

// Little-endian byte writer / bounds-checked reader.
class Writer {
 public:
  void Bytes(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
  }
  void F32(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    U32(u);
  }
  void String(const std::string& s) {
    U32(uint32_t(s.size()));
    Bytes(s.data(), s.size());
  }
  void Floats(const float* p, size_t n) {
    for (size_t i = 0; i < n; ++i) F32(p[i]);
  }
  std::vector<uint8_t> out;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool U32(uint32_t* v) {
    if (n_ - pos_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v |= uint32_t(p_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    if (n_ - pos_ < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v |= uint64_t(p_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool F32(float* f) {
    uint32_t u;
    if (!U32(&u)) return false;
    std::memcpy(f, &u, 4);
    return true;
  }
  bool String(std::string* s) {
    uint32_t len;
    if (!U32(&len) || n_ - pos_ < len) return false;
    s->assign(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return true;
  }
  // Reads n floats into out (resized); false when the data is too short.
  bool Floats(size_t n, std::vector<float>* out) {
    if ((n_ - pos_) / 4 < n) return false;
    out->resize(n);
    for (size_t i = 0; i < n; ++i) F32(&(*out)[i]);
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  const uint8_t* p_;
  size_t n_, pos_ = 0;
};

uint32_t Crc32(const uint8_t* p, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = n > (1u << 30) ? (1u << 30) : uInt(n);
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}

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

Status SaveCheckpoint(Model& model, const std::string& path, uint64_t epoch) {
  if (!model.prepared()) return InvalidArgument("checkpoint: Prepare the model before saving it");
  if (!AllFinite(model.params(), model.param_buffer_floats()) || !AllFinite(model.state(), model.state_count()) ||
      !AllFinite(model.optimizer_state(), model.optimizer_state_count()))
    return InvalidArgument("checkpoint: a parameter or state value is NaN or infinite (training diverged); not saved");
  Writer header;
  header.U64(model.step());
  header.U64(epoch);
  const Rng::State rng = model.rng().Save();
  header.U64(rng.state);
  header.U64(rng.increment);
  header.F32(rng.cached_normal);
  header.U32(rng.has_cached_normal);
  header.String(model.optimizer() ? model.optimizer()->type() : "");
  header.U32(uint32_t(model.param_infos().size()));
  for (const ParamInfo& p : model.param_infos()) {
    header.String(p.name);
    header.U64(p.size);
  }
  header.U64(model.param_buffer_floats());
  header.U64(model.state_count());
  header.U64(model.optimizer_state_count());

  Writer file;
  file.Bytes(kMagic, sizeof kMagic);
  file.U32(kVersion);
  file.U32(uint32_t(header.out.size()));
  file.Bytes(header.out.data(), header.out.size());
  file.Floats(model.params(), model.param_buffer_floats());
  file.Floats(model.state(), model.state_count());
  file.Floats(model.optimizer_state(), model.optimizer_state_count());
  file.U32(Crc32(file.out.data(), file.out.size()));

  std::string tmp;
  const int fd = CreateUniqueTemporary(path, &tmp);
  if (fd < 0) return IoError("checkpoint: cannot create the temporary file");
  const bool written = WriteAll(fd, file.out.data(), file.out.size());
  const bool synced = fsync(fd) == 0;
  const bool closed = close(fd) == 0;
  if (!written || !synced || !closed) {
    unlink(tmp.c_str());
    return IoError("checkpoint: writing the temporary file failed");
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return IoError("checkpoint: cannot rename the temporary file over the checkpoint");
  }
  // The rename itself is durable only once the directory is synced.
  if (!SyncDirectoryOf(path)) return IoError("checkpoint: cannot sync the checkpoint's directory");
  return Status::Ok();
}

Status LoadCheckpoint(Model& model, const std::string& path, uint64_t* epoch) {
  if (!model.prepared()) return InvalidArgument("checkpoint: Prepare the model before loading into it");
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError("checkpoint: cannot open the file");
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, f)) > 0) bytes.insert(bytes.end(), buffer, buffer + got);
  const bool read_error = ferror(f) != 0;
  fclose(f);
  if (read_error) return IoError("checkpoint: reading the file failed");

  if (bytes.size() < sizeof kMagic + 12) return CorruptData("checkpoint: file too short (truncated?)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return CorruptData("checkpoint: not a mote checkpoint");
  Reader crc_reader(bytes.data() + bytes.size() - 4, 4);
  uint32_t stored_crc = 0;
  (void)crc_reader.U32(&stored_crc);
  if (Crc32(bytes.data(), bytes.size() - 4) != stored_crc)
    return CorruptData("checkpoint: CRC mismatch (truncated or damaged file)");

  Reader r(bytes.data() + sizeof kMagic, bytes.size() - sizeof kMagic - 4);
  uint32_t version = 0, header_bytes = 0;
  if (!r.U32(&version) || !r.U32(&header_bytes)) return CorruptData("checkpoint: truncated header");
  if (version != kVersion) return CorruptData("checkpoint: unsupported format version");
  uint64_t step = 0, saved_epoch = 0;
  Rng::State rng{};
  std::string optimizer;
  uint32_t tensors = 0;
  if (!r.U64(&step) || !r.U64(&saved_epoch) || !r.U64(&rng.state) || !r.U64(&rng.increment) ||
      !r.F32(&rng.cached_normal) || !r.U32(&rng.has_cached_normal) || !r.String(&optimizer) || !r.U32(&tensors))
    return CorruptData("checkpoint: truncated header");
  const char* const mismatch = "checkpoint: written by a model with another parameter layout or optimizer";
  if (tensors != model.param_infos().size()) return ShapeMismatch(mismatch);
  for (const ParamInfo& p : model.param_infos()) {
    std::string name;
    uint64_t size = 0;
    if (!r.String(&name) || !r.U64(&size)) return CorruptData("checkpoint: truncated header");
    if (name != p.name || size != p.size) return ShapeMismatch(mismatch);
  }
  uint64_t params = 0, states = 0, optimizer_floats = 0;
  if (!r.U64(&params) || !r.U64(&states) || !r.U64(&optimizer_floats))
    return CorruptData("checkpoint: truncated header");
  if (r.pos() != 8 + size_t(header_bytes)) return CorruptData("checkpoint: header size does not match its fields");
  if (params != model.param_buffer_floats() || states != model.state_count() ||
      optimizer_floats != model.optimizer_state_count() ||
      optimizer != (model.optimizer() ? model.optimizer()->type() : ""))
    return ShapeMismatch(mismatch);
  std::vector<float> param_values, state_values, optimizer_values;
  if (!r.Floats(params, &param_values) || !r.Floats(states, &state_values) ||
      !r.Floats(optimizer_floats, &optimizer_values))
    return CorruptData("checkpoint: truncated data");
  if (r.pos() != bytes.size() - sizeof kMagic - 4) return CorruptData("checkpoint: trailing bytes after the data");

  // Everything checked: now change the model.
  // An empty vector's data() may be null, which memcpy must not get even for 0 bytes.
  if (params) std::memcpy(model.params(), param_values.data(), params * sizeof(float));
  if (states) std::memcpy(model.state(), state_values.data(), states * sizeof(float));
  if (optimizer_floats) std::memcpy(model.optimizer_state(), optimizer_values.data(), optimizer_floats * sizeof(float));
  model.set_step(step);
  model.rng().Restore(rng);
  if (epoch) *epoch = saved_epoch;
  return Status::Ok();
}

}  // namespace mote
