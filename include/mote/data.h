// Data sets on the host: IDX files (MNIST / Fashion-MNIST format), numeric CSV,
// and in-memory splits.
//
// Everything here runs while a model is being prepared, so it uses the heap
// (std::vector). Nothing throws: every call that can fail returns a Status, and
// on failure the output object is left empty (cleared), never half-filled.
// Files may be raw or gzip-compressed; compression is detected from the content
// (gzip magic 1f 8b), not from the file name.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/status.h"
#include "mote/tensor.h"

namespace mote {

// A labelled data set held on the host.
//   x:      size() * item_shape.elements() floats, item after item, each item
//           in NHWC order without the batch dim (an image is [H, W, C]).
//   labels: size() class indices (>= 0), or empty for an unlabelled set.
struct Dataset {
  std::vector<float> x;
  std::vector<int32_t> labels;
  Shape item_shape;  // shape of ONE item, e.g. {28, 28, 1}; rank 0 for an empty set

  // Number of items.
  size_t size() const {
    const size_t e = item_shape.elements();
    return (item_shape.rank() == 0 || e == 0) ? 0 : x.size() / e;
  }
  // Item i's first float (no bounds check).
  const float* item(size_t i) const { return x.data() + i * item_shape.elements(); }
  void Clear() {
    x.clear();
    labels.clear();
    item_shape = Shape();
  }
};

// kOk when x holds a whole number of items and labels is empty or has one
// entry per item, every label >= 0; kCorruptData otherwise.
Status ValidateDataset(const Dataset& d);
// 1 + the largest label (0 for an unlabelled or empty set). 64-bit: a label
// may be INT32_MAX.
int64_t NumClasses(const Dataset& d);

// ---- IDX ---------------------------------------------------------------------
// IDX format (LeCun's MNIST files): a big-endian header
//   0x00 0x00 <type> <rank>, then rank big-endian uint32 dims,
// then prod(dims) big-endian elements of <type>.
enum class IdxType : uint8_t {
  kU8 = 0x08,
  kI8 = 0x09,
  kI16 = 0x0B,
  kI32 = 0x0C,
  kF32 = 0x0D,
  kF64 = 0x0E,
};

// Bytes per element of an IDX type (0 for an unknown type byte).
size_t IdxElementBytes(uint8_t type);

struct IdxArray {
  IdxType type = IdxType::kU8;
  std::vector<size_t> dims;  // rank = dims.size() (may be 0: a scalar)
  // kU8 data stays as bytes in u8 (values empty). Every other type is converted
  // to host floats in values (u8 empty); kI32 / kF64 values beyond float
  // precision are rounded.
  std::vector<uint8_t> u8;
  std::vector<float> values;

