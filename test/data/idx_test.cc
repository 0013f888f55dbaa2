#include <string.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "data_test_util.h"
#include "mote/data.h"

namespace mote {
namespace {

using testing::IdxHeader;
using testing::IdxU8;
using testing::TempFiles;
using testing::WriteBytes;
using testing::WriteGzip;

void ExpectError(const Status& s, StatusCode code, const char* message) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.message();
  EXPECT_STREQ(s.message(), message);
}

// Reads a raw file with these bytes, and a gzip file with the same content.
void ExpectBothFail(TempFiles* files, const std::string& name, const std::vector<uint8_t>& bytes, StatusCode code,
                    const char* message) {
  const std::string raw = files->Add(name);
  const std::string gz = files->Add(name + ".gz");
  WriteBytes(raw, bytes);
  WriteGzip(gz, bytes);
  for (const std::string& path : {raw, gz}) {
    SCOPED_TRACE(path);
    IdxArray a;
    a.dims = {7};  // must be cleared on failure
    ExpectError(ReadIdx(path, &a), code, message);
    EXPECT_TRUE(a.dims.empty());
    EXPECT_TRUE(a.u8.empty());
    EXPECT_TRUE(a.values.empty());
  }
}

const std::vector<uint8_t> kTiny = {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};

TEST(ReadIdx, TinyU8RawAndGzip) {
  TempFiles files;
  const std::string raw = files.Add("tiny.idx");
  const std::string gz = files.Add("tiny.idx.gz");
  WriteBytes(raw, IdxU8({2, 3, 2}, kTiny));
  WriteGzip(gz, IdxU8({2, 3, 2}, kTiny));
  for (const std::string& path : {raw, gz}) {
    SCOPED_TRACE(path);
    IdxArray a;
    ASSERT_TRUE(ReadIdx(path, &a).ok());
    EXPECT_EQ(a.type, IdxType::kU8);
    EXPECT_EQ(a.dims, (std::vector<size_t>{2, 3, 2}));
    EXPECT_EQ(a.elements(), 12u);
    EXPECT_EQ(a.u8, kTiny);
    EXPECT_TRUE(a.values.empty());
    EXPECT_EQ(a.at(11), 255.0f);
  }
}

TEST(ReadIdx, GzipDetectedByContentNotName) {
  TempFiles files;
  const std::string gz_no_suffix = files.Add("gzip_named_raw.idx");
  WriteGzip(gz_no_suffix, IdxU8({12}, kTiny));
  IdxArray a;
  ASSERT_TRUE(ReadIdx(gz_no_suffix, &a).ok());
  EXPECT_EQ(a.u8, kTiny);
}

TEST(ReadIdx, ZeroItems) {
  TempFiles files;
  const std::string path = files.Add("zero.idx");
  WriteBytes(path, IdxU8({0, 28, 28}, {}));
  IdxArray a;
  ASSERT_TRUE(ReadIdx(path, &a).ok());
  EXPECT_EQ(a.elements(), 0u);
  EXPECT_EQ(a.dims.size(), 3u);
}

TEST(ReadIdx, EveryTypeConvertsFromBigEndian) {
  TempFiles files;
  struct Case {
    uint8_t type;
    std::vector<uint8_t> data;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      {0x09, {0x00, 0x7F, 0x80, 0xFF}, {0, 127, -128, -1}},
      {0x0B, {0x00, 0x01, 0x01, 0x00, 0x80, 0x00, 0xFF, 0xFE}, {1, 256, -32768, -2}},
      {0x0C, {0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFD, 0x7F, 0xFF, 0xFF, 0xFF},
       {5, 65536, -3, 2147483647.0f}},
      // 1.5f = 3FC00000, -2.25f = C0100000, 0, 1e-3f = 3A83126F
      {0x0D,
       {0x3F, 0xC0, 0x00, 0x00, 0xC0, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x83, 0x12, 0x6F},
       {1.5f, -2.25f, 0.0f, 1e-3f}},
      // 0.5 = 3FE0..., -3.0 = C008..., 1e10 = 4202A05F20000000, 0.1 = 3FB999999999999A
      {0x0E,
       {0x3F, 0xE0, 0, 0, 0, 0, 0, 0, 0xC0, 0x08, 0, 0, 0, 0, 0, 0, 0x42, 0x02, 0xA0, 0x5F, 0x20, 0, 0, 0,
        0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A},
       {0.5f, -3.0f, 1e10f, 0.1f}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.type));
    std::vector<uint8_t> bytes = IdxHeader(c.type, {2, 2});
    bytes.insert(bytes.end(), c.data.begin(), c.data.end());
    const std::string path = files.Add("type" + std::to_string(c.type) + ".idx");
    WriteBytes(path, bytes);
    IdxArray a;
    ASSERT_TRUE(ReadIdx(path, &a).ok());
    EXPECT_EQ(static_cast<uint8_t>(a.type), c.type);
    EXPECT_TRUE(a.u8.empty());
    EXPECT_EQ(a.values, c.expected);
  }
}

