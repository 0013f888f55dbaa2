// .npy parsing and NumPy data sets (include/mote/npy.h). The header grammar
// follows numpy/lib/format.py (the writer of every .npy file): a dict literal
// with 'descr', 'fortran_order' and 'shape', space-padded, ending in '\n'.
#include "mote/npy.h"

#include <cmath>
#include <cstring>

#include "src/core/status_format.h"
#include "src/data/gz_reader.h"

namespace mote {
namespace {

constexpr uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

// A cursor over the header text [p, end): every read checks the end first.
struct HeaderParser {
  const char* p;
  const char* end;

  void SkipSpace() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  bool Eat(char c) {
    SkipSpace();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  // A Python string literal in ' or " without escapes (descr and key names
  // never have any).
  bool String(std::string* out) {
    SkipSpace();
    if (p >= end || (*p != '\'' && *p != '"')) return false;
    const char quote = *p++;
    const char* b = p;
    while (p < end && *p != quote) {
      if (*p == '\\' || *p == '\n') return false;
      ++p;
    }
    if (p >= end) return false;
    out->assign(b, p);
    ++p;
    return true;
  }
  bool Word(const char* w) {
    SkipSpace();
    const size_t n = std::strlen(w);
    if (size_t(end - p) < n || std::memcmp(p, w, n) != 0) return false;
    p += n;
    return true;
  }
  // A non-negative decimal integer (Python may write 3 or 3L in old files).
  bool Size(size_t* out) {
    SkipSpace();
    if (p >= end || *p < '0' || *p > '9') return false;
    size_t v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      const size_t d = size_t(*p - '0');
      if (v > (SIZE_MAX - d) / 10) return false;
      v = v * 10 + d;
      ++p;
    }
    if (p < end && *p == 'L') ++p;
    *out = v;
    return true;
  }
  // (d0, d1, ...), () or (d0,)
  bool Shape(std::vector<size_t>* shape) {
    shape->clear();
    if (!Eat('(')) return false;
    if (Eat(')')) return true;
    for (;;) {
      size_t d = 0;
      if (!Size(&d)) return false;
      shape->push_back(d);
      if (Eat(')')) return true;
      if (!Eat(',')) return false;
      if (Eat(')')) return true;  // (d0,) or a trailing comma
    }
  }
};

Status HeaderError(const char* expected) {
  return FormattedStatus(StatusCode::kCorruptData, "npy: bad header: expected %s", expected);
}

Status ParseDescr(const std::string& d, NpyDType* dtype) {
  if (d.size() >= 2 && d[0] == '>' && d != ">u1" && d != ">i1" && d != ">b1")
    return FormattedStatus(StatusCode::kUnsupported, "npy: big-endian dtype '%s' (only little-endian is read)",
                           d.c_str());
  if (!d.empty() && (d.find('O') != std::string::npos))
    return Unsupported("npy: object arrays (pickled Python objects) are not read");
  static const struct {
    const char* descr;
    NpyDType dtype;
  } kTypes[] = {{"<f4", NpyDType::kF32}, {"=f4", NpyDType::kF32}, {"<f8", NpyDType::kF64},
                {"=f8", NpyDType::kF64}, {"|u1", NpyDType::kU8},  {"<u1", NpyDType::kU8},
                {"|i1", NpyDType::kI8},  {"<i1", NpyDType::kI8},  {"<i4", NpyDType::kI32},
                {"=i4", NpyDType::kI32}, {"<i8", NpyDType::kI64}, {"=i8", NpyDType::kI64}};
  for (const auto& t : kTypes)
    if (d == t.descr) {
      *dtype = t.dtype;
      return Status::Ok();
    }
  return FormattedStatus(StatusCode::kUnsupported,
                         "npy: dtype '%.40s' is not read (float32, float64, uint8, int8, int32, int64)", d.c_str());
}

Status ParseHeader(const char* text, size_t len, NpyArray* out) {
  HeaderParser h{text, text + len};
  if (!h.Eat('{')) return HeaderError("'{'");
  bool have_descr = false, have_order = false, have_shape = false;
  std::string descr;
  bool fortran = false;
  for (;;) {
    if (h.Eat('}')) break;
    std::string key;
    if (!h.String(&key)) return HeaderError("a quoted key or '}'");
    if (!h.Eat(':')) return HeaderError("':' after a key");
    if (key == "descr") {
      if (have_descr) return HeaderError("'descr' once");
      if (!h.String(&descr)) {
        h.SkipSpace();
        if (h.p < h.end && h.p[0] == '[') return Unsupported("npy: structured dtypes are not read");
        return HeaderError("a quoted dtype after 'descr'");
      }
      have_descr = true;
    } else if (key == "fortran_order") {
      if (have_order) return HeaderError("'fortran_order' once");
      if (h.Word("True")) {
        fortran = true;
      } else if (!h.Word("False")) {
        return HeaderError("True or False after 'fortran_order'");
      }
      have_order = true;
    } else if (key == "shape") {
      if (have_shape) return HeaderError("'shape' once");
      if (!h.Shape(&out->shape)) return HeaderError("a tuple of non-negative integers after 'shape'");
      have_shape = true;
    } else {
      return HeaderError("only the keys 'descr', 'fortran_order' and 'shape'");
    }
    if (h.Eat('}')) break;
    if (!h.Eat(',')) return HeaderError("',' or '}' after a value");
  }
  h.SkipSpace();
  if (h.p != h.end) return HeaderError("nothing but spaces after '}'");
  if (!have_descr || !have_order || !have_shape) return HeaderError("all of 'descr', 'fortran_order' and 'shape'");
  MOTE_TRY(ParseDescr(descr, &out->dtype));
  if (fortran) return Unsupported("npy: Fortran-order arrays are not read (save with numpy.ascontiguousarray)");
  return Status::Ok();
}

uint32_t LittleEndian(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

Status ParseNpyImpl(const uint8_t* b, size_t len, NpyArray* out) {
  if (len < 8 || std::memcmp(b, kMagic, 6) != 0) return CorruptData("npy: not a .npy file (no \\x93NUMPY magic)");
  const uint8_t major = b[6];
  if (major < 1 || major > 3)
    return FormattedStatus(StatusCode::kUnsupported, "npy: format version %u.%u is not read (1, 2 or 3)",
                           unsigned(major), unsigned(b[7]));
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (len < 6 + 2 + length_bytes) return CorruptData("npy: truncated before the header length");
  const size_t header_len = LittleEndian(b + 8, length_bytes);
  const size_t header_begin = 8 + length_bytes;
  if (header_len > len - header_begin) return CorruptData("npy: truncated header (shorter than its length says)");
  MOTE_TRY(ParseHeader(reinterpret_cast<const char*>(b + header_begin), header_len, out));
  const size_t item = NpyItemBytes(out->dtype);
  size_t elements = 1;
  for (size_t d : out->shape) {
    if (d != 0 && elements > SIZE_MAX / d) return OutOfRange("npy: shape too large for this machine");
    elements *= d;
  }
  if (elements > SIZE_MAX / item) return OutOfRange("npy: shape too large for this machine");
  const size_t data_begin = header_begin + header_len;
  const size_t have = len - data_begin;
  if (have != elements * item)
    return FormattedStatus(StatusCode::kCorruptData, "npy: %zu data bytes, the header's shape and dtype say %zu",
                           have, elements * item);
  out->bytes.assign(b + data_begin, b + len);
  return Status::Ok();
}

// Status text for a bad label, with the source and item.
Status BadLabel(const char* what, size_t item, double label, int64_t classes) {
  if (classes > 0)
    return FormattedStatus(StatusCode::kCorruptData, "%s y item %zu: label %.17g is not in [0, %lld)", what, item,
                           label, static_cast<long long>(classes));
  return FormattedStatus(StatusCode::kCorruptData, "%s y item %zu: label %.17g is not a non-negative integer", what,
                         item, label);
}

Status DatasetFromNpyImpl(const NpyArray& x, const NpyArray* y, const NpyDatasetOptions& o, const char* what,
                          Dataset* out) {
  const size_t rank = x.shape.size();
  if (rank < 2 || rank > 4)
    return FormattedStatus(StatusCode::kShapeMismatch, "%s x: rank %zu, expected [N, ...] of rank 2 to 4", what,
                           rank);
  if (o.add_channel && rank != 3)
    return FormattedStatus(StatusCode::kInvalidArgument, "%s x: add_channel needs [N, H, W] features, not rank %zu",
                           what, rank);
  for (size_t i = 1; i < rank; ++i)
    if (x.shape[i] == 0) return FormattedStatus(StatusCode::kShapeMismatch, "%s x: an item dimension is 0", what);
  const size_t n = x.shape[0];
  Shape item;
  if (rank == 2) item = Shape(x.shape[1]);
  if (rank == 3) item = o.add_channel ? Shape(x.shape[1], x.shape[2], 1) : Shape(x.shape[1], x.shape[2]);
  if (rank == 4) item = Shape(x.shape[1], x.shape[2], x.shape[3]);
  const size_t per_item = item.elements();

  if (y != nullptr) {
    const bool column = y->shape.size() == 2 && y->shape[1] == 1;
    if (!(y->shape.size() == 1 || column) || y->shape[0] != n)
      return FormattedStatus(StatusCode::kShapeMismatch, "%s y: expected [%zu] or [%zu, 1] labels", what, n, n);
    out->labels.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const double v = y->value(i);
      if (!(v >= 0.0 && v <= 2147483647.0) || v != std::floor(v) ||
          (o.num_classes > 0 && v >= static_cast<double>(o.num_classes)))
        return BadLabel(what, i, v, o.num_classes);
      out->labels[i] = static_cast<int32_t>(v);
    }
  }
  out->x.resize(n * per_item);
  for (size_t i = 0; i < n * per_item; ++i) {
    // float(value) first, as LoadIdxDataset and ReadCsv scale: the same pixels
    // give the same floats whatever file they came from.
    const float f = static_cast<float>(x.value(i)) * o.scale + o.offset;
    if (!std::isfinite(f))
      return FormattedStatus(StatusCode::kCorruptData,
                             "%s x item %zu: a NaN or infinite value (or beyond the float range after scale and offset)",
                             what, i / per_item);
    out->x[i] = f;
  }
  out->item_shape = item;
  return Status::Ok();
}

}  // namespace

const char* NpyDTypeName(NpyDType dtype) {
  switch (dtype) {
    case NpyDType::kF32: return "float32";
    case NpyDType::kF64: return "float64";
    case NpyDType::kU8: return "uint8";
    case NpyDType::kI8: return "int8";
    case NpyDType::kI32: return "int32";
    case NpyDType::kI64: return "int64";
  }
  return "unknown";
}

size_t NpyItemBytes(NpyDType dtype) {
  switch (dtype) {
    case NpyDType::kF32: case NpyDType::kI32: return 4;
    case NpyDType::kF64: case NpyDType::kI64: return 8;
    case NpyDType::kU8: case NpyDType::kI8: return 1;
  }
  return 1;
}

size_t NpyArray::elements() const {
  size_t e = 1;
  for (size_t d : shape) e *= d;
  return e;
}

double NpyArray::value(size_t i) const {
  const uint8_t* p = bytes.data() + i * NpyItemBytes(dtype);
  uint64_t u = 0;
  for (size_t k = NpyItemBytes(dtype); k-- > 0;) u = (u << 8) | p[k];  // little-endian on any host
  switch (dtype) {
    case NpyDType::kF32: {
      const uint32_t w = static_cast<uint32_t>(u);
      float f;
      std::memcpy(&f, &w, 4);
      return f;
    }
    case NpyDType::kF64: {
      double d;
      std::memcpy(&d, &u, 8);
      return d;
    }
    case NpyDType::kU8: return double(u);
    case NpyDType::kI8: return double(static_cast<int8_t>(u));
    case NpyDType::kI32: return double(static_cast<int32_t>(static_cast<uint32_t>(u)));
    case NpyDType::kI64: return double(static_cast<int64_t>(u));
  }
  return 0.0;
}

Status ParseNpy(const void* bytes, size_t len, NpyArray* out) {
  if (out == nullptr) return InvalidArgument("npy: null output");
  *out = NpyArray();
  if (bytes == nullptr && len > 0) return InvalidArgument("npy: null bytes");
  const Status s = ParseNpyImpl(static_cast<const uint8_t*>(bytes), bytes ? len : 0, out);
  if (!s.ok()) *out = NpyArray();
  return s;
}

Status ReadNpy(const std::string& path, NpyArray* out) {
  if (out == nullptr) return InvalidArgument("npy: null output");
  *out = NpyArray();
  data_internal::GzReader reader;
  MOTE_TRY(reader.Open(path));
  std::vector<uint8_t> bytes;
  MOTE_TRY(reader.ReadAll(&bytes));
  return ParseNpy(bytes.data(), bytes.size(), out);
}

Status EncodeNpy(const NpyArray& array, std::vector<uint8_t>* out) {
  if (out == nullptr) return InvalidArgument("npy: null output");
  out->clear();
  if (array.bytes.size() != array.elements() * NpyItemBytes(array.dtype))
    return InvalidArgument("npy: bytes are not elements x item size");
  static const char* const kDescr[] = {"<f4", "<f8", "|u1", "|i1", "<i4", "<i8"};  // NpyDType order
  std::string shape = "(";
  for (size_t d : array.shape) shape += std::to_string(d) + ", ";
  if (array.shape.size() > 1) shape.resize(shape.size() - 2);  // (2, 3); one dim keeps numpy's "(4,)"
  if (array.shape.size() == 1) shape.resize(shape.size() - 1);
  shape += ")";
  std::string header =
      std::string("{'descr': '") + kDescr[size_t(array.dtype)] + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const bool v2 = header.size() + 1 + 64 > 65535;  // the 2-byte length of format 1.0 would not hold it
  const size_t prefix = v2 ? 12 : 10;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  out->assign(kMagic, kMagic + 6);
  out->push_back(v2 ? 2 : 1);
  out->push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i) out->push_back(uint8_t(header.size() >> (8 * i)));
  out->insert(out->end(), header.begin(), header.end());
  out->insert(out->end(), array.bytes.begin(), array.bytes.end());
  return Status::Ok();
}

