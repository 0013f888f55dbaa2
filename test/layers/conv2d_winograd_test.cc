// Conv2D's Winograd path (src/layers/conv2d_winograd.cc): which convolutions
// take it, its forward pass and input gradient against the im2col path on
// every backend (the weight gradient bit for bit, it stays on im2col), finite
// differences, and bit-identical results for every thread count.
#include <stdlib.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "layer_checks.h"
#include "mote/layers/conv2d.h"
#include "mote/threads.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::ExpectGradientsMatch;
using testing::LayerHarness;
using testing::Opts;
using testing::ScopedBackend;

Conv2DOptions With(Conv2DOptions o, ConvAlgorithm algorithm) {
  o.algorithm = algorithm;
  return o;
}

struct Case {
  const char* name;
  Shape input;
  size_t filters, kernel;
  Conv2DOptions options;
};

// Stride 1 only; tiles that cross the image's bottom and right edges (sizes
// not multiples of 4), channel counts with vector tails, padding 'same',
// 'valid' and explicit (the input gradient's padding kernel - 1 - pad).
const Case kCases[] = {
    {"5x5 same (seed conv3's input)", Shape(2, 7, 7, 40), 12, 5, Opts(1, 1, Padding::kSame)},
    {"5x5 valid, no bias", Shape(2, 11, 9, 6), 5, 5, Opts(1, 1, Padding::kValid, 0, 0, false)},
    {"5x5 explicit pad 1", Shape(2, 6, 10, 17), 3, 5, Opts(1, 1, Padding::kExplicit, 1, 1)},
    {"3x3 same", Shape(2, 9, 10, 17), 12, 3, Opts(1, 1, Padding::kSame)},
    {"3x3 explicit pad 2", Shape(1, 5, 6, 3), 33, 3, Opts(1, 1, Padding::kExplicit, 2, 2)},
};

TEST(Conv2DWinograd, TakesTheConvolutionsItApplies) {
  // Forced: stride 1 square 3x3 / 5x5 only.
  const auto takes = [](Shape in, size_t filters, size_t kh, size_t kw, Conv2DOptions o) {
    Conv2D layer(filters, kh, kw, With(o, ConvAlgorithm::kWinograd));
    LayerHarness h(layer, {in}, 1);
    EXPECT_TRUE(h.status().ok());
    return layer.winograd_forward() && layer.winograd_input_grad();
  };
  EXPECT_TRUE(takes(Shape(2, 7, 7, 4), 3, 5, 5, Opts(1, 1, Padding::kSame)));
  EXPECT_TRUE(takes(Shape(2, 7, 7, 4), 3, 3, 3, Opts(1, 1, Padding::kValid)));
  EXPECT_FALSE(takes(Shape(2, 7, 7, 4), 3, 5, 5, Opts(2, 2, Padding::kSame)));
  EXPECT_FALSE(takes(Shape(2, 7, 7, 4), 3, 3, 5, Opts(1, 1, Padding::kSame)));
  EXPECT_FALSE(takes(Shape(2, 7, 7, 4), 3, 7, 7, Opts(1, 1, Padding::kSame)));
  // Automatic, from the cost estimate: the seed network's third conv both
  // ways; its first (one input channel) and a thin 3x3 neither.
  const auto chosen = [](Shape in, size_t filters, size_t k, int* forward, int* input_grad) {
    Conv2D layer(filters, k, k, Opts(1, 1, Padding::kSame));
    LayerHarness h(layer, {in}, 1);
    *forward = layer.winograd_forward();
    *input_grad = layer.winograd_input_grad();
  };
  if (getenv("MOTE_CONV_ALGO") == nullptr) {
    int f = 0, d = 0;
    chosen(Shape(50, 7, 7, 40), 80, 5, &f, &d);
    EXPECT_TRUE(f && d);
    chosen(Shape(50, 28, 28, 1), 10, 5, &f, &d);
    EXPECT_FALSE(f);
    chosen(Shape(50, 8, 8, 2), 2, 3, &f, &d);
    EXPECT_FALSE(f || d);
  }
  // kIm2col is never Winograd.
  Conv2D layer(80, 5, 5, With(Opts(1, 1, Padding::kSame), ConvAlgorithm::kIm2col));
  LayerHarness h(layer, {Shape(50, 7, 7, 40)}, 1);
  EXPECT_FALSE(layer.winograd_forward() || layer.winograd_input_grad());
}

