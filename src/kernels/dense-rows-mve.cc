// The loops of the MVE DenseRows blocks (dense-rows-mve.h), built at -O2
// whatever the build type (src/meson.build). Only for targets with MVE.
#include "src/kernels/dense-rows-mve.h"

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>

namespace mote {
namespace kernels {
namespace mve {
namespace {

// Element traits: Vec, kLanes, Load / LoadFirst (the first `count` lanes,
// the rest 0), Acc (an accumulator), Total (its sum), Zero(), Mac(acc, x, w) and
// Sum(acc).
template <typename T>
struct Ops;

#if __ARM_FEATURE_MVE & 2  // the floating-point half of MVE
template <>
struct Ops<float> {
  using Vec = float32x4_t;
  using Acc = float32x4_t;  // 4 partial sums, added at the end
  using Total = float;
  static constexpr size_t kLanes = 4;
  static Vec Load(const float* p) { return vld1q_f32(p); }
  static Vec LoadFirst(const float* p, size_t count) { return vldrwq_z_f32(p, vctp32q(uint32_t(count))); }
  static Acc Zero() { return vdupq_n_f32(0.0f); }
  static Acc Mac(Acc acc, Vec x, Vec w) { return vfmaq_f32(acc, x, w); }
  static float Sum(Acc v) {
    return (vgetq_lane_f32(v, 0) + vgetq_lane_f32(v, 1)) + (vgetq_lane_f32(v, 2) + vgetq_lane_f32(v, 3));
  }
};
#endif

template <>
struct Ops<int8_t> {
  using Vec = int8x16_t;
  using Acc = int32_t;  // VMLADAVA: 16 products summed into one int32, exact
  using Total = int32_t;
  static constexpr size_t kLanes = 16;
  static Vec Load(const int8_t* p) { return vld1q_s8(p); }
  static Vec LoadFirst(const int8_t* p, size_t count) { return vldrbq_z_s8(p, vctp8q(uint32_t(count))); }
  static Acc Zero() { return 0; }
  static Acc Mac(Acc acc, Vec x, Vec w) { return vmladavaq_s8(acc, x, w); }
  static int32_t Sum(Acc v) { return v; }
};

// Runs step(load) k / kLanes times, then once more with a predicated load
// when k is not a multiple of kLanes; load(ptr) reads a vector at ptr and
// moves ptr past it (a post-incrementing load).
template <typename T, class Step>
inline void AlongK(size_t k, Step step) {
  using O = Ops<T>;
  for (size_t q = k / O::kLanes; q > 0; --q)
    step([](const T*& p) {
      const typename O::Vec v = O::Load(p);
      p += O::kLanes;
      return v;
    });
  if (const size_t count = k % O::kLanes)
    step([count](const T*& p) { return O::LoadFirst(p, count); });
}

// sums = a0 . w0, a0 . w1, a1 . w0, a1 . w1 over k.
template <typename T>
void Block2x2Loop(size_t k, const T* a0, const T* a1, const T* w0, const T* w1,
                                        typename Ops<T>::Total* sums) {
  using O = Ops<T>;
  typename O::Acc s00 = O::Zero(), s01 = s00, s10 = s00, s11 = s00;
  AlongK<T>(k, [&](auto load) {
    const typename O::Vec x0 = load(a0), x1 = load(a1);
    typename O::Vec v = load(w0);
    s00 = O::Mac(s00, x0, v);
    s10 = O::Mac(s10, x1, v);
    v = load(w1);
    s01 = O::Mac(s01, x0, v);
    s11 = O::Mac(s11, x1, v);
  });
  sums[0] = O::Sum(s00);
  sums[1] = O::Sum(s01);
  sums[2] = O::Sum(s10);
  sums[3] = O::Sum(s11);
}

// sums = a0 . w0, ..., a0 . w3 over k, w_j = w + j * ldw; with rows == 1,
// only a0 . w0 (a single leftover weight row).
template <typename T>
void Block1x4Loop(size_t k, size_t rows, const T* a0, const T* w0, size_t ldw,
                                        typename Ops<T>::Total* sums) {
  using O = Ops<T>;
  if (rows == 1) {
    typename O::Acc s = O::Zero();
    AlongK<T>(k, [&](auto load) { s = O::Mac(s, load(a0), load(w0)); });
    sums[0] = O::Sum(s);
    return;
  }
  const T* w1 = w0 + ldw;
  const T* w2 = w1 + ldw;
  const T* w3 = w2 + ldw;
  typename O::Acc s0 = O::Zero(), s1 = s0, s2 = s0, s3 = s0;
  AlongK<T>(k, [&](auto load) {
    const typename O::Vec x = load(a0);
    s0 = O::Mac(s0, x, load(w0));
    s1 = O::Mac(s1, x, load(w1));
    s2 = O::Mac(s2, x, load(w2));
    s3 = O::Mac(s3, x, load(w3));
  });
  sums[0] = O::Sum(s0);
  sums[1] = O::Sum(s1);
  sums[2] = O::Sum(s2);
  sums[3] = O::Sum(s3);
}

}  // namespace

void Block2x2(size_t k, const int8_t* a0, const int8_t* a1, const int8_t* w0, const int8_t* w1, int32_t* sums) {
  Block2x2Loop(k, a0, a1, w0, w1, sums);
}
void Block1x4(size_t k, size_t rows, const int8_t* a0, const int8_t* w0, size_t ldw, int32_t* sums) {
  Block1x4Loop(k, rows, a0, w0, ldw, sums);
}
#if __ARM_FEATURE_MVE & 2
void Block2x2(size_t k, const float* a0, const float* a1, const float* w0, const float* w1, float* sums) {
  Block2x2Loop(k, a0, a1, w0, w1, sums);
}
void Block1x4(size_t k, size_t rows, const float* a0, const float* w0, size_t ldw, float* sums) {
  Block1x4Loop(k, rows, a0, w0, ldw, sums);
}
#endif

}  // namespace mve
}  // namespace kernels
}  // namespace mote
#endif  // __ARM_FEATURE_MVE