TEST(ReadIdx, NullOutput) { ExpectError(ReadIdx("x", nullptr), StatusCode::kInvalidArgument, "idx: null output"); }

TEST(ReadIdx, MissingFile) {
  IdxArray a;
  ExpectError(ReadIdx(testing::TempPath("does-not-exist.idx"), &a), StatusCode::kIoError, "file not found");
  ExpectError(ReadIdx(testing::TempPath("no-such-dir/x.idx"), &a), StatusCode::kIoError, "file not found");
}

TEST(ReadIdx, DirectoryIsAnIoError) {
  const std::string dir = testing::TempPath("a_dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  IdxArray a;
  ExpectError(ReadIdx(dir, &a), StatusCode::kIoError, "path is a directory, not a file");
  rmdir(dir.c_str());
}

TEST(ReadIdx, EmptyFile) {
  TempFiles files;
  ExpectBothFail(&files, "empty.idx", {}, StatusCode::kCorruptData, "idx: empty file");
}

TEST(ReadIdx, TruncatedHeader) {
  TempFiles files;
  ExpectBothFail(&files, "magic3.idx", {0, 0, 8}, StatusCode::kCorruptData, "idx: header cut short (magic)");
  std::vector<uint8_t> dims_short = IdxHeader(0x08, {60000, 28, 28});
  dims_short.resize(dims_short.size() - 2);
  ExpectBothFail(&files, "dims.idx", dims_short, StatusCode::kCorruptData, "idx: header cut short (dims)");
}

TEST(ReadIdx, WrongMagic) {
  TempFiles files;
  ExpectBothFail(&files, "magic.idx", {0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1, 7}, StatusCode::kCorruptData,
                 "idx: wrong magic (not an IDX file)");
  // A text file.
  ExpectBothFail(&files, "text.idx", {'h', 'e', 'l', 'l', 'o', '\n'}, StatusCode::kCorruptData,
                 "idx: wrong magic (not an IDX file)");
}

TEST(ReadIdx, UnsupportedType) {
  TempFiles files;
  for (uint8_t type : {0x00, 0x07, 0x0A, 0x0F, 0xFF}) {
    SCOPED_TRACE(static_cast<int>(type));
    std::vector<uint8_t> bytes = IdxHeader(type, {1});
    bytes.push_back(1);
    ExpectBothFail(&files, "type" + std::to_string(type) + ".idx", bytes, StatusCode::kUnsupported,
                   "idx: unsupported element type (not 08 09 0B 0C 0D 0E)");
  }
}

TEST(ReadIdx, DimsOverflowSizeT) {
  TempFiles files;
  static_assert(sizeof(size_t) == 8 || sizeof(size_t) == 4, "");
  // (2^32 - 1)^3 overflows a 64-bit size_t.
  ExpectBothFail(&files, "overflow.idx", IdxHeader(0x08, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}),
                 StatusCode::kOutOfRange, "idx: dims overflow size_t");
  if (sizeof(size_t) == 8) {
    // (2^32 - 1)^2 elements fit, their bytes as f64 do not.
    ExpectBothFail(&files, "bytes_overflow.idx", IdxHeader(0x0E, {0xFFFFFFFFu, 0xFFFFFFFFu}),
                   StatusCode::kOutOfRange, "idx: data size overflows size_t");
  }
}

TEST(ReadIdx, TruncatedData) {
  TempFiles files;
  std::vector<uint8_t> bytes = IdxU8({2, 3, 2}, kTiny);
  bytes.pop_back();
  ExpectBothFail(&files, "short.idx", bytes, StatusCode::kCorruptData, "idx: data cut short");
  // Header only.
  ExpectBothFail(&files, "header_only.idx", IdxHeader(0x0C, {4}), StatusCode::kCorruptData, "idx: data cut short");
}

TEST(ReadIdx, HugeDimsOnATinyFileFailFastWithoutAllocatingThem) {
  TempFiles files;
  // Promises 2^31 * 2^4 = 32 GiB; must fail after reading the few bytes present.
  std::vector<uint8_t> bytes = IdxHeader(0x08, {0x80000000u, 16});
  bytes.insert(bytes.end(), 100, 7);
  const auto t0 = std::chrono::steady_clock::now();
  ExpectBothFail(&files, "huge.idx", bytes, StatusCode::kCorruptData, "idx: data cut short");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
}

