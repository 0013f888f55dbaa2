// Conv2D: hand-computed outputs and gradients (3x3 input, 2x2 kernel,
// stride 2, SAME padding; explicit padding; the direct 1x1 path) on every
// backend, output shapes for each padding rule, gradient checks over strided,
// padded, multi-channel and 1x1 convolutions, a batch smaller than planned,
// Plan errors.
#include "mote/layers/conv2d.h"
#include "mote/threads.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "layer_checks.h"

namespace mote {
namespace {

using testing::BackendCases;
using testing::ExpectGradientsMatch;
using testing::LayerHarness;
using testing::Opts;
using testing::PlanCode;
using testing::ScopedBackend;

TEST(Conv2DTest, ParamsAndOutputShapes) {
  Conv2D layer(4, 3, 2);
  LayerHarness h(layer, {Shape(2, 5, 6, 3)});
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  EXPECT_EQ(h.output_shape(), Shape(2, 3, 5, 4));  // valid
  ASSERT_EQ(h.params.size(), 2u);
  EXPECT_EQ(h.params[0].name, "kernel");
  EXPECT_EQ(h.params[0].shape, Shape(4, 3, 2, 3));
  EXPECT_EQ(h.params[0].role, ParamRole::kWeight);
  EXPECT_EQ(h.params[1].name, "bias");
  EXPECT_EQ(h.params[1].shape, Shape(4));
  EXPECT_EQ(h.params[1].role, ParamRole::kBias);

  struct Case {
    size_t in, k, s;
    Padding p;
    size_t pad, out, pad_before;
  };
  const Case cases[] = {
      {5, 3, 2, Padding::kValid, 0, 2, 0},    {5, 3, 2, Padding::kSame, 0, 3, 1},
      {3, 2, 2, Padding::kSame, 0, 2, 0},     {6, 3, 2, Padding::kSame, 0, 3, 0},
      {7, 3, 1, Padding::kSame, 0, 7, 1},     {4, 4, 1, Padding::kSame, 0, 4, 1},
      {5, 3, 1, Padding::kExplicit, 1, 5, 1}, {2, 3, 1, Padding::kExplicit, 1, 2, 1},
      {5, 2, 3, Padding::kExplicit, 2, 3, 2}, {5, 1, 3, Padding::kSame, 0, 2, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "in " << c.in << " k " << c.k << " s " << c.s << " pad "
                                      << int(c.p) << "/" << c.pad);
    Conv2D conv(1, c.k, 1, Opts(c.s, 1, c.p, c.pad, 0));
    LayerHarness hc(conv, {Shape(1, c.in, 3, 1)});
    ASSERT_TRUE(hc.status().ok()) << hc.status().message();
    EXPECT_EQ(hc.output_shape().h(), c.out);
    EXPECT_EQ(conv.geometry().pad_top, c.pad_before);
    // The same rule on the width axis.
    Conv2D conv_w(1, 1, c.k, Opts(1, c.s, c.p, 0, c.pad));
    LayerHarness hw(conv_w, {Shape(1, 3, c.in, 1)});
    ASSERT_TRUE(hw.status().ok()) << hw.status().message();
    EXPECT_EQ(hw.output_shape().w(), c.out);
    EXPECT_EQ(conv_w.geometry().pad_left, c.pad_before);
  }
}

TEST(Conv2DTest, KnownStride2SamePadding) {
  // 3x3 input, 2x2 kernel, stride 2, SAME: out 2x2, pad_total 1 goes to the
  // bottom / right, so windows are rows/cols {0,1} and {2, pad}.
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Conv2D layer(1, 2, 2, Opts(2, 2, Padding::kSame));
    LayerHarness h(layer, {Shape(1, 3, 3, 1)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 2, 2, 1));
    h.inputs[0] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    h.params[0].values = {1, 2, 3, 4};
    h.params[1].values = {0.5f};
    h.Forward(false);
    const std::vector<float> want = {37.5f, 21.5f, 23.5f, 9.5f};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;

    h.probe = {1, 1, 1, 1};
    h.Backward(true);
    const std::vector<float> dx = {1, 2, 1, 3, 4, 3, 1, 2, 1};
    for (size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
    const std::vector<float> dw = {20, 10, 10, 5};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.params[0].grads[i], dw[i]) << i;
    EXPECT_FLOAT_EQ(h.params[1].grads[0], 4.0f);
  }
}

TEST(Conv2DTest, KnownExplicitPaddingTwoChannels) {
  // 2x2 input with 2 channels, 3x3 kernel, padding 1: every window holds the
  // whole image, so each output is the sum over pixels of w_c * x_c.
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Conv2D layer(1, 3, 3, Opts(1, 1, Padding::kExplicit, 1, 1, false));
    LayerHarness h(layer, {Shape(1, 2, 2, 2)});
    ASSERT_TRUE(h.status().ok());
    ASSERT_EQ(h.output_shape(), Shape(1, 2, 2, 1));
    h.inputs[0] = {1, 10, 2, 20, 3, 30, 4, 40};  // (pixel, channel)
    for (size_t i = 0; i < h.params[0].values.size(); ++i) h.params[0].values[i] = (i % 2 == 0) ? 1.0f : 0.5f;
    h.Forward(false);
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], 10.0f + 50.0f) << i;
  }
}

