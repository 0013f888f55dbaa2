#include <stdio.h>
#include <string.h>

#include <cmath>
#include <utility>

#include "mote/data.h"
#include "mote/math.h"
#include "src/data/gz_reader.h"

namespace mote {

using data_internal::GzReader;

size_t IdxElementBytes(uint8_t type) {
  switch (type) {
    case 0x08: return 1;
    case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: return 4;
    case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
  }
}

size_t IdxArray::elements() const {
  size_t e = 1;
  for (size_t d : dims) e *= d;
  return e;
}

namespace {

uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Big-endian elements of `type` to host floats.
void Convert(IdxType type, const uint8_t* p, size_t n, float* out) {
  switch (type) {
    case IdxType::kU8:
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i]);
      break;
    case IdxType::kI8:
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<int8_t>(p[i]));
      break;
    case IdxType::kI16:
      for (size_t i = 0; i < n; ++i, p += 2)
        out[i] = static_cast<float>(static_cast<int16_t>(static_cast<uint16_t>((p[0] << 8) | p[1])));
      break;
    case IdxType::kI32:
      for (size_t i = 0; i < n; ++i, p += 4) out[i] = static_cast<float>(static_cast<int32_t>(LoadBe32(p)));
      break;
    case IdxType::kF32:
      for (size_t i = 0; i < n; ++i, p += 4) {
        const uint32_t bits = LoadBe32(p);
        memcpy(&out[i], &bits, 4);
      }
      break;
    case IdxType::kF64:
      for (size_t i = 0; i < n; ++i, p += 8) {
        const uint64_t bits = (uint64_t{LoadBe32(p)} << 32) | LoadBe32(p + 4);
        double d;
        memcpy(&d, &bits, 8);
        out[i] = static_cast<float>(d);
      }
      break;
  }
}

// Integer element i of a big-endian u8 / i8 / i16 / i32 array, exactly.
int64_t IntegerAt(IdxType type, const uint8_t* p, size_t i) {
  switch (type) {
    case IdxType::kU8: return p[i];
    case IdxType::kI8: return static_cast<int8_t>(p[i]);
    case IdxType::kI16: return static_cast<int16_t>(static_cast<uint16_t>((p[2 * i] << 8) | p[2 * i + 1]));
    case IdxType::kI32: return static_cast<int32_t>(LoadBe32(p + 4 * i));
    default: return -1;  // not an integer type (refused before)
  }
}

// `raw` (may be null) receives the big-endian data bytes of a non-u8 array
// (u8 data stays in out->u8).
Status ReadIdxImpl(const std::string& path, IdxArray* out, std::vector<uint8_t>* raw_out) {
  GzReader reader;
  MOTE_TRY(reader.Open(path));

  uint8_t magic[4];
  size_t got = 0;
  MOTE_TRY(reader.Read(magic, 4, &got));
  if (got == 0) return CorruptData("idx: empty file");
  if (got < 4) return CorruptData("idx: header cut short (magic)");
  if (magic[0] != 0 || magic[1] != 0) return CorruptData("idx: wrong magic (not an IDX file)");
  const size_t element_bytes = IdxElementBytes(magic[2]);
  if (element_bytes == 0) return Unsupported("idx: unsupported element type (not 08 09 0B 0C 0D 0E)");
  const size_t rank = magic[3];

  uint8_t dim_bytes[4 * 255];
  MOTE_TRY(reader.Read(dim_bytes, 4 * rank, &got));
  if (got < 4 * rank) return CorruptData("idx: header cut short (dims)");
  out->type = static_cast<IdxType>(magic[2]);
  out->dims.resize(rank);
  size_t elements = 1;
  for (size_t i = 0; i < rank; ++i) {
    const size_t d = LoadBe32(dim_bytes + 4 * i);
    out->dims[i] = d;
    if (d != 0 && elements > SIZE_MAX / d) return OutOfRange("idx: dims overflow size_t");
    elements *= d;
  }
  if (elements > SIZE_MAX / element_bytes) return OutOfRange("idx: data size overflows size_t");
  const size_t data_bytes = elements * element_bytes;

  // An uncompressed file tells its size up front: check it before allocating.
  const uint64_t header_bytes = 4 + 4 * rank;
  if (reader.direct() && reader.file_bytes() >= header_bytes) {
    const uint64_t rest = reader.file_bytes() - header_bytes;
    if (rest < data_bytes) return CorruptData("idx: data cut short");
  }

  std::vector<uint8_t> raw;
  std::vector<uint8_t>* dst = out->type == IdxType::kU8 ? &out->u8 : &raw;
  MOTE_TRY(reader.ReadUpTo(data_bytes, dst, &got));
  if (got < data_bytes) return CorruptData("idx: data cut short");
  uint8_t extra;
  MOTE_TRY(reader.Read(&extra, 1, &got));
  if (got != 0) return CorruptData("idx: trailing bytes after the data");

  if (out->type != IdxType::kU8) {
    out->values.resize(elements);
    Convert(out->type, raw.data(), elements, out->values.data());
    if (raw_out != nullptr) *raw_out = std::move(raw);
  }
  return Status::Ok();
}