TEST(ReadIdx, TrailingGarbageIsRejected) {
  TempFiles files;
  std::vector<uint8_t> bytes = IdxU8({2, 3, 2}, kTiny);
  bytes.push_back(0);
  ExpectBothFail(&files, "trailing.idx", bytes, StatusCode::kCorruptData, "idx: trailing bytes after the data");
}

std::vector<uint8_t> GzipBytes(TempFiles* files, const std::vector<uint8_t>& content) {
  const std::string path = files->Add("gzip_scratch.gz");
  WriteGzip(path, content);
  return testing::ReadBytes(path);
}

TEST(ReadIdx, GzipBadChecksumIsCorrupt) {
  TempFiles files;
  std::vector<uint8_t> gz = GzipBytes(&files, IdxU8({2, 3, 2}, kTiny));
  ASSERT_GT(gz.size(), 18u);
  gz[gz.size() - 8] ^= 0x55;  // CRC-32 in the trailer
  const std::string path = files.Add("badcrc.idx.gz");
  WriteBytes(path, gz);
  IdxArray a;
  ExpectError(ReadIdx(path, &a), StatusCode::kCorruptData, "gzip data corrupt");
}

TEST(ReadIdx, GzipBadHeaderIsCorrupt) {
  TempFiles files;
  std::vector<uint8_t> gz = GzipBytes(&files, IdxU8({2, 3, 2}, kTiny));
  gz[2] = 7;  // compression method: only 8 (deflate) exists
  const std::string path = files.Add("badmethod.idx.gz");
  WriteBytes(path, gz);
  IdxArray a;
  ExpectError(ReadIdx(path, &a), StatusCode::kCorruptData, "gzip data corrupt");
}

TEST(ReadIdx, GzipBadDeflateDataIsCorrupt) {
  TempFiles files;
  std::vector<uint8_t> content = IdxU8({4000}, {});
  for (int i = 0; i < 4000; ++i) content.push_back(static_cast<uint8_t>((i * 7919) >> 3));
  std::vector<uint8_t> gz = GzipBytes(&files, content);
  for (size_t i = 12; i < gz.size() - 8; i += 3) gz[i] ^= 0xA5;
  const std::string path = files.Add("baddeflate.idx.gz");
  WriteBytes(path, gz);
  IdxArray a;
  const Status s = ReadIdx(path, &a);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData) << s.message();
}

TEST(ReadIdx, GzipCutShortIsCorrupt) {
  TempFiles files;
  std::vector<uint8_t> gz = GzipBytes(&files, IdxU8({2, 3, 2}, kTiny));
  gz.resize(gz.size() - 4);  // drop ISIZE
  const std::string path = files.Add("cut.idx.gz");
  WriteBytes(path, gz);
  IdxArray a;
  ExpectError(ReadIdx(path, &a), StatusCode::kCorruptData, "gzip stream cut short");

  // Cut inside the deflate data.
  std::vector<uint8_t> content = IdxU8({20000}, {});
  for (int i = 0; i < 20000; ++i) content.push_back(static_cast<uint8_t>((i * 7919) >> 5));
  gz = GzipBytes(&files, content);
  gz.resize(gz.size() / 2);
  const std::string half = files.Add("half.idx.gz");
  WriteBytes(half, gz);
  ExpectError(ReadIdx(half, &a), StatusCode::kCorruptData, "gzip stream cut short");
}

// ---- LoadIdxDataset -----------------------------------------------------------

TEST(LoadIdxDataset, ImagesAndLabels) {
  TempFiles files;
  const std::string images = files.Add("ds-images.idx.gz");
  const std::string labels = files.Add("ds-labels.idx");
  WriteGzip(images, IdxU8({3, 2, 2}, {0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8}));
  WriteBytes(labels, IdxU8({3}, {9, 0, 4}));
  Dataset d;
  ASSERT_TRUE(LoadIdxDataset(images, labels, &d).ok());
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.item_shape, Shape(2, 2, 1));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{9, 0, 4}));
  ASSERT_EQ(d.x.size(), 12u);
  EXPECT_EQ(d.x[0], 0.0f);
  EXPECT_FLOAT_EQ(d.x[1], 0.2f);
  EXPECT_FLOAT_EQ(d.x[2], 0.4f);
  EXPECT_EQ(d.x[3], 1.0f);
  EXPECT_EQ(d.item(2)[3], 8.0f / 255.0f);
  EXPECT_EQ(NumClasses(d), 10);
  EXPECT_TRUE(ValidateDataset(d).ok());

  ASSERT_TRUE(LoadIdxDataset(images, labels, &d, 1.0f).ok());
  EXPECT_EQ(d.x[3], 255.0f);
}