TEST(Conv2DTest, KnownPointwiseDirectPath) {
  // 1x1, stride 1, valid: y[p, f] = sum_c W[f, c] x[p, c] + b[f], no im2col buffer.
  for (const auto& c : BackendCases()) {
    SCOPED_TRACE(c.name);
    ScopedBackend backend(c);
    Conv2D layer(2, 1, 1);
    LayerHarness h(layer, {Shape(1, 1, 2, 2)});
    ASSERT_TRUE(h.status().ok());
    // No im2col buffer: only the weights in panels for Predict (2 filters x 2
    // taps in a panel of 16, then the bias padded to the panel).
    ASSERT_EQ(h.buffers.size(), 1u);
    EXPECT_EQ(h.buffers[0].values.size(), kernels::F32PanelFloats(2, 2) + kernels::F32PanelFloats(2, 1));
    h.inputs[0] = {1, 2, 3, 4};
    h.params[0].values = {1, 1, 2, -1};
    h.params[1].values = {0, 10};
    h.Forward(false);
    const std::vector<float> want = {3, 10, 7, 12};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.output[i], want[i]) << i;
    h.probe = {1, 0, 0, 1};
    h.Backward(true);
    const std::vector<float> dx = {1, 1, 2, -1};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.input_grads[0][i], dx[i]) << i;
    const std::vector<float> dw = {1, 2, 3, 4};
    for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(h.params[0].grads[i], dw[i]) << i;
  }
}

struct GradCase {
  const char* name;
  Shape input;
  size_t filters, kh, kw;
  Conv2DOptions options;
};

TEST(Conv2DTest, GradientChecks) {
  const GradCase cases[] = {
      {"3x3 stride 2 same", Shape(2, 5, 6, 3), 4, 3, 3, Opts(2, 2, Padding::kSame)},
      {"2x3 explicit pad 1", Shape(2, 4, 5, 2), 3, 2, 3, Opts(1, 1, Padding::kExplicit, 1, 1)},
      {"3x2 valid strides 2,1", Shape(1, 7, 5, 2), 2, 3, 2, Opts(2, 1, Padding::kValid)},
      {"3x3 stride 3 explicit pad 2 no bias", Shape(2, 5, 5, 1), 2, 3, 3,
       Opts(3, 3, Padding::kExplicit, 2, 2, false)},
      {"1x1 direct", Shape(2, 3, 3, 5), 4, 1, 1, Opts(1, 1, Padding::kValid)},
      {"1x1 stride 2", Shape(2, 4, 4, 3), 3, 1, 1, Opts(2, 2, Padding::kValid)},
      {"4x4 same even kernel", Shape(1, 5, 4, 2), 3, 4, 4, Opts(1, 1, Padding::kSame)},
      {"wide 3x3 same", Shape(2, 6, 6, 8), 20, 3, 3, Opts(1, 1, Padding::kSame)},
      // Kernel rows of >= 64 floats: border columns become their own classes.
      {"5x5 same, border column classes", Shape(2, 6, 7, 16), 3, 5, 5, Opts(1, 1, Padding::kSame)},
      {"4x5 stride 2 explicit pad 3, border columns", Shape(1, 7, 9, 13), 2, 4, 5,
       Opts(2, 2, Padding::kExplicit, 3, 3, false)},
  };
  for (const GradCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::printf("  %s\n", c.name);
    Conv2D layer(c.filters, c.kh, c.kw, c.options);
    LayerHarness h(layer, {c.input}, 11);
    ExpectGradientsMatch(h);
  }
}

