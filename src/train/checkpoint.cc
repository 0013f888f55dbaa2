#include "mote/checkpoint.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "mote/math.h"
#include "src/train/file_io.h"

namespace mote {
namespace {

constexpr char kMagic[8] = {'M', 'O', 'T', 'E', 'C', 'K', 'P', 'T'};
// 1: weights only; 2: + the model description (model file text).
constexpr uint32_t kVersion = 2;

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

// A file_io error as "checkpoint: <what>" (per-thread buffer: Status holds
// static text).
Status CheckpointError(const Status& s) {
  static thread_local char message[160];
  std::snprintf(message, sizeof message, "checkpoint: %s", s.message());
  return Status(s.code(), message);
}

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

}  // namespace

Status SaveCheckpoint(Model& model, const std::string& path, uint64_t epoch, const ModelDescription* description) {
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
  // The description: the caller's, else the model's own when it has a
  // model-file form (a model with a custom layer has none: stored empty).
  ModelDescription described;
  if (description == nullptr && DescribeModel(model, &described).ok()) description = &described;
  file.String(description != nullptr ? description->text() : std::string());
  file.U32(Crc32(file.out.data(), file.out.size()));

  const Status s = file_io::WriteFileAtomically(path, file.out.data(), file.out.size());
  return s.ok() ? s : CheckpointError(s);
}

namespace {

// A checkpoint file, read and checked on its own (magic, version, CRC,
// sizes), before any model sees it.
struct CheckpointFile {
  uint64_t step = 0, epoch = 0;
  Rng::State rng{};
  std::string optimizer;
  std::vector<std::pair<std::string, uint64_t>> tensors;
  std::vector<float> params, states, optimizer_state;
  uint32_t version = 0;
  std::string description;
};

Status ReadCheckpointFile(const std::string& path, CheckpointFile* c) {
  std::vector<uint8_t> bytes;
  const Status read = file_io::ReadFile(path, &bytes);
  if (!read.ok()) return CheckpointError(read);
  if (bytes.size() < sizeof kMagic + 12) return CorruptData("checkpoint: file too short (truncated?)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return CorruptData("checkpoint: not a mote checkpoint");
  Reader crc_reader(bytes.data() + bytes.size() - 4, 4);
  uint32_t stored_crc = 0;
  (void)crc_reader.U32(&stored_crc);
  if (Crc32(bytes.data(), bytes.size() - 4) != stored_crc)
    return CorruptData("checkpoint: CRC mismatch (truncated or damaged file)");

  Reader r(bytes.data() + sizeof kMagic, bytes.size() - sizeof kMagic - 4);
  uint32_t header_bytes = 0, tensors = 0;
  if (!r.U32(&c->version) || !r.U32(&header_bytes)) return CorruptData("checkpoint: truncated header");
  if (c->version != 1 && c->version != kVersion) return CorruptData("checkpoint: unsupported format version");
  if (!r.U64(&c->step) || !r.U64(&c->epoch) || !r.U64(&c->rng.state) || !r.U64(&c->rng.increment) ||
      !r.F32(&c->rng.cached_normal) || !r.U32(&c->rng.has_cached_normal) || !r.String(&c->optimizer) ||
      !r.U32(&tensors))
    return CorruptData("checkpoint: truncated header");
  for (uint32_t i = 0; i < tensors; ++i) {
    std::string name;
    uint64_t size = 0;
    if (!r.String(&name) || !r.U64(&size)) return CorruptData("checkpoint: truncated header");
    c->tensors.emplace_back(std::move(name), size);
  }
  uint64_t params = 0, states = 0, optimizer_floats = 0;
  if (!r.U64(&params) || !r.U64(&states) || !r.U64(&optimizer_floats))
    return CorruptData("checkpoint: truncated header");
  if (r.pos() != 8 + size_t(header_bytes)) return CorruptData("checkpoint: header size does not match its fields");
  if (!r.Floats(params, &c->params) || !r.Floats(states, &c->states) ||
      !r.Floats(optimizer_floats, &c->optimizer_state))
    return CorruptData("checkpoint: truncated data");
  if (c->version >= 2 && !r.String(&c->description)) return CorruptData("checkpoint: truncated model description");
  if (r.pos() != bytes.size() - sizeof kMagic - 4) return CorruptData("checkpoint: trailing bytes after the data");
  return Status::Ok();
}

// Checks `c` against the model's layout, then loads it.
Status ApplyCheckpoint(const CheckpointFile& c, Model& model) {
  const char* const mismatch = "checkpoint: written by a model with another parameter layout or optimizer";
  if (c.tensors.size() != model.param_infos().size()) return ShapeMismatch(mismatch);
  for (size_t i = 0; i < c.tensors.size(); ++i)
    if (c.tensors[i].first != model.param_infos()[i].name || c.tensors[i].second != model.param_infos()[i].size)
      return ShapeMismatch(mismatch);
  if (c.params.size() != model.param_buffer_floats() || c.states.size() != model.state_count() ||
      c.optimizer_state.size() != model.optimizer_state_count() ||
      c.optimizer != (model.optimizer() ? model.optimizer()->type() : ""))
    return ShapeMismatch(mismatch);
  // Everything checked: now change the model.
  // An empty vector's data() may be null, which memcpy must not get even for 0 bytes.
  if (!c.params.empty()) std::memcpy(model.mutable_params().data(), c.params.data(), c.params.size() * sizeof(float));
  if (!c.states.empty()) std::memcpy(model.mutable_state().data(), c.states.data(), c.states.size() * sizeof(float));
  if (!c.optimizer_state.empty())
    std::memcpy(model.optimizer_state(), c.optimizer_state.data(), c.optimizer_state.size() * sizeof(float));
  model.set_step(c.step);
  model.rng().Restore(c.rng);
  return Status::Ok();
}

}  // namespace

Status LoadCheckpoint(Model& model, const std::string& path, uint64_t* epoch) {
  if (!model.prepared()) return InvalidArgument("checkpoint: Prepare the model before loading into it");
  CheckpointFile c;
  MOTE_TRY(ReadCheckpointFile(path, &c));
  MOTE_TRY(ApplyCheckpoint(c, model));
  if (epoch) *epoch = c.epoch;
  return Status::Ok();
}

Status LoadCheckpointModel(const std::string& path, Model* model, ModelDescription* description, uint64_t* epoch) {
  if (model == nullptr || description == nullptr) return InvalidArgument("checkpoint: null model or description");
  if (model->node_count() != 0) return InvalidArgument("checkpoint: LoadCheckpointModel needs an empty model");
  CheckpointFile c;
  MOTE_TRY(ReadCheckpointFile(path, &c));
  if (c.description.empty())
    return InvalidArgument(
        "checkpoint: written by an older mote without a model description; rebuild the model and use "
        "LoadCheckpoint (or save the checkpoint again with a description)");
  ModelDescription d;
  MOTE_TRY(ParseModelDescription(c.description, path + ":description", &d));
  MOTE_TRY(BuildModel(d, model));
  MOTE_TRY(ApplyCheckpoint(c, *model));
  *description = std::move(d);
  if (epoch) *epoch = c.epoch;
  return Status::Ok();
}

}  // namespace mote