  // Product of dims (1 for rank 0).
  size_t elements() const;
  // Element i as float, whatever the type (no bounds check).
  float at(size_t i) const { return type == IdxType::kU8 ? static_cast<float>(u8[i]) : values[i]; }
};

// Reads an IDX file, raw or gzip. Errors (out is cleared first):
//   kInvalidArgument  out is null
//   kIoError          "file not found", or the file cannot be opened or read
//   kCorruptData      empty file; header shorter than 4 bytes or than its dims;
//                     magic not 00 00; fewer data bytes than the dims promise;
//                     bytes after the data (trailing garbage is rejected: a
//                     wrong dim would otherwise go unnoticed); gzip stream
//                     corrupt or cut short
//   kUnsupported      type byte not one of 08 09 0B 0C 0D 0E
//   kOutOfRange       prod(dims) * element bytes does not fit size_t
// Memory grows with the bytes actually read, so a header that promises more
// data than the file holds fails without a huge allocation.
Status ReadIdx(const std::string& path, IdxArray* out);

// Loads an image IDX file and its label IDX file into one data set.
// images: rank >= 2, [N, ...]; item_shape is {rows, cols, 1} for [N, rows, cols],
//         {d1} for [N, d1] and {h, w, c} for [N, h, w, c]; rank > 4 is kUnsupported,
//         a 0 among the item dims kShapeMismatch.
//         u8 pixels are multiplied by `scale` (default maps 0..255 to [0, 1]);
//         other types are copied unscaled. A NaN or infinite value (f32, or
//         an f64 beyond the float range) is kCorruptData naming the item.
// labels: [N] (or [N, 1]) of an integer type (u8, i8, i16, i32), every label >= 0
//         (kCorruptData otherwise).
// Different N in the two files is kShapeMismatch. Errors of ReadIdx pass through.
Status LoadIdxDataset(const std::string& images_path, const std::string& labels_path, Dataset* out,
                      float scale = 1.0f / 255.0f);

// Where Debian's dataset-fashion-mnist package installs the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Loads Fashion-MNIST (or MNIST: same file names) from `dir`:
//   train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
//   t10k-images-idx3-ubyte[.gz],  t10k-labels-idx1-ubyte[.gz].
// For each file the .gz name is tried first, then the uncompressed one.
// Either output may be null to skip that part. train: 60000 items of
// {28, 28, 1} floats in [0, 1]; test: 10000; labels 0..9.
// A missing file gives kIoError "file not found" (install the Debian package
// dataset-fashion-mnist for the default dir).
Status LoadFashionMnist(const std::string& dir, Dataset* train, Dataset* test);
inline Status LoadFashionMnist(Dataset* train, Dataset* test) { return LoadFashionMnist(kFashionMnistDir, train, test); }

// ---- CSV ---------------------------------------------------------------------
struct CsvOptions {
  char delimiter = ',';
  bool header = false;    // skip the first line
  int label_column = -1;  // column of the label: >= 0 from the left, < 0 from the right (-1: last)
  bool has_label = true;  // false: every column is a feature, labels stays empty
  // Every feature becomes value * scale + offset (Keras's Rescaling), e.g.
  // scale 1/255 for pixels; labels are never scaled. Both must be finite.
  float scale = 1.0f;
  float offset = 0.0f;
  // > 0: labels must be in [0, num_classes) (a larger one is kCorruptData
  // naming its line and column); 0: any non-negative integer.
  int64_t num_classes = 0;
};

// Where a CSV error was found (1-based; 0 when not tied to a place).
struct CsvError {
  size_t line = 0;
  size_t column = 0;
};

// Reads a numeric CSV file (raw or gzip) into out: one item per non-blank line,
// item_shape {features}. Fields may carry surrounding spaces; numbers are parsed
// locale-independently; lines may end in \n or \r\n. No quoting.
// Errors (out is cleared; *error, when given, says where):
//   kInvalidArgument  out is null; label_column outside the columns; scale or
//                     offset not finite; num_classes < 0
//   kIoError          file not found / unreadable
//   kCorruptData      no data rows ("csv: no data rows", also for a header-only
//                     file); a field that is not a finite number; a label that
//                     is not a non-negative integer (or not below num_classes);
//                     a feature that scale and offset make infinite; a row with a different
//                     number of fields than the first row; a corrupt gzip stream
Status ReadCsv(const std::string& path, const CsvOptions& options, Dataset* out, CsvError* error = nullptr);

// ---- splits ------------------------------------------------------------------
// Copies items begin..end-1 of all (kOutOfRange when end > size or begin > end).
Status Slice(const Dataset& all, size_t begin, size_t end, Dataset* out);
// Copies the items at `indices` (in that order; repeats allowed) into out.
// kOutOfRange when an index is >= all.size().
Status Subset(const Dataset& all, const std::vector<size_t>& indices, Dataset* out);
// 0..n-1 in an order fixed by seed (Fisher-Yates over mote::Rng), the same on
// every platform. n must be < 2^32.
void ShuffledIndices(size_t n, uint64_t seed, std::vector<size_t>* out);

// The indices of a random split of n items (fixed by seed): validation gets
// round(fraction * n) of 0..n-1, train the rest, both ascending; apply them
// with Subset (to features and labels read separately, or to several arrays
// in step). The same split as SplitValidation with the same n, fraction and
// seed. kInvalidArgument for fraction outside [0, 1], null or identical
// outputs; kUnsupported for n >= 2^32.
Status SplitIndices(size_t n, float fraction, uint64_t seed, std::vector<size_t>* train,
                    std::vector<size_t>* validation);

// Splits all at random (fixed by seed) into train and validation:
// validation gets round(fraction * size) items, train the rest; both keep the
// items' original relative order. fraction in [0, 1] (kInvalidArgument
// otherwise, or for null outputs). all may alias train or validation.
Status SplitValidation(const Dataset& all, float fraction, uint64_t seed, Dataset* train, Dataset* validation);

}  // namespace mote