Status NpyFromFloats(const float* values, size_t n, const std::vector<size_t>& shape, NpyArray* out) {
  if (out == nullptr || (values == nullptr && n > 0)) return InvalidArgument("npy: null values or output");
  *out = NpyArray();
  out->shape = shape;
  if (out->elements() != n) {
    *out = NpyArray();
    return InvalidArgument("npy: the shape does not hold n values");
  }
  out->bytes.resize(4 * n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t w;
    std::memcpy(&w, &values[i], 4);
    for (size_t k = 0; k < 4; ++k) out->bytes[4 * i + k] = uint8_t(w >> (8 * k));
  }
  return Status::Ok();
}

Status DatasetFromNpy(const NpyArray& x, const NpyArray* y, const NpyDatasetOptions& options, const char* what,
                      Dataset* out) {
  if (out == nullptr) return InvalidArgument("npy dataset: null output");
  out->Clear();
  if (!std::isfinite(options.scale) || !std::isfinite(options.offset))
    return InvalidArgument("npy dataset: scale and offset must be finite");
  if (options.num_classes < 0) return InvalidArgument("npy dataset: num_classes must be >= 0 (0: not checked)");
  const Status s = DatasetFromNpyImpl(x, y, options, what ? what : "npy", out);
  if (!s.ok()) out->Clear();
  return s;
}

Status LoadNpyDataset(const std::string& features_path, const std::string& labels_path,
                      const NpyDatasetOptions& options, Dataset* out) {
  if (out == nullptr) return InvalidArgument("npy dataset: null output");
  out->Clear();
  NpyArray x, y;
  MOTE_TRY(ReadNpy(features_path, &x));
  if (!labels_path.empty()) MOTE_TRY(ReadNpy(labels_path, &y));
  return DatasetFromNpy(x, labels_path.empty() ? nullptr : &y, options, features_path.c_str(), out);
}

}  // namespace mote