TEST(LoadIdxDataset, RankTwoAndFourImagesAndWideLabels) {
  TempFiles files;
  const std::string rank2 = files.Add("r2.idx");
  const std::string rank4 = files.Add("r4.idx");
  const std::string labels = files.Add("i32-labels.idx");
  WriteBytes(rank2, IdxU8({2, 3}, {1, 2, 3, 4, 5, 6}));
  WriteBytes(rank4, IdxU8({2, 1, 2, 3}, kTiny));
  std::vector<uint8_t> l = IdxHeader(0x0C, {2, 1});
  l.insert(l.end(), {0, 0, 0, 3, 0, 0, 1, 0});
  WriteBytes(labels, l);
  Dataset d;
  ASSERT_TRUE(LoadIdxDataset(rank2, labels, &d).ok());
  EXPECT_EQ(d.item_shape, Shape(3));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{3, 256}));
  ASSERT_TRUE(LoadIdxDataset(rank4, labels, &d).ok());
  EXPECT_EQ(d.item_shape, Shape(1, 2, 3));
  EXPECT_EQ(d.size(), 2u);
}

// i32 labels are integers, not floats: 2^24 + 1 is not rounded and INT32_MAX
// is not turned into INT32_MIN (through float, it was 2^31).
TEST(LoadIdxDataset, Int32LabelsAreExact) {
  TempFiles files;
  const std::string images = files.Add("i32x-images.idx");
  const std::string labels = files.Add("i32x-labels.idx");
  WriteBytes(images, IdxU8({3, 2}, {1, 2, 3, 4, 5, 6}));
  std::vector<uint8_t> l = IdxHeader(0x0C, {3});
  l.insert(l.end(), {0x01, 0x00, 0x00, 0x01, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFE});
  WriteBytes(labels, l);
  Dataset d;
  ASSERT_TRUE(LoadIdxDataset(images, labels, &d).ok());
  EXPECT_EQ(d.labels, (std::vector<int32_t>{16777217, 2147483647, 2147483646}));
  // i16 and i8 labels keep their sign: negative ones are refused.
  std::vector<uint8_t> n16 = IdxHeader(0x0B, {3});
  n16.insert(n16.end(), {0x7F, 0xFF, 0x00, 0x01, 0x80, 0x00});
  WriteBytes(labels, n16);
  ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kCorruptData, "idx dataset: negative label");
  std::vector<uint8_t> n32 = IdxHeader(0x0C, {3});
  n32.insert(n32.end(), {0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 2});
  WriteBytes(labels, n32);
  ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kCorruptData, "idx dataset: negative label");
}

// Like CSV, IDX features must be finite: an f32 NaN or infinity, or an f64
// that overflows float (1e300), is refused naming the item.
TEST(LoadIdxDataset, NonFiniteFeaturesAreRefusedNamingTheItem) {
  TempFiles files;
  const std::string images = files.Add("nf-images.idx");
  const std::string labels = files.Add("nf-labels.idx");
  WriteBytes(labels, IdxU8({3}, {0, 1, 2}));
  const auto f32_images = [](uint32_t bad_bits) {
    std::vector<uint8_t> b = IdxHeader(0x0D, {3, 2});
    const uint32_t bits[6] = {0x3F800000, 0x3F800000, 0x3F800000, bad_bits, 0x3F800000, 0x3F800000};
    for (uint32_t v : bits) b.insert(b.end(), {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
    return b;
  };
  Dataset d;
  for (const uint32_t bad : {0x7FC00000u, 0x7F800000u, 0xFF800000u}) {  // NaN, +inf, -inf
    WriteBytes(images, f32_images(bad));
    ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kCorruptData,
                "idx dataset: item 1 (0-based) has a NaN or infinite value (or an f64 beyond the float range)");
    EXPECT_EQ(d.size(), 0u);
  }
  WriteBytes(images, f32_images(0x3F800000u));
  EXPECT_TRUE(LoadIdxDataset(images, labels, &d).ok());
  // f64 1e300 = 7E37E43C8800759C: finite in the file, infinite as a float.
  std::vector<uint8_t> f64 = IdxHeader(0x0E, {3, 1});
  f64.insert(f64.end(), {0x3F, 0xE0, 0, 0, 0, 0, 0, 0, 0x3F, 0xE0, 0, 0, 0, 0, 0, 0,
                         0x7E, 0x37, 0xE4, 0x3C, 0x88, 0x00, 0x75, 0x9C});
  WriteBytes(images, f64);
  ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kCorruptData,
              "idx dataset: item 2 (0-based) has a NaN or infinite value (or an f64 beyond the float range)");
  EXPECT_EQ(LoadIdxDataset(images, labels, &d, INFINITY).code(), StatusCode::kInvalidArgument);
}

