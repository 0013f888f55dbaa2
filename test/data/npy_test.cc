// .npy parsing and NumPy data sets (src/data/npy.cc): files built byte by byte
// as numpy.save writes them, and malformed ones.
#include "mote/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data_test_util.h"
#include "npy_test_util.h"

namespace mote {
namespace {

using testing::LittleEndianBytes;
using testing::NpyBytes;
using testing::NpyHeader;

Status Parse(const std::vector<uint8_t>& bytes, NpyArray* out) { return ParseNpy(bytes.data(), bytes.size(), out); }

TEST(ParseNpy, Float32Matrix) {
  const std::vector<float> v = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -0.5f};
  NpyArray a;
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f4", "(2, 3)"), LittleEndianBytes(v)), &a).ok());
  EXPECT_EQ(a.dtype, NpyDType::kF32);
  EXPECT_EQ(a.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(a.elements(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(a.value(i), double(v[i]));
}

TEST(ParseNpy, EveryDTypeAndVersion) {
  NpyArray a;
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("|u1", "(3,)"), {0, 128, 255}), &a).ok());
  EXPECT_EQ(a.dtype, NpyDType::kU8);
  EXPECT_EQ(a.value(2), 255.0);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("|i1", "(2,)"), {0xff, 5}), &a).ok());
  EXPECT_EQ(a.value(0), -1.0);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i4", "(2,)"), LittleEndianBytes(std::vector<int32_t>{-7, 9})), &a).ok());
  EXPECT_EQ(a.value(0), -7.0);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i8", "(1,)"), LittleEndianBytes(std::vector<int64_t>{1LL << 40})), &a).ok());
  EXPECT_EQ(a.value(0), std::ldexp(1.0, 40));
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f8", "()"), LittleEndianBytes(std::vector<double>{0.1})), &a).ok());
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.value(0), 0.1);
  // Format 2.0 and 3.0: a 4-byte header length.
  for (int major : {2, 3}) {
    ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f4", "(1,)"), LittleEndianBytes(std::vector<float>{4.0f}), major), &a).ok());
    EXPECT_EQ(a.value(0), 4.0);
  }
  // Keys in another order, double quotes, no trailing comma, an empty array.
  ASSERT_TRUE(Parse(NpyBytes("{\"shape\": (0, 4), \"fortran_order\": False, \"descr\": \"<f4\"}", {}), &a).ok());
  EXPECT_EQ(a.elements(), 0u);
}

// Each malformed file: the code, and a word the message must contain.
struct Bad {
  const char* what;
  std::vector<uint8_t> bytes;
  StatusCode code;
  const char* message;
};

