// Helpers for kernel tests: run a kernel under every SIMD backend (and every
// Highway target the CPU has) and compare with the scalar reference on odd
// sizes and deliberately misaligned buffers.
#pragma once
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "mote/kernels.h"
#include "mote/rng.h"

namespace mote {
namespace testing {

// Sizes every SIMD kernel is checked on: tails around 1, 4, 8, 16 and 64 lanes.
inline const std::vector<size_t>& OddSizes() {
  static const std::vector<size_t> sizes = {1, 2, 3, 7, 17, 63, 64, 65, 1000};
  return sizes;
}

// Channel counts of per-channel kernels (rows x channels): below, between and
// above the vector widths, with and without tails (the seed network's 10, 40, 80).
inline const std::vector<size_t>& ChannelCounts() {
  static const std::vector<size_t> counts = {1, 3, 10, 17, 40, 63, 80};
  return counts;
}

struct BackendCase {
  Backend backend;
  int64_t hwy_target;      // 0: not Highway (or every target)
  std::string name;        // e.g. "hwy/AVX2", "xsimd/avx512bw"
  const char* xsimd_arch = nullptr;  // null: not xsimd (or the best build)
};

// Every SIMD path of this binary on this CPU: each Highway target, then xsimd.
inline std::vector<BackendCase> SimdCases() {
  std::vector<BackendCase> cases;
  if (BackendAvailable(Backend::kHwy)) {
    int64_t targets[32];
    const size_t count = HwyAvailableTargets(targets, 32);
    for (size_t i = 0; i < count && i < 32; ++i)
      cases.push_back({Backend::kHwy, targets[i], std::string("hwy/") + HwyTargetName(targets[i]), nullptr});
  }
  const char* archs[8];
  const size_t arch_count = XsimdAvailableArchs(archs, 8);
  for (size_t i = 0; i < arch_count && i < 8; ++i)
    cases.push_back({Backend::kXsimd, 0, std::string("xsimd/") + archs[i], archs[i]});
  return cases;
}

// The scalar reference followed by every SIMD path (for known-output checks).
inline std::vector<BackendCase> AllCases() {
  std::vector<BackendCase> cases = {{Backend::kScalar, 0, "scalar", nullptr}};
  for (BackendCase& c : SimdCases()) cases.push_back(c);
  return cases;
}

// Selects a backend (and Highway target) for one scope, then restores the
// previous backend and lifts any Highway restriction.
class ScopedBackend {
 public:
  explicit ScopedBackend(Backend backend, int64_t hwy_target = 0, const char* xsimd_arch = nullptr)
      : previous_(ActiveBackend()) {
    EXPECT_TRUE(SetBackend(backend).ok());
    EXPECT_TRUE(RestrictHwyTargets(hwy_target).ok());
    EXPECT_TRUE(SelectXsimdArch(xsimd_arch).ok());
  }
  explicit ScopedBackend(const BackendCase& c) : ScopedBackend(c.backend, c.hwy_target, c.xsimd_arch) {}
  ~ScopedBackend() {
    (void)RestrictHwyTargets(0);
    (void)SelectXsimdArch(nullptr);
    (void)SetBackend(previous_);
  }
  ScopedBackend(const ScopedBackend&) = delete;
  ScopedBackend& operator=(const ScopedBackend&) = delete;

 private:
  Backend previous_;
};

// A buffer whose data() is `misalign` elements past an aligned start, so
// SIMD code must cope with unaligned pointers. Filled with a sentinel pattern
// in the guard zone after the end to catch overruns.
template <typename T>
class BasicBuffer {
 public:
  explicit BasicBuffer(size_t n, size_t misalign = 1, T fill = T(0))
      : storage_(misalign, kSentinel), misalign_(misalign), n_(n) {
    storage_.resize(misalign + n, fill);
    storage_.resize(misalign + n + kGuard, kSentinel);
  }
  T* data() { return storage_.data() + misalign_; }
  const T* data() const { return storage_.data() + misalign_; }
  size_t size() const { return n_; }
  T& operator[](size_t i) { return data()[i]; }
  T operator[](size_t i) const { return data()[i]; }
  // True when nothing wrote past the end.
  bool GuardIntact() const {
    for (size_t i = 0; i < kGuard; ++i)
      if (storage_[misalign_ + n_ + i] != kSentinel) return false;
    return true;
  }
  // Uniform in [lo, hi) (floats) or [lo, hi] (integers).
  void FillUniform(Rng& rng, T lo = T(-1), T hi = T(1)) {
    for (size_t i = 0; i < n_; ++i) {
      if constexpr (std::is_floating_point<T>::value)
        data()[i] = rng.Uniform(lo, hi);
      else
        data()[i] = T(long(lo) + long(rng.Below(uint32_t(long(hi) - long(lo) + 1))));
    }
  }

