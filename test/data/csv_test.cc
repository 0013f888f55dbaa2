#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data_test_util.h"
#include "mote/data.h"

namespace mote {
namespace {

using testing::TempFiles;
using testing::WriteText;

struct Result {
  Status status;
  Dataset data;
  CsvError error;
};

Result Read(TempFiles* files, const std::string& text, const CsvOptions& options = CsvOptions(), bool gzip = false) {
  static int counter = 0;
  const std::string path = files->Add("t" + std::to_string(counter++) + ".csv");
  if (gzip) testing::WriteGzip(path, std::vector<uint8_t>(text.begin(), text.end()));
  else WriteText(path, text);
  Result r;
  r.error.line = 99;  // must be reset
  r.status = ReadCsv(path, options, &r.data, &r.error);
  return r;
}

TEST(ReadCsv, LabelLastByDefault) {
  TempFiles files;
  const Result r = Read(&files, "1,2.5,3\n-4,5e-1,0\n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.data.size(), 2u);
  EXPECT_EQ(r.data.item_shape, Shape(2));
  EXPECT_EQ(r.data.x, (std::vector<float>{1.0f, 2.5f, -4.0f, 0.5f}));
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{3, 0}));
  EXPECT_EQ(r.error.line, 0u);
}

TEST(ReadCsv, LabelColumnFromEitherSide) {
  TempFiles files;
  CsvOptions first;
  first.label_column = 0;
  Result r = Read(&files, "7,1,2\n8,3,4\n", first);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{7, 8}));
  EXPECT_EQ(r.data.x, (std::vector<float>{1, 2, 3, 4}));
  CsvOptions second_last;
  second_last.label_column = -2;
  r = Read(&files, "1,7,2\n3,8.0,4\n", second_last);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{7, 8}));
  EXPECT_EQ(r.data.x, (std::vector<float>{1, 2, 3, 4}));
}

TEST(ReadCsv, HeaderCrlfSpacesBlankLinesBomDelimiter) {
  TempFiles files;
  CsvOptions o;
  o.header = true;
  o.delimiter = ';';
  const Result r = Read(&files, "\xEF\xBB\xBF" "a;b;label\r\n 1 ; +2 ;1\r\n\r\n  \n3;4; 0 \r\n\n", o);
  ASSERT_TRUE(r.status.ok()) << r.status.message() << " line " << r.error.line;
  EXPECT_EQ(r.data.x, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{1, 0}));
}

TEST(ReadCsv, TabDelimitedWithoutFinalNewline) {
  TempFiles files;
  CsvOptions o;
  o.delimiter = '\t';
  const Result r = Read(&files, "1\t2\t1\n3\t4\t2", o);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.data.size(), 2u);
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{1, 2}));
}

TEST(ReadCsv, Unlabelled) {
  TempFiles files;
  CsvOptions o;
  o.has_label = false;
  const Result r = Read(&files, "1,2,3\n4,5,6\n", o);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.data.item_shape, Shape(3));
  EXPECT_EQ(r.data.size(), 2u);
  EXPECT_TRUE(r.data.labels.empty());
  EXPECT_TRUE(ValidateDataset(r.data).ok());
}

TEST(ReadCsv, LargestLabelCountsItsClasses) {
  TempFiles files;
  const Result r = Read(&files, "0.5,2147483647\n1.5,0\n", CsvOptions());
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.data.labels[0], 2147483647);
  EXPECT_EQ(NumClasses(r.data), int64_t(1) << 31);
}

TEST(ReadCsv, Gzip) {
  TempFiles files;
  std::string text;
  for (int i = 0; i < 500; ++i) text += std::to_string(i) + "," + std::to_string(i * 0.25) + "," + std::to_string(i % 10) + "\n";
  const Result r = Read(&files, text, CsvOptions(), /*gzip=*/true);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.data.size(), 500u);
  EXPECT_EQ(r.data.x[2 * 499 + 1], 124.75f);
  EXPECT_EQ(r.data.labels[499], 9);
  EXPECT_EQ(NumClasses(r.data), 10);
}

void ExpectFail(const Result& r, StatusCode code, const char* message, size_t line, size_t column) {
  EXPECT_EQ(r.status.code(), code) << r.status.message();
  EXPECT_STREQ(r.status.message(), message);
  EXPECT_EQ(r.error.line, line);
  EXPECT_EQ(r.error.column, column);
  EXPECT_EQ(r.data.size(), 0u);
  EXPECT_TRUE(r.data.x.empty());
  EXPECT_TRUE(r.data.labels.empty());
}

TEST(ReadCsv, EmptyAndHeaderOnly) {
  TempFiles files;
  ExpectFail(Read(&files, ""), StatusCode::kCorruptData, "csv: no data rows", 0, 0);
  ExpectFail(Read(&files, "\n  \n\r\n"), StatusCode::kCorruptData, "csv: no data rows", 0, 0);
  CsvOptions o;
  o.header = true;
  ExpectFail(Read(&files, "a,b,c\n", o), StatusCode::kCorruptData, "csv: no data rows", 0, 0);
}

