// .npz archives (src/data/npz.cc): archives written with libzip by the test,
// stored and deflated, Keras's mnist.npz layout, and damaged ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "data_test_util.h"
#include "mote/npy.h"
#include "npy_test_util.h"

namespace mote {
namespace {

#if MOTE_HAVE_LIBZIP
using testing::LittleEndianBytes;
using testing::NpyBytes;
using testing::NpyHeader;
using testing::ZipMember;

// mnist.npz in miniature: x_train [3, 2, 2] uint8, y_train [3] uint8,
// x_test [1, 2, 2], y_test [1] int64.
std::vector<ZipMember> MiniMnist(bool deflate) {
  return {
      {"x_train.npy", NpyBytes(NpyHeader("|u1", "(3, 2, 2)"), {0, 255, 0, 255, 1, 2, 3, 4, 10, 20, 30, 40}), deflate},
      {"y_train.npy", NpyBytes(NpyHeader("|u1", "(3,)"), {5, 0, 9}), deflate},
      {"x_test.npy", NpyBytes(NpyHeader("|u1", "(1, 2, 2)"), {9, 8, 7, 6}), deflate},
      {"y_test.npy", NpyBytes(NpyHeader("<i8", "(1,)"), LittleEndianBytes(std::vector<int64_t>{2})), deflate},
  };
}

TEST(ReadNpz, StoredAndDeflatedArchives) {
  ASSERT_TRUE(NpzSupported());
  testing::TempFiles files;
  for (const bool deflate : {false, true}) {
    const std::string path = files.Add(deflate ? "deflated.npz" : "stored.npz");
    testing::WriteZip(path, MiniMnist(deflate));
    NpzArchive a;
    ASSERT_TRUE(ReadNpz(path, &a).ok()) << path;
    EXPECT_EQ(a.keys, (std::vector<std::string>{"x_train", "y_train", "x_test", "y_test"}));
    ASSERT_NE(a.Find("x_train"), nullptr);
    EXPECT_EQ(a.Find("x_train")->shape, (std::vector<size_t>{3, 2, 2}));
    EXPECT_EQ(a.Find("y_test")->dtype, NpyDType::kI64);
    EXPECT_EQ(a.Find("nothing"), nullptr);
  }
}

TEST(LoadNpzDataset, KerasMnistLayout) {
  testing::TempFiles files;
  const std::string path = files.Add("mnist.npz");
  testing::WriteZip(path, MiniMnist(true));
  NpyDatasetOptions o;
  o.scale = 1.0f / 255.0f;
  o.add_channel = true;
  o.num_classes = 10;
  Dataset train, test;
  ASSERT_TRUE(LoadNpzDataset(path, "x_train", "y_train", o, &train).ok());
  ASSERT_TRUE(LoadNpzDataset(path, "x_test", "y_test", o, &test).ok());
  EXPECT_EQ(train.size(), 3u);
  EXPECT_EQ(train.item_shape, Shape(2, 2, 1));
  EXPECT_EQ(train.x[1], 1.0f);
  EXPECT_EQ(train.labels, (std::vector<int32_t>{5, 0, 9}));
  EXPECT_EQ(test.labels, (std::vector<int32_t>{2}));
  Dataset d;
  const Status s = LoadNpzDataset(path, "x_valid", "y_train", o, &d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_STREQ(s.message(), "npz: the archive has no array 'x_valid'");
  o.num_classes = 9;
  EXPECT_EQ(LoadNpzDataset(path, "x_train", "y_train", o, &d).code(), StatusCode::kCorruptData);
}

TEST(ReadNpz, DamagedArchivesAreRefused) {
  testing::TempFiles files;
  NpzArchive a;
  EXPECT_EQ(ReadNpz(files.Add("missing.npz"), &a).code(), StatusCode::kIoError);

  const std::string not_zip = files.Add("not_zip.npz");
  testing::WriteText(not_zip, "this is not a zip archive at all");
  EXPECT_EQ(ReadNpz(not_zip, &a).code(), StatusCode::kCorruptData);

  // Cut short: the central directory at the end is gone.
  const std::string whole = files.Add("whole.npz"), cut = files.Add("cut.npz");
  testing::WriteZip(whole, MiniMnist(true));
  std::vector<uint8_t> bytes = testing::ReadBytes(whole);
  testing::WriteBytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + bytes.size() / 2));
  EXPECT_EQ(ReadNpz(cut, &a).code(), StatusCode::kCorruptData);

  // A flipped byte inside a stored member's data: the CRC check fails.
  const std::string stored = files.Add("stored.npz"), flipped = files.Add("flipped.npz");
  testing::WriteZip(stored, {{"x.npy", NpyBytes(NpyHeader("|u1", "(4,)"), {1, 2, 3, 4}), false}});
  bytes = testing::ReadBytes(stored);
  const std::vector<uint8_t> data = {1, 2, 3, 4};
  size_t at = 0;
  for (size_t i = 0; i + 4 <= bytes.size(); ++i)
    if (std::equal(data.begin(), data.end(), bytes.begin() + long(i))) at = i;
  ASSERT_NE(at, 0u);
  bytes[at] ^= 0x40;
  testing::WriteBytes(flipped, bytes);
  Status s = ReadNpz(flipped, &a);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData) << s.message();
  EXPECT_NE(std::string(s.message()).find("x.npy"), std::string::npos) << s.message();

  // A member that is no .npy, a member that is a broken .npy.
  const std::string other = files.Add("other.npz");
  testing::WriteZip(other, {{"notes.txt", {'h', 'i'}, false}});
  s = ReadNpz(other, &a);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_NE(std::string(s.message()).find("notes.txt"), std::string::npos) << s.message();
  const std::string broken = files.Add("broken.npz");
  testing::WriteZip(broken, {{"x.npy", NpyBytes(NpyHeader(">f4", "(1,)"), {0, 0, 0, 0}), true}});
  s = ReadNpz(broken, &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(std::string(s.message()).find("member 'x.npy'"), std::string::npos) << s.message();
  EXPECT_NE(std::string(s.message()).find("big-endian"), std::string::npos) << s.message();
  EXPECT_TRUE(a.keys.empty());
}
#else
TEST(ReadNpz, WithoutLibzipSaysSo) {
  EXPECT_FALSE(NpzSupported());
  NpzArchive a;
  const Status s = ReadNpz("whatever.npz", &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(std::string(s.message()).find("libzip"), std::string::npos);
}
#endif

}  // namespace
}  // namespace mote