TEST(ParseNpy, MalformedFilesAreRefusedWithReasons) {
  const std::vector<uint8_t> four = LittleEndianBytes(std::vector<float>{1, 2, 3, 4});
  std::vector<uint8_t> good = NpyBytes(NpyHeader("<f4", "(4,)"), four);
  std::vector<uint8_t> bad_magic = good;
  bad_magic[1] = 'X';
  std::vector<uint8_t> long_header = good;
  long_header[8] = 0xff;  // header length beyond the file
  long_header[9] = 0x7f;
  std::vector<uint8_t> version = good;
  version[6] = 4;
  const std::vector<Bad> cases = {
      {"empty", {}, StatusCode::kCorruptData, "magic"},
      {"bad magic", bad_magic, StatusCode::kCorruptData, "magic"},
      {"truncated prefix", std::vector<uint8_t>(good.begin(), good.begin() + 9), StatusCode::kCorruptData, "truncated"},
      {"header length lies", long_header, StatusCode::kCorruptData, "truncated header"},
      {"version 4", version, StatusCode::kUnsupported, "version"},
      {"truncated data", std::vector<uint8_t>(good.begin(), good.end() - 1), StatusCode::kCorruptData, "15 data bytes"},
      {"trailing data", NpyBytes(NpyHeader("<f4", "(3,)"), four), StatusCode::kCorruptData, "say 12"},
      {"big-endian", NpyBytes(NpyHeader(">f4", "(4,)"), four), StatusCode::kUnsupported, "big-endian"},
      {"fortran", NpyBytes(NpyHeader("<f4", "(2, 2)", true), four), StatusCode::kUnsupported, "Fortran"},
      {"object", NpyBytes(NpyHeader("|O", "(2,)"), std::vector<uint8_t>(16)), StatusCode::kUnsupported, "object"},
      {"complex", NpyBytes(NpyHeader("<c8", "(2,)"), four), StatusCode::kUnsupported, "<c8"},
      {"float16", NpyBytes(NpyHeader("<f2", "(8,)"), four), StatusCode::kUnsupported, "<f2"},
      {"structured", NpyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", four),
       StatusCode::kUnsupported, "structured"},
      {"missing shape", NpyBytes("{'descr': '<f4', 'fortran_order': False, }", four), StatusCode::kCorruptData,
       "all of"},
      {"duplicate key", NpyBytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", four),
       StatusCode::kCorruptData, "once"},
      {"unknown key", NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}", four),
       StatusCode::kCorruptData, "only the keys"},
      {"negative dim", NpyBytes(NpyHeader("<f4", "(-4,)"), four), StatusCode::kCorruptData, "tuple"},
      {"shape not a tuple", NpyBytes(NpyHeader("<f4", "[4]"), four), StatusCode::kCorruptData, "tuple"},
      {"unterminated string", NpyBytes("{'descr: '<f4'", four), StatusCode::kCorruptData, "':'"},
      {"no closing brace", NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,)", four),
       StatusCode::kCorruptData, "'}'"},
      {"garbage after", NpyBytes(NpyHeader("<f4", "(4,)") + " x", four), StatusCode::kCorruptData, "after '}'"},
      {"bad bool", NpyBytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (4,)}", four), StatusCode::kCorruptData,
       "True or False"},
      {"huge shape", NpyBytes(NpyHeader("<f4", "(4294967296, 4294967296, 4294967296)"), four), StatusCode::kOutOfRange,
       "too large"},
      {"dim beyond size_t", NpyBytes(NpyHeader("<f4", "(99999999999999999999999,)"), four), StatusCode::kCorruptData,
       "tuple"},
  };
  for (const Bad& c : cases) {
    NpyArray a;
    a.shape = {9};
    const Status s = Parse(c.bytes, &a);
    EXPECT_EQ(s.code(), c.code) << c.what << ": " << s.message();
    EXPECT_NE(std::string(s.message()).find(c.message), std::string::npos) << c.what << ": " << s.message();
    EXPECT_TRUE(a.shape.empty() && a.bytes.empty()) << c.what << ": cleared";
  }
  NpyArray a;
  EXPECT_EQ(ParseNpy(nullptr, 4, &a).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNpy(good.data(), good.size(), nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(ReadNpy, FilesRawAndGzip) {
  testing::TempFiles files;
  const std::vector<uint8_t> bytes = NpyBytes(NpyHeader("|u1", "(2, 2)"), {1, 2, 3, 4});
  const std::string raw = files.Add("a.npy"), gz = files.Add("a.npy.gz");
  testing::WriteBytes(raw, bytes);
  testing::WriteGzip(gz, bytes);
  for (const std::string& path : {raw, gz}) {
    NpyArray a;
    ASSERT_TRUE(ReadNpy(path, &a).ok()) << path;
    EXPECT_EQ(a.bytes, (std::vector<uint8_t>{1, 2, 3, 4}));
  }
  NpyArray a;
  EXPECT_EQ(ReadNpy(files.Add("missing.npy"), &a).code(), StatusCode::kIoError);
}

TEST(DatasetFromNpy, ImagesScaledWithLabels) {
  NpyArray x, y;
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("|u1", "(2, 2, 3)"), {0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6}), &x).ok());
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i8", "(2,)"), LittleEndianBytes(std::vector<int64_t>{3, 9})), &y).ok());
  NpyDatasetOptions o;
  o.scale = 1.0f / 255.0f;
  Dataset d;
  ASSERT_TRUE(DatasetFromNpy(x, &y, o, "t", &d).ok());
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.item_shape, Shape(2, 3));  // the trailing shape, kept
  EXPECT_EQ(d.x[5], 255.0f * (1.0f / 255.0f));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{3, 9}));
  o.add_channel = true;
  ASSERT_TRUE(DatasetFromNpy(x, &y, o, "t", &d).ok());
  EXPECT_EQ(d.item_shape, Shape(2, 3, 1));
  // Unlabelled, float64 features, [N, F].
  NpyArray f;
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f8", "(1, 2)"), LittleEndianBytes(std::vector<double>{0.5, -1})), &f).ok());
  ASSERT_TRUE(DatasetFromNpy(f, nullptr, NpyDatasetOptions{}, "t", &d).ok());
  EXPECT_EQ(d.x, (std::vector<float>{0.5f, -1.0f}));
  EXPECT_TRUE(d.labels.empty());
}