TEST(ReadCsv, BadNumbersWithLineAndColumn) {
  TempFiles files;
  const char* kBad = "csv: field is not a finite number";
  ExpectFail(Read(&files, "1,2,3\n4,5,6\n7,abc,1\n"), StatusCode::kCorruptData, kBad, 3, 2);
  ExpectFail(Read(&files, "1,2,3\n4,,6\n"), StatusCode::kCorruptData, kBad, 2, 2);
  ExpectFail(Read(&files, "1,2,3\n4,5,\n"), StatusCode::kCorruptData, kBad, 2, 3);
  ExpectFail(Read(&files, "1,nan,3\n"), StatusCode::kCorruptData, kBad, 1, 2);
  ExpectFail(Read(&files, "inf,1,3\n"), StatusCode::kCorruptData, kBad, 1, 1);
  ExpectFail(Read(&files, "1e39,1,3\n"), StatusCode::kCorruptData, kBad, 1, 1);  // beyond float
  ExpectFail(Read(&files, "1.5x,1,3\n"), StatusCode::kCorruptData, kBad, 1, 1);
  ExpectFail(Read(&files, "1,2 3,3\n"), StatusCode::kCorruptData, kBad, 1, 2);
  ExpectFail(Read(&files, "\"1\",2,3\n"), StatusCode::kCorruptData, kBad, 1, 1);
  CsvOptions o;
  o.header = true;
  ExpectFail(Read(&files, "a,b,c\n\n1,2,3\n1,x,3\n", o), StatusCode::kCorruptData, kBad, 4, 2);
}

TEST(ReadCsv, BadLabels) {
  TempFiles files;
  const char* kBad = "csv: label is not a non-negative integer";
  ExpectFail(Read(&files, "1,2,3\n1,2,-1\n"), StatusCode::kCorruptData, kBad, 2, 3);
  ExpectFail(Read(&files, "1,2,0.5\n"), StatusCode::kCorruptData, kBad, 1, 3);
  ExpectFail(Read(&files, "1,2,3e9\n"), StatusCode::kCorruptData, kBad, 1, 3);
}

TEST(ReadCsv, RaggedRows) {
  TempFiles files;
  const char* kRagged = "csv: row has a different number of fields than the first row";
  ExpectFail(Read(&files, "1,2,3\n4,5,6\n\n7,8\n"), StatusCode::kCorruptData, kRagged, 4, 2);
  ExpectFail(Read(&files, "1,2,3\n4,5,6,7\n"), StatusCode::kCorruptData, kRagged, 2, 4);
}

TEST(ReadCsv, BadOptionsAndFiles) {
  TempFiles files;
  CsvOptions o;
  o.label_column = 3;
  ExpectFail(Read(&files, "1,2,3\n", o), StatusCode::kInvalidArgument, "csv: label_column outside the columns", 1, 0);
  o.label_column = -4;
  ExpectFail(Read(&files, "1,2,3\n", o), StatusCode::kInvalidArgument, "csv: label_column outside the columns", 1, 0);
  ExpectFail(Read(&files, "1\n2\n"), StatusCode::kInvalidArgument, "csv: no feature columns besides the label", 1, 0);

  Dataset d;
  const Status missing = ReadCsv(testing::TempPath("missing.csv"), CsvOptions(), &d);
  EXPECT_EQ(missing.code(), StatusCode::kIoError);
  EXPECT_STREQ(missing.message(), "file not found");
  EXPECT_EQ(ReadCsv("x", CsvOptions(), nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(ReadCsv, ScaleAndOffsetApplyToFeaturesNotLabels) {
  TempFiles files;
  CsvOptions o;
  o.scale = 1.0f / 255.0f;
  o.offset = -0.5f;
  const Result r = Read(&files, "0,255,3\n51,102,4\n", o);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  // As LoadIdxDataset computes pixels (float multiply), then the offset.
  const float s = 1.0f / 255.0f;
  EXPECT_EQ(r.data.x, (std::vector<float>{0.0f * s - 0.5f, 255.0f * s - 0.5f, 51.0f * s - 0.5f, 102.0f * s - 0.5f}));
  EXPECT_EQ(r.data.labels, (std::vector<int32_t>{3, 4}));
}

TEST(ReadCsv, ScaleThatOverflowsOrIsNotFinite) {
  TempFiles files;
  CsvOptions o;
  o.scale = 1e30f;
  Result r = Read(&files, "1,2,0\n3,1e10,1\n", o);
  EXPECT_EQ(r.status.code(), StatusCode::kCorruptData);
  EXPECT_EQ(r.error.line, 2u);
  EXPECT_EQ(r.error.column, 2u);
  o.scale = INFINITY;
  EXPECT_EQ(Read(&files, "1,0\n", o).status.code(), StatusCode::kInvalidArgument);
  o.scale = 1.0f;
  o.offset = NAN;
  EXPECT_EQ(Read(&files, "1,0\n", o).status.code(), StatusCode::kInvalidArgument);
}

TEST(ReadCsv, NumClassesChecksEveryLabelWithLineAndColumn) {
  TempFiles files;
  CsvOptions o;
  o.num_classes = 10;
  o.label_column = 0;
  Result r = Read(&files, "9,1,2\n0,3,4\n", o);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  r = Read(&files, "9,1,2\n\n10,3,4\n", o);
  EXPECT_EQ(r.status.code(), StatusCode::kCorruptData);
  EXPECT_STREQ(r.status.message(), "csv: line 3, column 1: label 10 is not in [0, 10)");
  EXPECT_EQ(r.error.line, 3u);
  EXPECT_EQ(r.error.column, 1u);
  EXPECT_EQ(r.data.size(), 0u);  // cleared, not half-filled
  o.num_classes = -1;
  EXPECT_EQ(Read(&files, "1,0\n", o).status.code(), StatusCode::kInvalidArgument);
}

TEST(ReadCsv, CorruptGzip) {
  TempFiles files;
  const std::string path = files.Add("corrupt.csv.gz");
  testing::WriteGzip(path, std::vector<uint8_t>(100, '1'));
  std::vector<uint8_t> gz = testing::ReadBytes(path);
  gz[gz.size() - 8] ^= 1;  // CRC
  testing::WriteBytes(path, gz);
  Dataset d;
  const Status s = ReadCsv(path, CsvOptions(), &d);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_STREQ(s.message(), "gzip data corrupt");
}

}  // namespace
}  // namespace mote