// Forward and input gradient against the im2col layer with the same weights,
// to the fp32 error of the tiles: test/kernels/f32-winograd_test.cc measures
// F(4x4, 5x5) at about 1.1e-6 of the sum of |products| (F(4x4, 3x3) 5e-7), and
// that sum is at most r^2 C max|x| max|w| (C the input channels of the
// direction: in_c forward, filters for the input gradient); the bound is 4
// times that (and the im2col path's own rounding, far smaller).
TEST(Conv2DWinograd, MatchesIm2colOnEveryBackend) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    for (const auto& bc : BackendCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      Conv2D wino(c.filters, c.kernel, c.kernel, With(c.options, ConvAlgorithm::kWinograd));
      Conv2D plain(c.filters, c.kernel, c.kernel, With(c.options, ConvAlgorithm::kIm2col));
      LayerHarness hw(wino, {c.input}, 5), hp(plain, {c.input}, 5);
      ASSERT_TRUE(hw.status().ok() && hp.status().ok());
      ASSERT_TRUE(wino.winograd_forward() && wino.winograd_input_grad());
      for (LayerHarness* h : {&hw, &hp}) {
        h->Forward(true);
        h->output_grad = h->probe;
        h->Backward(true);
      }
      const double r2 = double(c.kernel * c.kernel), per = c.kernel == 5 ? 4e-6 : 2e-6;
      const double fwd_tol = per * r2 * double(c.input.dim(3)), bwd_tol = per * r2 * double(c.filters);
      ASSERT_EQ(hw.output.size(), hp.output.size());
      for (size_t i = 0; i < hp.output.size(); ++i) ASSERT_NEAR(hw.output[i], hp.output[i], fwd_tol) << i;
      for (size_t i = 0; i < hp.input_grads[0].size(); ++i)
        ASSERT_NEAR(hw.input_grads[0][i], hp.input_grads[0][i], bwd_tol) << i;
      // The weight and bias gradients are im2col's.
      for (size_t p = 0; p < hp.params.size(); ++p)
        EXPECT_EQ(hw.params[p].grads, hp.params[p].grads) << "param " << p;
    }
  }
}

// Few channels: the finite differences divide the forward's rounding by the
// step, and Winograd's (about 10 times im2col's) over 40 channels would
// swamp them. Even so the 5x5 cases measure up to 1.5e-3 on the kernel
// gradient, which is im2col's and exact to fp32 (it matches im2col bit for
// bit above): that is the finite differences' own noise, so the bound is 4e-3
// instead of 1e-3.
TEST(Conv2DWinograd, GradientChecks) {
  const Case cases[] = {
      {"5x5 same", Shape(2, 6, 7, 2), 3, 5, Opts(1, 1, Padding::kSame)},
      {"5x5 explicit pad 1, no bias", Shape(1, 9, 6, 3), 2, 5, Opts(1, 1, Padding::kExplicit, 1, 1, false)},
      {"3x3 same", Shape(2, 5, 6, 3), 4, 3, Opts(1, 1, Padding::kSame)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Conv2D layer(c.filters, c.kernel, c.kernel, With(c.options, ConvAlgorithm::kWinograd));
    LayerHarness h(layer, {c.input}, 11);
    ExpectGradientsMatch(h, false, 4e-3);
  }
}

// One image chunk each here; several chunks (the seed network's third conv
// at 23 images, 4 chunks, Winograd by the automatic choice) are
// Conv2DThreads.ChunkedPassesEqualTheSerialOnesBitForBit in conv2d_test.cc.
TEST(Conv2DWinograd, SameResultsForEveryThreadCount) {
  for (const Case& c : kCases)
    testing::ExpectSameResultsForEveryThreadCount(
        [&] {
          return std::make_unique<Conv2D>(c.filters, c.kernel, c.kernel, With(c.options, ConvAlgorithm::kWinograd));
        },
        {c.input}, true, c.name);
}

}  // namespace
}  // namespace mote
