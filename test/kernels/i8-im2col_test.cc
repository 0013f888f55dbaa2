// I8Im2Col: a hand-computed case with a non-zero padding value and row
// ranges, and agreement with F32Im2Col over channel counts and geometries
// (int8 values are exact in float: im2col(x - pad) + pad must be identical).
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using kernels::Conv2DGeometry;
using testing::AllCases;
using testing::BasicBuffer;
using testing::OddSizes;
using testing::ScopedBackend;
using I8Buffer = BasicBuffer<int8_t>;

TEST(I8Im2ColTest, KnownOutputPaddingReadsPadValue) {
  // 3x3 image 1..9, 2x2 kernel, stride 2, padding 1 top/left: 2x2 outputs.
  const int8_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Conv2DGeometry g{1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 2, 2};
  const int8_t want[16] = {-5, -5, -5, 1,   // window at (-1, -1)
                           -5, -5, 2,  3,   // (-1, 1)
                           -5, 4,  -5, 7,   // (1, -1)
                           5,  6,  8,  9};
  for (const auto& bc : AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    I8Buffer cols(16);
    kernels::I8Im2Col(g, x, -5, 0, g.rows(), cols.data());
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(int(cols[i]), int(want[i])) << "element " << i;
    I8Buffer part(8);  // rows [1, 3) start at `columns`
    kernels::I8Im2Col(g, x, -5, 1, 3, part.data());
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(int(part[i]), int(want[4 + i])) << "element " << i;
    EXPECT_TRUE(part.GuardIntact());
  }
}

TEST(I8Im2ColTest, MatchesF32Im2ColShiftedByPadValue) {
  Rng rng(17);
  const int8_t pad = -128;
  for (size_t c : OddSizes()) {
    if (c > 65) continue;
    const Conv2DGeometry geometries[] = {
        {1, 5, 5, c, 3, 3, 1, 1, 1, 1, 5, 5},  // "same" 3x3
        {2, 6, 7, c, 3, 3, 2, 2, 1, 1, 3, 3},  // stride 2, batch 2
        {1, 5, 4, c, 2, 3, 2, 1, 0, 2, 2, 6},  // mixed strides, right padding
        {1, 3, 3, c, 2, 2, 1, 1, 2, 2, 4, 4},  // first windows entirely in padding
    };
    for (const Conv2DGeometry& g : geometries) {
      const size_t in = g.batch * g.in_h * g.in_w * g.in_c;
      I8Buffer x(in);
      x.FillUniform(rng, -128, 127);
      std::vector<float> shifted(in), f32_cols(g.rows() * g.patch_size());
      for (size_t i = 0; i < in; ++i) shifted[i] = float(x[i]) - float(pad);
      {
        ScopedBackend scalar(Backend::kScalar);
        kernels::F32Im2Col(g, shifted.data(), 0, g.rows(), f32_cols.data());
      }
      const size_t begin = g.rows() / 3, end = g.rows() - 1;
      for (const auto& bc : AllCases()) {
        SCOPED_TRACE(bc.name + " c " + std::to_string(c));
        ScopedBackend backend(bc);
        I8Buffer cols(f32_cols.size(), 3, int8_t(7));
        kernels::I8Im2Col(g, x.data(), pad, 0, g.rows(), cols.data());
        ASSERT_TRUE(cols.GuardIntact());
        for (size_t i = 0; i < cols.size(); ++i) ASSERT_EQ(float(cols[i]), f32_cols[i] + float(pad)) << i;
        I8Buffer part((end - begin) * g.patch_size(), 2);
        kernels::I8Im2Col(g, x.data(), pad, begin, end, part.data());
        ASSERT_TRUE(part.GuardIntact());
        for (size_t i = 0; i < part.size(); ++i)
          ASSERT_EQ(part[i], cols[begin * g.patch_size() + i]) << "row range, element " << i;
      }
    }
  }
}

}  // namespace
}  // namespace mote