 private:
  static constexpr size_t kGuard = 32;
  static constexpr T kSentinel = std::is_floating_point<T>::value ? T(-12345.625) : T(91);
  std::vector<T> storage_;
  size_t misalign_, n_;
};
using Buffer = BasicBuffer<float>;

// n floats that end exactly where an inaccessible page begins, so a kernel
// that reads or writes past the end faults instead of passing by luck.
class EndGuardedBuffer {
 public:
  explicit EndGuardedBuffer(size_t n) : n_(n) {
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    bytes_ = (n * sizeof(float) + page - 1) / page * page + page;
    void* base = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) base = nullptr;
    EXPECT_NE(base, nullptr) << "mmap";
    base_ = static_cast<char*>(base);
    if (base_ != nullptr) {
      EXPECT_EQ(mprotect(base_ + bytes_ - page, page, PROT_NONE), 0);
      data_ = reinterpret_cast<float*>(base_ + bytes_ - page) - n;
    }
  }
  ~EndGuardedBuffer() {
    if (base_ != nullptr) munmap(base_, bytes_);
  }
  EndGuardedBuffer(const EndGuardedBuffer&) = delete;
  EndGuardedBuffer& operator=(const EndGuardedBuffer&) = delete;
  float* data() { return data_; }
  const float* data() const { return data_; }
  size_t size() const { return n_; }
  float& operator[](size_t i) { return data_[i]; }
  float operator[](size_t i) const { return data_[i]; }
  void FillUniform(Rng& rng, float lo = -1.0f, float hi = 1.0f) {
    for (size_t i = 0; i < n_; ++i) data_[i] = rng.Uniform(lo, hi);
  }
  void CopyFrom(const float* src) {
    for (size_t i = 0; i < n_; ++i) data_[i] = src[i];
  }

 private:
  size_t n_, bytes_ = 0;
  char* base_ = nullptr;
  float* data_ = nullptr;
};

// Bit-identical elements (any NaN matches any NaN; -0 does not match +0).
inline ::testing::AssertionResult AllEqual(const float* expected, const float* actual, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float e = expected[i], a = actual[i];
    if (!(std::memcmp(&e, &a, sizeof(float)) == 0 || (std::isnan(e) && std::isnan(a))))
      return ::testing::AssertionFailure() << "element " << i << " of " << n << ": expected " << e << ", got "
                                           << a;
  }
  return ::testing::AssertionSuccess();
}

// |expected - actual| <= abs_tol + rel_tol * |expected| for every element.
inline ::testing::AssertionResult AllNear(const float* expected, const float* actual, size_t n,
                                          float rel_tol = 1e-5f, float abs_tol = 1e-6f) {
  for (size_t i = 0; i < n; ++i) {
    const float e = expected[i], a = actual[i];
    const bool same = e == a || (std::isnan(e) && std::isnan(a));  // also equal infinities
    if (!same && !(std::fabs(e - a) <= abs_tol + rel_tol * std::fabs(e)))
      return ::testing::AssertionFailure() << "element " << i << " of " << n << ": expected " << e
                                           << ", got " << a;
  }
  return ::testing::AssertionSuccess();
}
inline ::testing::AssertionResult AllNear(const Buffer& expected, const Buffer& actual,
                                          float rel_tol = 1e-5f, float abs_tol = 1e-6f) {
  if (expected.size() != actual.size()) return ::testing::AssertionFailure() << "size mismatch";
  if (!actual.GuardIntact()) return ::testing::AssertionFailure() << "write past the end of the output";
  return AllNear(expected.data(), actual.data(), expected.size(), rel_tol, abs_tol);
}

inline ::testing::AssertionResult AllEqual(const Buffer& expected, const Buffer& actual) {
  if (expected.size() != actual.size()) return ::testing::AssertionFailure() << "size mismatch";
  if (!actual.GuardIntact()) return ::testing::AssertionFailure() << "write past the end of the output";
  return AllEqual(expected.data(), actual.data(), expected.size());
}

}  // namespace testing
}  // namespace mote