TEST(DatasetFromNpy, BadLabelsAndShapes) {
  NpyArray x, y, y_column, y_float, wrong_n, nan_x;
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("|u1", "(3, 2)"), {1, 2, 3, 4, 5, 6}), &x).ok());
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i4", "(3,)"), LittleEndianBytes(std::vector<int32_t>{0, 12, 1})), &y).ok());
  NpyDatasetOptions o;
  o.num_classes = 10;
  Dataset d;
  Status s = DatasetFromNpy(x, &y, o, "data.npz:x", &d);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_STREQ(s.message(), "data.npz:x y item 1: label 12 is not in [0, 10)");
  EXPECT_EQ(d.size(), 0u);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i4", "(3, 1)"), LittleEndianBytes(std::vector<int32_t>{0, -1, 1})), &y_column)
                  .ok());
  s = DatasetFromNpy(x, &y_column, NpyDatasetOptions{}, "t", &d);
  EXPECT_STREQ(s.message(), "t y item 1: label -1 is not a non-negative integer");
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f4", "(3,)"), LittleEndianBytes(std::vector<float>{0, 1.5f, 1})), &y_float).ok());
  EXPECT_EQ(DatasetFromNpy(x, &y_float, NpyDatasetOptions{}, "t", &d).code(), StatusCode::kCorruptData);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<i4", "(2,)"), LittleEndianBytes(std::vector<int32_t>{0, 1})), &wrong_n).ok());
  EXPECT_EQ(DatasetFromNpy(x, &wrong_n, NpyDatasetOptions{}, "t", &d).code(), StatusCode::kShapeMismatch);
  EXPECT_EQ(DatasetFromNpy(y, nullptr, NpyDatasetOptions{}, "t", &d).code(), StatusCode::kShapeMismatch);  // rank 1
  o = NpyDatasetOptions{};
  o.add_channel = true;  // rank 2
  EXPECT_EQ(DatasetFromNpy(x, nullptr, o, "t", &d).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Parse(NpyBytes(NpyHeader("<f4", "(2, 1)"), LittleEndianBytes(std::vector<float>{0, NAN})), &nan_x).ok());
  s = DatasetFromNpy(nan_x, nullptr, NpyDatasetOptions{}, "t", &d);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_NE(std::string(s.message()).find("x item 1"), std::string::npos) << s.message();
}

TEST(LoadNpyDataset, TwoFiles) {
  testing::TempFiles files;
  const std::string xp = files.Add("x.npy"), yp = files.Add("y.npy");
  testing::WriteBytes(xp, NpyBytes(NpyHeader("<f4", "(2, 1)"), LittleEndianBytes(std::vector<float>{0.25f, 0.5f})));
  testing::WriteBytes(yp, NpyBytes(NpyHeader("|u1", "(2,)"), {1, 0}));
  Dataset d;
  ASSERT_TRUE(LoadNpyDataset(xp, yp, NpyDatasetOptions{}, &d).ok());
  EXPECT_EQ(d.x, (std::vector<float>{0.25f, 0.5f}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 0}));
  ASSERT_TRUE(LoadNpyDataset(xp, "", NpyDatasetOptions{}, &d).ok());
  EXPECT_TRUE(d.labels.empty());
}

// What `mote predict --output Y.npy` writes: numpy.save's layout, read back
// unchanged by the parser (values bit for bit, the data 64-aligned).
TEST(EncodeNpy, RoundTripsThroughTheParser) {
  const std::vector<float> v = {1.5f, -0.0f, 3.0e-39f, INFINITY, 7.0f, -2.25f};
  NpyArray a;
  ASSERT_TRUE(NpyFromFloats(v.data(), v.size(), {2, 3}, &a).ok());
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(EncodeNpy(a, &bytes).ok());
  const size_t header_len = size_t(bytes[8]) | size_t(bytes[9]) << 8;
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(bytes.size(), 10 + header_len + 4 * v.size());
  EXPECT_EQ(std::string(bytes.begin() + 10, bytes.begin() + 10 + header_len),
            std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") +
                std::string(header_len - 60, ' ') + "\n");
  NpyArray back;
  ASSERT_TRUE(Parse(bytes, &back).ok());
  EXPECT_EQ(back.dtype, NpyDType::kF32);
  EXPECT_EQ(back.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(back.bytes, a.bytes);
  // One dim is "(3,)", no dims "()"; other dtypes keep theirs.
  NpyArray u8;
  u8.dtype = NpyDType::kU8;
  u8.shape = {3};
  u8.bytes = {1, 2, 255};
  ASSERT_TRUE(EncodeNpy(u8, &bytes).ok());
  ASSERT_TRUE(Parse(bytes, &back).ok());
  EXPECT_EQ(back.dtype, NpyDType::kU8);
  EXPECT_EQ(back.shape, (std::vector<size_t>{3}));
  EXPECT_EQ(back.value(2), 255.0);
  ASSERT_TRUE(NpyFromFloats(v.data(), 1, {}, &a).ok());
  ASSERT_TRUE(EncodeNpy(a, &bytes).ok());
  ASSERT_TRUE(Parse(bytes, &back).ok());
  EXPECT_TRUE(back.shape.empty());
  EXPECT_EQ(back.value(0), 1.5);
}

TEST(EncodeNpy, RefusesInconsistentArrays) {
  const float v[2] = {1.0f, 2.0f};
  NpyArray a;
  EXPECT_EQ(NpyFromFloats(v, 2, {3}, &a).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(a.bytes.empty());
  a.shape = {2};
  a.bytes = {0, 0, 0};  // not 2 x 4 bytes
  std::vector<uint8_t> bytes = {9};
  EXPECT_EQ(EncodeNpy(a, &bytes).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(bytes.empty());
  EXPECT_EQ(EncodeNpy(a, nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