Status ReadIdxKeepingBytes(const std::string& path, IdxArray* out, std::vector<uint8_t>* raw) {
  *out = IdxArray();
  const Status s = ReadIdxImpl(path, out, raw);
  if (!s.ok()) *out = IdxArray();
  return s;
}

}  // namespace

Status ReadIdx(const std::string& path, IdxArray* out) {
  if (out == nullptr) return InvalidArgument("idx: null output");
  return ReadIdxKeepingBytes(path, out, nullptr);
}

namespace {

// Status holds static text only: the message naming the item lives in a
// per-thread buffer until the next such error.
Status NonFiniteItem(size_t item) {
  static thread_local char message[160];
  snprintf(message, sizeof message,
           "idx dataset: item %zu (0-based) has a NaN or infinite value (or an f64 beyond the float range)", item);
  return CorruptData(message);
}

Status LoadIdxDatasetImpl(const std::string& images_path, const std::string& labels_path, Dataset* out,
                          float scale) {
  IdxArray images;
  MOTE_TRY(ReadIdx(images_path, &images));
  const size_t rank = images.dims.size();
  if (rank < 2) return ShapeMismatch("idx dataset: images need rank >= 2 ([N, ...])");
  if (rank > 4) return Unsupported("idx dataset: images of rank > 4");
  // An empty item shape makes a data set ValidateDataset refuses: say so here.
  for (size_t i = 1; i < rank; ++i)
    if (images.dims[i] == 0) return ShapeMismatch("idx dataset: an image dimension is 0 (empty items)");
  const size_t n = images.dims[0];
  if (rank == 2) out->item_shape = Shape(images.dims[1]);
  else if (rank == 3) out->item_shape = Shape(images.dims[1], images.dims[2], 1);
  else out->item_shape = Shape(images.dims[1], images.dims[2], images.dims[3]);

  IdxArray labels;
  std::vector<uint8_t> label_bytes;  // integers are read from these, not through float
  MOTE_TRY(ReadIdxKeepingBytes(labels_path, &labels, &label_bytes));
  if (labels.type == IdxType::kF32 || labels.type == IdxType::kF64)
    return CorruptData("idx dataset: labels are not integers");
  if (labels.dims.empty() || labels.dims.size() > 2 || (labels.dims.size() == 2 && labels.dims[1] != 1))
    return ShapeMismatch("idx dataset: labels must be [N] or [N, 1]");
  if (labels.dims[0] != n) return ShapeMismatch("idx dataset: image and label counts differ");

  out->labels.resize(n);
  const uint8_t* label_data = labels.type == IdxType::kU8 ? labels.u8.data() : label_bytes.data();
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = IntegerAt(labels.type, label_data, i);
    if (v < 0) return CorruptData("idx dataset: negative label");
    out->labels[i] = static_cast<int32_t>(v);  // at most INT32_MAX: the widest type is i32
  }

  const size_t elements = images.elements();
  out->x.resize(elements);
  float* x = out->x.data();
  if (images.type == IdxType::kU8) {
    const uint8_t* p = images.u8.data();
    for (size_t i = 0; i < elements; ++i) x[i] = static_cast<float>(p[i]) * scale;
  } else if (elements != 0) {  // an empty vector's data() may be null
    memcpy(x, images.values.data(), elements * sizeof(float));
  }
  // As CSV: features must be finite (f32 NaN / infinity, f64 beyond the float range).
  const size_t per_item = out->item_shape.elements();
  for (size_t i = 0; i < n; ++i)
    if (!AllFinite(x + i * per_item, per_item)) return NonFiniteItem(i);
  return Status::Ok();
}

}  // namespace

Status LoadIdxDataset(const std::string& images_path, const std::string& labels_path, Dataset* out,
                      float scale) {
  if (out == nullptr) return InvalidArgument("idx dataset: null output");
  out->Clear();
  if (!std::isfinite(scale)) return InvalidArgument("idx dataset: scale must be finite");
  const Status s = LoadIdxDatasetImpl(images_path, labels_path, out, scale);
  if (!s.ok()) out->Clear();
  return s;
}

}  // namespace mote
