#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "data_test_util.h"
#include "mote/data.h"

namespace mote {
namespace {

bool HaveFashionMnist() {
  const std::string dir = kFashionMnistDir;
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                           "t10k-labels-idx1-ubyte.gz"}) {
    if (access((dir + "/" + name).c_str(), R_OK) != 0) return false;
  }
  return true;
}

void CheckSplit(const Dataset& d, size_t n) {
  ASSERT_EQ(d.size(), n);
  EXPECT_EQ(d.item_shape, Shape(28, 28, 1));
  ASSERT_EQ(d.x.size(), n * 784);
  ASSERT_EQ(d.labels.size(), n);
  EXPECT_TRUE(ValidateDataset(d).ok());
  // Fashion-MNIST is balanced: n / 10 items of each class.
  std::vector<size_t> per_class(10, 0);
  for (int32_t l : d.labels) {
    ASSERT_GE(l, 0);
    ASSERT_LE(l, 9);
    ++per_class[static_cast<size_t>(l)];
  }
  for (size_t c : per_class) EXPECT_EQ(c, n / 10);
  const auto [lo, hi] = std::minmax_element(d.x.begin(), d.x.end());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 1.0f);
  // Pixels are multiples of 1/255.
  for (size_t i = 0; i < d.x.size(); i += 997) {
    const float v = d.x[i] * 255.0f;
    EXPECT_NEAR(v, static_cast<float>(static_cast<int>(v + 0.5f)), 1e-3f);
  }
}

TEST(FashionMnist, LoadsTheDebianPackageFiles) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (" << kFashionMnistDir << ")";
  Dataset train, test;
  const Status s = LoadFashionMnist(&train, &test);
  ASSERT_TRUE(s.ok()) << s.message();
  CheckSplit(train, 60000);
  CheckSplit(test, 10000);
  // The first training item of Fashion-MNIST is an ankle boot (class 9), the first test item too.
  EXPECT_EQ(train.labels[0], 9);
  EXPECT_EQ(test.labels[0], 9);
  EXPECT_EQ(NumClasses(train), 10);
}

TEST(FashionMnist, TestPartOnly) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  Dataset test;
  ASSERT_TRUE(LoadFashionMnist(kFashionMnistDir, nullptr, &test).ok());
  EXPECT_EQ(test.size(), 10000u);
}

class UserDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempPath("fmnist_dir");
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  }
  void TearDown() override {
    for (const std::string& p : written_) std::remove(p.c_str());
    rmdir(dir_.c_str());
  }
  void Raw(const char* name, const std::vector<uint8_t>& bytes) {
    written_.push_back(dir_ + "/" + name);
    testing::WriteBytes(written_.back(), bytes);
  }
  void Gz(const char* name, const std::vector<uint8_t>& bytes) {
    written_.push_back(dir_ + "/" + name);
    testing::WriteGzip(written_.back(), bytes);
  }
  std::string dir_;
  std::vector<std::string> written_;
};

TEST_F(UserDir, UncompressedAndMixedNames) {
  Raw("train-images-idx3-ubyte", testing::IdxU8({2, 2, 2}, {0, 255, 0, 255, 1, 1, 1, 1}));
  Raw("train-labels-idx1-ubyte", testing::IdxU8({2}, {3, 4}));
  Gz("t10k-images-idx3-ubyte.gz", testing::IdxU8({1, 2, 2}, {9, 9, 9, 9}));
  Raw("t10k-labels-idx1-ubyte", testing::IdxU8({1}, {7}));
  Dataset train, test;
  const Status s = LoadFashionMnist(dir_ + "/", &train, &test);  // a trailing '/' is fine
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(train.size(), 2u);
  EXPECT_EQ(train.item_shape, Shape(2, 2, 1));
  EXPECT_EQ(train.labels, (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(test.size(), 1u);
  EXPECT_EQ(test.labels, (std::vector<int32_t>{7}));
  EXPECT_FLOAT_EQ(test.x[0], 9.0f / 255.0f);
}

TEST_F(UserDir, MissingFileClearsBothOutputs) {
  Raw("train-images-idx3-ubyte", testing::IdxU8({1, 1, 1}, {1}));
  Raw("train-labels-idx1-ubyte", testing::IdxU8({1}, {1}));
  Dataset train, test;
  const Status s = LoadFashionMnist(dir_, &train, &test);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_STREQ(s.message(), "file not found");
  EXPECT_EQ(train.size(), 0u);
  EXPECT_EQ(test.size(), 0u);
}

TEST(FashionMnist, MissingDirectory) {
  Dataset train;
  const Status s = LoadFashionMnist(testing::TempPath("no-such-dir"), &train, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_STREQ(s.message(), "fashion-mnist: directory not found (Debian: apt-get install dataset-fashion-mnist)");
}

}  // namespace
}  // namespace mote