// Forward, weight and input gradients of a convolution in double, straight
// from the definition (no im2col), for comparison with the layer.
struct DirectConv {
  std::vector<double> y, dw, dx;
};
DirectConv DirectReference(const kernels::Conv2DGeometry& g, size_t filters, const std::vector<float>& x,
                           const std::vector<float>& w, const std::vector<float>& bias,
                           const std::vector<float>& dy) {
  DirectConv r;
  r.y.assign(g.rows() * filters, 0.0);
  r.dw.assign(w.size(), 0.0);
  r.dx.assign(x.size(), 0.0);
  for (size_t n = 0; n < g.batch; ++n)
    for (size_t oy = 0; oy < g.out_h; ++oy)
      for (size_t ox = 0; ox < g.out_w; ++ox)
        for (size_t f = 0; f < filters; ++f) {
          const size_t out = ((n * g.out_h + oy) * g.out_w + ox) * filters + f;
          double sum = bias.empty() ? 0.0 : bias[f];
          for (size_t ky = 0; ky < g.kernel_h; ++ky)
            for (size_t kx = 0; kx < g.kernel_w; ++kx) {
              const long y = long(oy * g.stride_h + ky) - long(g.pad_top);
              const long xx = long(ox * g.stride_w + kx) - long(g.pad_left);
              if (y < 0 || y >= long(g.in_h) || xx < 0 || xx >= long(g.in_w)) continue;
              for (size_t c = 0; c < g.in_c; ++c) {
                const size_t xi = ((n * g.in_h + size_t(y)) * g.in_w + size_t(xx)) * g.in_c + c;
                const size_t wi = ((f * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c + c;
                sum += double(x[xi]) * w[wi];
                r.dw[wi] += double(dy[out]) * x[xi];
                r.dx[xi] += double(dy[out]) * w[wi];
              }
            }
          r.y[out] = sum;
        }
  return r;
}

struct ReferenceCase {
  const char* name;
  Shape input;
  size_t filters, kh, kw;
  Conv2DOptions options;
};
enum class Columns { kTiled, kKept };
enum class Weights { kInPlace, kPacked };

// Forward and both gradients of the layer on every backend against
// DirectReference, after checking that the case takes the intended path.
void ExpectMatchesDirectReference(const ReferenceCase& c, Columns columns, Weights weights) {
  SCOPED_TRACE(c.name);
  for (const auto& bc : BackendCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    // The im2col paths named by the case (Winograd's own test is
    // conv2d_winograd_test.cc; its rounding is larger than this tolerance).
    Conv2DOptions im2col = c.options;
    im2col.algorithm = ConvAlgorithm::kIm2col;
    Conv2D layer(c.filters, c.kh, c.kw, im2col);
    LayerHarness h(layer, {c.input}, 21);
    ASSERT_TRUE(h.status().ok()) << h.status().message();
    const kernels::Conv2DGeometry& g = layer.geometry();
    const size_t limit = size_t(1) << 18;  // column floats kept / weight floats read in place
    ASSERT_EQ(g.rows() * g.patch_size() > limit, columns == Columns::kTiled) << "columns path";
    ASSERT_EQ(c.filters * g.patch_size() > limit, weights == Weights::kPacked) << "weights path";
    h.Forward(true);
    h.Backward(true);
    const std::vector<float> no_bias;
    const DirectConv want = DirectReference(g, c.filters, h.inputs[0], h.params[0].values,
                                            c.options.use_bias ? h.params[1].values : no_bias, h.probe);
    auto expect_near = [](const std::vector<double>& expected, const std::vector<float>& got, const char* what) {
      ASSERT_EQ(expected.size(), got.size()) << what;
      for (size_t i = 0; i < expected.size(); ++i)
        ASSERT_NEAR(got[i], expected[i], 1e-4 * (1.0 + std::fabs(expected[i]))) << what << " " << i;
    };
    expect_near(want.y, h.output, "output");
    expect_near(want.dw, h.params[0].grads, "kernel gradient");
    expect_near(want.dx, h.input_grads[0], "input gradient");
  }
}

TEST(Conv2DTest, TiledPaddedLayersMatchDirectReference) {
  // Large enough that the columns are built in tiles per row class (not
  // kept), with tiles crossing images, border classes gathered and
  // scattered, and windows that lie entirely in the padding.
  const ReferenceCase cases[] = {
      {"5x5 stride 1 same (seed conv3)", Shape(3, 13, 11, 40), 7, 5, 5, Opts(1, 1, Padding::kSame)},
      {"5x4 stride 2 same (seed conv2)", Shape(3, 30, 29, 24), 5, 5, 4, Opts(2, 2, Padding::kSame)},
      {"3x3 stride 2 explicit pad 3, no bias", Shape(2, 40, 9, 120), 3, 3, 3,
       Opts(2, 1, Padding::kExplicit, 3, 1, false)},
  };
  for (const ReferenceCase& c : cases) ExpectMatchesDirectReference(c, Columns::kTiled, Weights::kInPlace);
}

// Predict (ForwardArgs::predict) on every backend against the definition and
// against the inference Forward: batches 1 and 2 take the row path
// (src/layers/conv_rows.h: kernels::F32ConvPanels on the weights packed in
// panels of 16 channels) on SIMD backends, 5 (over kRowsMaxBatch) the GEMMs.
// Strides, padding (windows entirely in it too), 1, 3, 9 and 40 channels,
// 3 to 37 filters (partial panels, several panels), the 1x1 direct conv, the
// seed network's first and third convolutions.
TEST(Conv2DTest, PredictMatchesDirectReference) {
  const ReferenceCase cases[] = {
      {"3x3 stride 1 same, 1 channel", Shape(5, 7, 9, 1), 5, 3, 3, Opts(1, 1, Padding::kSame)},
      {"5x5 stride 2 same, 1 channel, no bias (seed conv1)", Shape(5, 11, 10, 1), 3, 5, 5,
       Opts(2, 2, Padding::kSame, 0, 0, false)},
      {"5x3 strides 2,1 explicit pad 2,1, 3 channels", Shape(5, 9, 8, 3), 7, 5, 3,
       Opts(2, 1, Padding::kExplicit, 2, 1)},
      {"4x4 valid stride 3, 3 channels", Shape(5, 10, 11, 3), 6, 4, 4, Opts(3, 3, Padding::kValid)},
      {"3x3 stride 2 pad 3: rows of windows in the padding", Shape(5, 4, 5, 3), 9, 3, 3,
       Opts(2, 2, Padding::kExplicit, 3, 3)},
      {"3x3 strides 2,3 pad 3,1, 9 channels: dot products, rows in the padding", Shape(5, 5, 7, 9), 6, 3, 3,
       Opts(2, 3, Padding::kExplicit, 3, 1)},
      {"1x1 direct", Shape(5, 3, 5, 3), 4, 1, 1, Opts(1, 1, Padding::kValid)},
      {"5x5 same, 40 channels, no bias (seed conv3)", Shape(5, 7, 7, 40), 17, 5, 5,
       Opts(1, 1, Padding::kSame, 0, 0, false)},
      {"3x2 strides 3,2 valid, 5 channels, 37 filters: three panels", Shape(5, 10, 9, 5), 37, 3, 2,
       Opts(3, 2, Padding::kValid)},
      {"1x1 direct, 7 channels, 33 filters", Shape(5, 2, 3, 7), 33, 1, 1, Opts(1, 1, Padding::kValid)},
  };
  for (const ReferenceCase& c : cases) {
    SCOPED_TRACE(c.name);
    for (const auto& bc : BackendCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      Conv2D layer(c.filters, c.kh, c.kw, c.options);
      LayerHarness h(layer, {c.input}, 23);
      ASSERT_TRUE(h.status().ok()) << h.status().message();
      const kernels::Conv2DGeometry& g = layer.geometry();
      const std::vector<float> no_bias;
      const DirectConv want = DirectReference(g, c.filters, h.inputs[0], h.params[0].values,
                                              c.options.use_bias ? h.params[1].values : no_bias, h.probe);
      const size_t per_image = g.out_h * g.out_w * c.filters;
      for (size_t batch : {size_t(1), size_t(2), size_t(5)}) {
        SCOPED_TRACE(batch);
        h.Forward(false, batch);
        const std::vector<float> inference = h.output;
        std::fill(h.output.begin(), h.output.end(), -7.0f);
        h.Forward(false, batch, /*predict=*/true);
        for (size_t i = 0; i < batch * per_image; ++i) {
          const double bound = 1e-4 * (1.0 + std::fabs(want.y[i]));
          ASSERT_NEAR(h.output[i], want.y[i], bound) << i;
          ASSERT_NEAR(h.output[i], inference[i], bound) << i;
        }
        for (size_t i = batch * per_image; i < h.output.size(); ++i) ASSERT_EQ(h.output[i], -7.0f) << i;
      }
    }
  }
}

TEST(Conv2DTest, LargeWeightsPackedPerClassMatchDirectReference) {
  // filters x patch > 256K floats: weights packed once per row class.
  const ReferenceCase c = {"5x5 same, 263 filters", Shape(1, 4, 5, 40), 263, 5, 5, Opts(1, 1, Padding::kSame)};
  ExpectMatchesDirectReference(c, Columns::kKept, Weights::kPacked);
}

TEST(Conv2DTest, SmallerBatchThanPlanned) {
  auto same = [] { return std::unique_ptr<Layer>(new Conv2D(3, 3, 3, Opts(2, 2, Padding::kSame))); };
  testing::ExpectSmallerBatchMatches(same, {Shape(4, 5, 5, 2)}, 1);
  testing::ExpectSmallerBatchMatches(same, {Shape(4, 5, 5, 2)}, 3);
  auto direct = [] { return std::unique_ptr<Layer>(new Conv2D(5, 1, 1)); };
  testing::ExpectSmallerBatchMatches(direct, {Shape(3, 4, 4, 3)}, 2);
}

TEST(Conv2DTest, PlanErrors) {
  Conv2D layer(2, 3, 3);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 8, 3)}), StatusCode::kShapeMismatch);
  {
    LayerHarness h(layer, {Shape(2, 16)});
    EXPECT_STREQ(h.status().message(), "Conv2D: input must be rank 4 [N, H, W, C]");
  }
  EXPECT_EQ(PlanCode(layer, {Shape(1, 2, 5, 1)}), StatusCode::kShapeMismatch);  // kernel > input (valid)
  EXPECT_EQ(PlanCode(layer, {Shape(1, 5, 5, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(1, 5, 5, 1), Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  Conv2D zero_filters(0, 3, 3);
  EXPECT_EQ(PlanCode(zero_filters, {Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  Conv2D zero_kernel(2, 0, 3);
  EXPECT_EQ(PlanCode(zero_kernel, {Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  Conv2D zero_stride(2, 3, 3, Opts(1, 0, Padding::kSame));
  EXPECT_EQ(PlanCode(zero_stride, {Shape(1, 5, 5, 1)}), StatusCode::kInvalidArgument);
  Conv2D big_explicit(2, 5, 5, Opts(1, 1, Padding::kExplicit, 1, 0));
  EXPECT_EQ(PlanCode(big_explicit, {Shape(1, 3, 5, 1)}), StatusCode::kOk);           // 3 + 2 >= 5
  EXPECT_EQ(PlanCode(big_explicit, {Shape(1, 5, 4, 1)}), StatusCode::kShapeMismatch);  // width 4 < 5
  Conv2D same(2, 7, 7, Opts(1, 1, Padding::kSame));
  EXPECT_EQ(PlanCode(same, {Shape(1, 2, 2, 1)}), StatusCode::kOk);  // SAME always fits
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

// The chunked Forward / Backward of a thread pool give the serial path's
// outputs and gradients bit for bit, for every thread count: the seed
// network's three geometries (border-column classes in the third), a batch
// that does not fill the last chunk, and a bias; the first two with batches of
// several weight-gradient image chunks (partial dWs added in order), the
// third with 23 images (input-gradient chunks on both sides of the half the
// backward pass orders its chunks by; by the automatic choice its forward pass
// and input gradient run as Winograd, in 4 chunks of images: asserted here);
// kernel rows of 80 floats (weight chunks of several kernel rows, columns kept
// by Forward) and of 640 (chunks of two taps and three, within a kernel row);
// an unpadded one (a single class of rows, whose output gradient the chunks
// read in place).
TEST(Conv2DThreads, ChunkedPassesEqualTheSerialOnesBitForBit) {
  struct Case {
    size_t n, h, c, filters, stride;
    bool bias;
    Padding padding = Padding::kSame;
  };
  for (const Case& k : {Case{5, 28, 1, 10, 2, false}, Case{3, 14, 10, 40, 2, true}, Case{7, 7, 40, 80, 1, false},
                        Case{2, 7, 16, 8, 1, true}, Case{12, 14, 10, 40, 2, false}, Case{23, 7, 40, 80, 1, false},
                        Case{2, 7, 128, 16, 1, true}, Case{4, 9, 16, 12, 1, true, Padding::kValid}}) {
    Conv2DOptions o;
    o.stride_h = o.stride_w = k.stride;
    o.padding = k.padding;
    o.use_bias = k.bias;
    if (k.n == 23 && getenv("MOTE_CONV_ALGO") == nullptr) {
      Conv2D probe(k.filters, 5, 5, o);
      testing::LayerHarness h(probe, {Shape(k.n, k.h, k.h, k.c)}, 1);
      EXPECT_TRUE(probe.winograd_forward() && probe.winograd_input_grad());
    }
    testing::ExpectSameResultsForEveryThreadCount([&] { return std::make_unique<Conv2D>(k.filters, 5, 5, o); },
                                                  {Shape(k.n, k.h, k.h, k.c)}, true,
                                                  "case h=" + std::to_string(k.h) + " c=" + std::to_string(k.c));
  }
}

// Predict on a few images with a pool (one image per chunk on the row path)
// gives the pool-less outputs bit for bit, for 1, 2, 3 and 8 threads.
TEST(Conv2DThreads, PredictEqualsTheSerialOneBitForBit) {
  struct Case {
    Shape input;
    size_t filters, kernel, stride;
  };
  // The seed network's first conv and a narrow third (cheap under emulation).
  for (const Case& k : {Case{Shape(4, 28, 28, 1), 10, 5, 2}, Case{Shape(4, 7, 7, 40), 16, 5, 1},
                        Case{Shape(3, 9, 8, 3), 7, 3, 2}}) {
    SCOPED_TRACE(k.filters);
    Conv2DOptions o;
    o.stride_h = o.stride_w = k.stride;
    o.padding = Padding::kSame;
    for (size_t batch = 1; batch <= k.input.dim(0); ++batch) {
      std::vector<float> reference;
      for (size_t threads : {0, 1, 2, 3, 8}) {
        Conv2D layer(k.filters, k.kernel, k.kernel, o);
        LayerHarness h(layer, {k.input}, 7);
        ASSERT_TRUE(h.status().ok());
        std::unique_ptr<ThreadPool> pool(threads ? new ThreadPool(threads) : nullptr);
        h.UsePool(pool.get());
        h.Forward(false, batch, /*predict=*/true);
        if (threads == 0) {
          reference = h.output;
          continue;
        }
        EXPECT_EQ(std::memcmp(h.output.data(), reference.data(), reference.size() * sizeof(float)), 0)
            << "batch " << batch << ", " << threads << " threads";
      }
    }
  }
}

}  // namespace
}  // namespace mote
