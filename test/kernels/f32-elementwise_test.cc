// Elementwise kernels: hand-computed scalar results, then every kernel of the
// family's list section on every SIMD path against the scalar reference on odd
// sizes, misaligned buffers and in place. These kernels round exactly like
// the reference.
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllEqual;
using testing::AllNear;
using testing::Buffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

TEST(F32ElementwiseTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  const float a[3] = {1.0f, -2.0f, 0.5f};
  const float b[3] = {4.0f, 3.0f, -0.25f};
  float y[3];
  kernels::F32Add(3, a, b, y);
  const float add[3] = {5.0f, 1.0f, 0.25f};
  EXPECT_TRUE(AllNear(add, y, 3, 0.0f, 0.0f));
  kernels::F32Mul(3, a, b, y);
  const float mul[3] = {4.0f, -6.0f, -0.125f};
  EXPECT_TRUE(AllNear(mul, y, 3, 0.0f, 0.0f));
  float acc[3] = {1.0f, 1.0f, 1.0f};
  kernels::F32Axpy(3, 2.0f, a, acc);
  const float axpy[3] = {3.0f, -3.0f, 2.0f};
  EXPECT_TRUE(AllNear(axpy, acc, 3, 0.0f, 0.0f));
  kernels::F32Scale(3, -3.0f, a, y);
  const float scale[3] = {-3.0f, 6.0f, -1.5f};
  EXPECT_TRUE(AllNear(scale, y, 3, 0.0f, 0.0f));
}

// Every kernel of the elementwise section of include/mote/kernel_list.inc
// against the scalar reference, registered from the list: its arguments are
// made from its parameter types (size_t n first, then floats, input and
// output arrays of n floats, in any order), on odd sizes and misaligned
// buffers, out of place and with the output in place of each input in turn.
// Outputs start from random values (Axpy reads its output).
const float kScalars[] = {-1.75f, 2.5f, 0.5f};

struct ElementwiseArgs {
  size_t n;
  std::vector<Buffer> inputs;
  Buffer output;
  int in_place;  // the input the output replaces, or -1
  size_t next_input = 0, next_scalar = 0;

  ElementwiseArgs(size_t n, int in_place, Rng& rng) : n(n), output(n, 3), in_place(in_place) {
    for (int i = 0; i < 4; ++i) {
      inputs.emplace_back(n, size_t(1 + i));
      inputs.back().FillUniform(rng, -4.0f, 4.0f);
    }
    output.FillUniform(rng, -4.0f, 4.0f);
    if (in_place >= 0)
      for (size_t i = 0; i < n; ++i) output[i] = inputs[size_t(in_place)][i];
  }
  template <typename T>
  T Next() {
    if constexpr (std::is_same<T, float>::value) {
      return kScalars[next_scalar++];
    } else if constexpr (std::is_same<T, const float*>::value) {
      const size_t i = next_input++;
      return int(i) == in_place ? output.data() : inputs[i].data();
    } else {
      static_assert(std::is_same<T, float*>::value, "elementwise kernels take floats and float arrays");
      return output.data();
    }
  }
  // How many arrays the kernel reads, to try the output in place of each.
  template <typename... Args>
  static int InputCount() {
    return (0 + ... + int(std::is_same<Args, const float*>::value));
  }
};

template <typename... Args>
void CheckElementwiseAgainstScalar(void (*kernel)(size_t, Args...)) {
  for (size_t n : OddSizes()) {
    for (int in_place = -1; in_place < ElementwiseArgs::InputCount<Args...>(); ++in_place) {
      Rng rng(n + 17);
      ElementwiseArgs expected(n, in_place, rng);
      {
        ScopedBackend scalar(Backend::kScalar);
        // Braced initialisation makes the arguments left to right.
        std::apply(kernel, std::tuple<size_t, Args...>{n, expected.Next<Args>()...});
      }
      for (const auto& c : SimdCases()) {
        SCOPED_TRACE(c.name + " n=" + std::to_string(n) + " in place of input " + std::to_string(in_place));
        ScopedBackend backend(c);
        Rng same(n + 17);
        ElementwiseArgs args(n, in_place, same);
        std::tuple<size_t, Args...> call{n, args.Next<Args>()...};
        std::apply(kernel, call);
        EXPECT_TRUE(AllEqual(expected.output, args.output));
        // Zero length touches nothing.
        std::get<0>(call) = 0;
        std::apply(kernel, call);
        EXPECT_TRUE(AllEqual(expected.output, args.output));
      }
    }
  }
}

#define MOTE_KERNEL_FAMILY(family) MOTE_KERNEL_FAMILY_IS_##family
#define MOTE_KERNEL_FAMILY_IS_f32_elementwise 1
#define MOTE_KERNEL(ret, name, params, args) \
  TEST(F32ElementwiseTest, name##MatchesScalar) { CheckElementwiseAgainstScalar(&kernels::name); }
#include "mote/kernel_list.inc"

TEST(F32ElementwiseTest, SimdCasesExist) {
  // Guards against a build where the SIMD loops above silently run nothing.
#if !MOTE_HAVE_HWY && !MOTE_HAVE_XSIMD
  GTEST_SKIP() << "built without SIMD backends (-Dsimd=)";
#endif
  EXPECT_FALSE(SimdCases().empty());
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

TEST(F32ClampBackwardTest, KnownOutputOnEveryBackend) {
  // y from clamp(x, 0, 6): gradient passes strictly inside (0, 6) only.
  const float y[] = {0.0f, 0.5f, 6.0f, 3.0f, -0.0f, 5.999f, 1e-30f};
  const float dy[] = {1, 2, 3, 4, 5, 6, 7};
  const float want[] = {0, 2, 0, 4, 0, 6, 7};
  std::vector<testing::BackendCase> cases = testing::SimdCases();
  cases.push_back({Backend::kScalar, 0, "scalar"});
  for (const auto& c : cases) {
    testing::ScopedBackend scoped(c);
    float dx[7];
    kernels::F32ClampBackward(7, y, dy, 0.0f, 6.0f, dx);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(dx[i], want[i]) << c.name << " element " << i;
  }
}

}  // namespace
}  // namespace mote
