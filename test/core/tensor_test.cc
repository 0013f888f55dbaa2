#include "mote/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace mote {
namespace {

TEST(Shape, NhwcAccessorsAndElements) {
  const Shape s(2, 5, 7, 3);
  EXPECT_EQ(s.rank(), 4);
  EXPECT_EQ(s.n(), 2u);
  EXPECT_EQ(s.h(), 5u);
  EXPECT_EQ(s.w(), 7u);
  EXPECT_EQ(s.c(), 3u);
  EXPECT_EQ(s.elements(), 210u);
  EXPECT_EQ(s.per_item(), 105u);
  const Shape m(4, 10);
  EXPECT_EQ(m.n(), 4u);
  EXPECT_EQ(m.c(), 10u);
  EXPECT_EQ(m.h(), 1u);
  EXPECT_EQ(m.dim(3), 1u);
  EXPECT_NE(s, m);
  EXPECT_EQ(s, Shape(2, 5, 7, 3));
  EXPECT_NE(Shape(2, 5), Shape(2, 5, 1));
}

TEST(Shape, CheckedElementsCatchesOverflow) {
  size_t e = 0;
  EXPECT_TRUE(Shape(3, 4).CheckedElements(&e).ok());
  EXPECT_EQ(e, 12u);
  const Shape huge(SIZE_MAX / 2, 3);
  EXPECT_EQ(huge.CheckedElements(&e).code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(Shape(SIZE_MAX, 0).CheckedElements(&e).ok());
  EXPECT_EQ(e, 0u);
}

TEST(TensorView, IndexesNhwc) {
  std::vector<float> data(2 * 3 * 4 * 5);
  for (size_t i = 0; i < data.size(); ++i) data[i] = float(i);
  const FloatView v{data.data(), Shape(2, 3, 4, 5)};
  EXPECT_EQ(v.at(1, 2, 3, 4), float(((1 * 3 + 2) * 4 + 3) * 5 + 4));
  EXPECT_EQ(v.at(0, 0, 1, 0), 5.0f);
  const FloatView m{data.data(), Shape(12, 10)};
  EXPECT_EQ(m.at(3, 7), 37.0f);
}

}  // namespace
}  // namespace mote
