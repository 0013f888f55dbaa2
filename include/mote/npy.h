// NumPy arrays: .npy files (numpy.save) and .npz archives (numpy.savez,
// numpy.savez_compressed; Keras's mnist.npz), and data sets made of them.
//
// .npy (format versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a version,
// a header length and a header that is a Python dict literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
// followed by the elements in C order. The header is parsed strictly (exactly
// those three keys, each once; strings quoted; shape a tuple of integers),
// with every read bounds-checked. Read dtypes, little-endian only:
//   float32 '<f4', float64 '<f8', uint8 '|u1', int8 '|i1', int32 '<i4',
//   int64 '<i8' ('=' and '<' both mean little-endian; '|' one byte).
// Refused with a message saying why: big-endian ('>f4'), Fortran order,
// object arrays ('|O': pickles, never unpickled), structured dtypes, other
// types; a data length other than shape x item size.
// .npz is a zip archive (stored or deflated members) of NAME.npy files, read
// with libzip; a build without libzip reads .npy only (NpzSupported()).
// Nothing throws; on failure the output is cleared.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/status.h"

namespace mote {

enum class NpyDType : uint8_t { kF32, kF64, kU8, kI8, kI32, kI64 };

// "float32", "float64", "uint8", "int8", "int32", "int64".
const char* NpyDTypeName(NpyDType dtype);
// Bytes per element (4, 8, 1, 1, 4, 8).
size_t NpyItemBytes(NpyDType dtype);

struct NpyArray {
  NpyDType dtype = NpyDType::kF32;
  std::vector<size_t> shape;   // rank 0 (a scalar) allowed
  std::vector<uint8_t> bytes;  // elements() x NpyItemBytes(dtype), little-endian, C order

  // Product of shape (1 for rank 0).
  size_t elements() const;
  // Element i as a double (int64 beyond 2^53 rounds). No bounds check.
  double value(size_t i) const;
};

// Parses a whole .npy file held in memory (len bytes at `bytes`). Errors:
//   kInvalidArgument  null bytes (with len > 0) or out
//   kCorruptData      not "\x93NUMPY"; truncated; a header that is not the
//                     dict literal above (message says what was expected);
//                     data shorter or longer than the shape says
//   kUnsupported      a format version other than 1, 2, 3; big-endian,
//                     Fortran order, object or structured arrays, other dtypes
//   kOutOfRange       shape elements x item size beyond size_t
Status ParseNpy(const void* bytes, size_t len, NpyArray* out);

// Reads a .npy file (raw or gzip). kIoError "file not found" / unreadable;
// otherwise as ParseNpy.
Status ReadNpy(const std::string& path, NpyArray* out);

// The .npy bytes of `array` as numpy.save writes them (format 1.0, or 2.0
// for a header beyond 64 KiB; little-endian descr, C order, the header
// space-padded so the data starts at a multiple of 64). kInvalidArgument for
// a null out or bytes that are not elements() x item size.
Status EncodeNpy(const NpyArray& array, std::vector<uint8_t>* out);
// `n` floats as a float32 array of `shape` (elements must be n; else
// kInvalidArgument), stored little-endian on any host.
Status NpyFromFloats(const float* values, size_t n, const std::vector<size_t>& shape, NpyArray* out);

// True when this build reads .npz archives (libzip was found at build time).
bool NpzSupported();

// The arrays of an .npz archive, keyed by member name without ".npy"
// ("x_train.npy" -> "x_train"), in archive order.
struct NpzArchive {
  std::vector<std::string> keys;
  std::vector<NpyArray> arrays;
  // The array of `key`, or null.
  const NpyArray* Find(const std::string& key) const;
};

// Reads every member of an .npz archive. Errors: kUnsupported without
// libzip; kIoError file not found / unreadable; kCorruptData for a damaged
// archive (bad CRC, truncated), a member not named *.npy, two members with
// the same key, or a member ParseNpy refuses (the message names the member).
Status ReadNpz(const std::string& path, NpzArchive* out);

// How arrays become a Dataset.
struct NpyDatasetOptions {
  // Every feature becomes value * scale + offset (float arithmetic, as
  // LoadIdxDataset), e.g. scale 1/255 for uint8 images.
  float scale = 1.0f;
  float offset = 0.0f;
  // [N, H, W] images become items [H, W, 1] (what Conv2D takes) instead of
  // [H, W]. Only for rank-3 features (kInvalidArgument otherwise).
  bool add_channel = false;
  // > 0: labels must be in [0, num_classes).
  int64_t num_classes = 0;
};

// A data set from features x [N, ...] (rank 2 to 4: items keep the trailing
// shape, e.g. [N, 28, 28] -> items [28, 28]) and labels y ([N] or [N, 1],
// integer values >= 0 of any read dtype, floats only when integral; null:
// unlabelled). `what` names the source in messages (e.g. "mnist.npz").
// Errors: kShapeMismatch for a rank outside 2..4, a 0 item dim or another N
// in y; kCorruptData for a non-finite feature (naming the item) or a bad
// label ("<what> y item 7: label 12 is not in [0, 10)").
Status DatasetFromNpy(const NpyArray& x, const NpyArray* y, const NpyDatasetOptions& options, const char* what,
                      Dataset* out);

// Features and labels from two .npy files (labels_path empty: unlabelled).
Status LoadNpyDataset(const std::string& features_path, const std::string& labels_path,
                      const NpyDatasetOptions& options, Dataset* out);

// Features x_key and labels y_key (empty: unlabelled) of an .npz archive,
// e.g. LoadNpzDataset("mnist.npz", "x_train", "y_train", options, &train).
// kInvalidArgument naming a key the archive does not hold.
Status LoadNpzDataset(const std::string& path, const std::string& x_key, const std::string& y_key,
                      const NpyDatasetOptions& options, Dataset* out);

}  // namespace mote