// [4, 0, 28] images read fine as an IDX array but make items of no values,
// a data set ValidateDataset refuses: the loader refuses it itself.
TEST(LoadIdxDataset, ZeroImageDimensionIsRefused) {
  TempFiles files;
  const std::string images = files.Add("z-images.idx");
  const std::string labels = files.Add("z-labels.idx");
  WriteBytes(labels, IdxU8({4}, {0, 1, 2, 3}));
  Dataset d;
  for (const std::vector<uint32_t>& dims : {std::vector<uint32_t>{4, 0, 28}, {4, 28, 0}, {4, 0}, {4, 2, 2, 0}}) {
    WriteBytes(images, IdxU8(dims, {}));
    ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kShapeMismatch,
                "idx dataset: an image dimension is 0 (empty items)");
    EXPECT_EQ(d.size(), 0u);
  }
  // No items at all is a valid, empty data set.
  WriteBytes(images, IdxU8({0, 28, 28}, {}));
  WriteBytes(labels, IdxU8({0}, {}));
  ASSERT_TRUE(LoadIdxDataset(images, labels, &d).ok());
  EXPECT_EQ(d.size(), 0u);
  // Also as float32 images (found by fuzzing: the empty copy was a memcpy
  // from a null pointer, undefined behaviour).
  WriteBytes(images, {0, 0, 0x0D, 2, 0, 0, 0, 0, 0, 0, 0, 1});
  ASSERT_TRUE(LoadIdxDataset(images, labels, &d).ok());
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(ValidateDataset(d).ok());
}

TEST(LoadIdxDataset, CountMismatch) {
  TempFiles files;
  const std::string images = files.Add("mm-images.idx");
  const std::string labels = files.Add("mm-labels.idx");
  WriteBytes(images, IdxU8({3, 2, 2}, std::vector<uint8_t>(12, 1)));
  WriteBytes(labels, IdxU8({2}, {1, 2}));
  Dataset d;
  d.labels = {5};
  ExpectError(LoadIdxDataset(images, labels, &d), StatusCode::kShapeMismatch,
              "idx dataset: image and label counts differ");
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(d.labels.empty());
  EXPECT_TRUE(d.x.empty());
}

TEST(LoadIdxDataset, BadShapesAndLabels) {
  TempFiles files;
  const std::string images = files.Add("b-images.idx");
  const std::string rank1 = files.Add("b-rank1.idx");
  const std::string labels = files.Add("b-labels.idx");
  const std::string labels2d = files.Add("b-labels2d.idx");
  const std::string float_labels = files.Add("b-flabels.idx");
  const std::string neg_labels = files.Add("b-neglabels.idx");
  WriteBytes(images, IdxU8({2, 2, 2}, std::vector<uint8_t>(8, 1)));
  WriteBytes(rank1, IdxU8({4}, {1, 2, 3, 4}));
  WriteBytes(labels, IdxU8({2}, {1, 2}));
  WriteBytes(labels2d, IdxU8({2, 2}, {1, 2, 3, 4}));
  std::vector<uint8_t> f = IdxHeader(0x0D, {2});
  f.insert(f.end(), {0x3F, 0x80, 0, 0, 0x40, 0, 0, 0});
  WriteBytes(float_labels, f);
  std::vector<uint8_t> n = IdxHeader(0x09, {2});
  n.insert(n.end(), {1, 0xFF});
  WriteBytes(neg_labels, n);
  Dataset d;
  ExpectError(LoadIdxDataset(rank1, labels, &d), StatusCode::kShapeMismatch,
              "idx dataset: images need rank >= 2 ([N, ...])");
  ExpectError(LoadIdxDataset(images, labels2d, &d), StatusCode::kShapeMismatch,
              "idx dataset: labels must be [N] or [N, 1]");
  ExpectError(LoadIdxDataset(images, float_labels, &d), StatusCode::kCorruptData,
              "idx dataset: labels are not integers");
  ExpectError(LoadIdxDataset(images, neg_labels, &d), StatusCode::kCorruptData, "idx dataset: negative label");
  ExpectError(LoadIdxDataset(images, testing::TempPath("missing-labels"), &d), StatusCode::kIoError,
              "file not found");
  ExpectError(LoadIdxDataset(images, labels, nullptr), StatusCode::kInvalidArgument, "idx dataset: null output");
}

}  // namespace
}  // namespace mote
