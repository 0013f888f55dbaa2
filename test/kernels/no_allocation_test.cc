// Every kernel, on every backend and Highway target, allocates nothing: the
// fixed-allocation rule starts here (scratch comes from the caller).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

#include "allocation_counter.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using namespace kernels;

void RunEveryKernel(std::vector<float>& x, std::vector<float>& y, std::vector<float>& z,
                    std::vector<float>& workspace) {
  const Conv2DGeometry conv{2, 9, 9, 3, 3, 3, 2, 2, 1, 1, 5, 5};
  const Pool2DGeometry pool{2, 9, 9, 3, 3, 3, 2, 2, 1, 1, 5, 5};
  F32Gemm(Transpose::kNo, Transpose::kYes, 50, 40, 27, x.data(), 27, y.data(), 27, z.data(), 40, false,
          workspace.data());
  F32Gemm(Transpose::kYes, Transpose::kNo, 27, 40, 50, x.data(), 27, y.data(), 40, z.data(), 40, true,
          workspace.data());
  F32Im2Col(conv, x.data(), 0, conv.rows(), z.data());
  F32Col2Im(conv, z.data(), y.data());
  F32ChannelAffineClamp(50, 10, x.data(), y.data(), y.data() + 10, 0.0f, INFINITY, z.data());
  F32Add(500, x.data(), y.data(), z.data());
  F32Mul(500, x.data(), y.data(), z.data());
  F32Axpy(500, 0.5f, x.data(), z.data());
  F32Scale(500, 2.0f, x.data(), z.data());
  F32ClampBackward(500, x.data(), y.data(), 0.0f, INFINITY, z.data());
  F32ChannelSums(50, 10, x.data(), y.data(), y.data() + 10);
  F32BatchNormCenter(50, 10, x.data(), y.data(), z.data(), y.data() + 10, y.data() + 20);
  F32BatchNormGradSums(50, 10, x.data(), z.data(), y.data(), y.data() + 10, y.data() + 20, y.data() + 30);
  F32BatchNormInputGrad(50, 10, x.data(), z.data(), y.data(), y.data() + 10, y.data() + 20, y.data() + 30,
                        z.data());
  F32Softmax(50, 10, x.data(), z.data());
  F32LogSoftmax(50, 10, x.data(), z.data());
  F32MaxPool(pool, x.data(), z.data());
  F32MaxPoolBackward(pool, x.data(), y.data(), z.data());
  F32AvgPool(pool, x.data(), z.data());
  F32AvgPoolBackward(pool, y.data(), z.data());
}

TEST(NoAllocation, EveryKernelOnEveryBackend) {
  std::vector<float> x(4096, 0.25f), y(4096, 0.5f), z(4096), workspace(F32GemmWorkspaceFloats(50, 40, 50));
  std::vector<testing::BackendCase> cases = testing::SimdCases();
  cases.push_back({Backend::kScalar, 0, "scalar"});
  for (const auto& c : cases) {
    testing::ScopedBackend scoped(c);
    RunEveryKernel(x, y, z, workspace);  // first call: dispatch tables settle
    testing::AllocationScope scope;
    RunEveryKernel(x, y, z, workspace);
    EXPECT_EQ(scope.count(), 0u) << c.name;
  }
}

// Keeps the compiler from eliding an allocation whose result is unused.
void Escape(void* p) { asm volatile("" : : "r"(p) : "memory"); }

TEST(NoAllocation, CounterSeesAllocations) {
  // The counter itself must work, or the test above proves nothing.
  testing::AllocationScope scope;
  std::vector<float>* v = new std::vector<float>(100);  // the vector and its buffer
  Escape(v);
  Escape(v->data());
  void* p = std::malloc(10);
  Escape(p);
  std::free(p);
  void* q = std::calloc(2, 8);
  Escape(q);
  q = std::realloc(q, 4096);
  Escape(q);
  std::free(q);
  void* aligned = ::operator new(16, std::align_val_t(64));
  Escape(aligned);
  ::operator delete(aligned, std::align_val_t(64));
  delete v;
  // Also under AddressSanitizer, where the sanitizer's malloc hook counts.
  EXPECT_EQ(scope.count(), 6u);
}

}  // namespace
}  // namespace mote
