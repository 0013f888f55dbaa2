// Highway build of F32DenseInputMajor (f32-dense-input-major-loop.h); the
// nonzero inputs' indices by vector compress.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-dense-input-major/f32-dense-input-major-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-dense-input-major/nonzero-indices.h"

MOTE_SIMD_BEGIN
namespace input_major {

#if (HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3) || HWY_HAVE_SCALABLE
// A vector of inputs at a time: their lane indices compressed to the nonzero
// ones (register compress, then a whole-vector store: idx has a vector of
// room past the count). Only where the ISA compresses natively (AVX-512,
// SVE, RVV): elsewhere Highway's Compress looks the lanes up in a table of
// 1 KB that GCC copies to the stack on every call (AVX2: 2.6x the row dot
// products' time on the seed network's dense1).
HWY_INLINE size_t NonzeroIndices(const float* x, size_t begin, size_t end, uint32_t* idx) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const size_t lanes = hn::Lanes(df);
  size_t count = 0, p = begin;
  auto positions = hn::Iota(di, int32_t(begin));
  const auto step = hn::Set(di, int32_t(lanes));
  for (; p + lanes <= end; p += lanes) {
    const auto nonzero = hn::RebindMask(di, hn::Ne(hn::LoadU(df, x + p), hn::Zero(df)));
    hn::StoreU(hn::Compress(positions, nonzero), di, reinterpret_cast<int32_t*>(idx + count));
    count += hn::CountTrue(di, nonzero);
    positions = hn::Add(positions, step);
  }
  return ::mote::kernels::input_major::AppendNonzeroIndices(x, p, end, idx, count);
}
#else
HWY_INLINE size_t NonzeroIndices(const float* x, size_t begin, size_t end, uint32_t* idx) {
  return ::mote::kernels::input_major::AppendNonzeroIndices(x, begin, end, idx, 0);
}
#endif

}  // namespace input_major
MOTE_SIMD_END

#include "src/kernels/f32-dense-input-major/f32-dense-input-major-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_dense_input_major 1
#include "src/kernels/hwy-dispatch.inc"
