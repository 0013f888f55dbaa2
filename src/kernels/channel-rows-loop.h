// Loops over rows x channels data (row stride = channels, one parameter per
// channel) shared by the per-channel kernels: F32ChannelSums,
// F32ChannelAffineClamp and the batch-norm kernels. Written once against the
// vector adapter (simd-adapter.h) and included by their -loop.h files once per
// target (no include guard: the family's -hwy.cc includes it once per Highway
// target). An Op supplies the arithmetic on whole vectors; these loops decide
// which vectors to load and store. Names, not arrays, hold the vectors: SVE
// vectors are sizeless.
//
// Reductions (ReduceChannelRows) keep one lane per channel and accumulate the
// rows in row order, so every lane does what the scalar reference does for
// its channel, in the same order: bit-identical results.
//  - channels >= lanes: vectors at 0, N, 2N, ... plus, for a tail, one vector
//    at channels - N that overlaps the one before it (the overlapped lanes
//    compute the same values again and are stored last). Up to 4 vectors
//    share a pass over the rows (channel-rows-common.h).
//  - channels < lanes: one vector per row; its lanes past the row hold the
//    next row's values, computed independently and never kept. The last rows,
//    where a full vector would read past the end, go through zero-padded
//    copies. Outputs of such rows are stored whole and overwritten by the
//    next row, so outputs must not overlap inputs.
// Elementwise maps (MapChannelRows) may run in place (out == in0):
//  - channels >= lanes: as above; the overlapping tail vector is loaded and
//    computed before anything of its row is stored.
//  - channels < lanes: the rows are one flat array; the parameters of the
//    vector at flat position o are a periodic extension of the per-channel
//    parameters starting at channel o % channels. The last partial vector goes
//    through zero-padded copies.
//
// Op interface (constants and members used as the Op declares them):
//   kInputs (1 or 2): in0, in1 (rows x channels);
//   kParams: bit k set = per-channel parameter par[k] is used (k < 4);
//   kOutput: out (rows x channels) is written;
//   reductions: s += First(a, b, p0, p1), which is also the output (with
//     kOutput), and t += Second(a, b, p0, p1) (with kSecond); res0/res1
//     receive s/t per channel (res1 may be null: t is then not stored).
//     Values, not references: accumulators passed by reference ended up on
//     the stack, a store-to-load round trip per row on the critical path;
//   maps: V Apply(a, b, p0, p1, p2, p3) returns the output vector.
#include <stddef.h>
#include <string.h>

#include "src/kernels/channel-rows-common.h"

MOTE_SIMD_BEGIN
namespace channel_rows {
using V = simd::V;
constexpr size_t kMaxLanes = simd::kMaxLanes;

// Pointers every op carries (channel-rows-common.h; unused ones stay null).
using OpBase = ChannelOperands;

#define MOTE_CHANNEL_ROWS_EACH(X) X(0) X(1) X(2) X(3)

// Parameter k at channel offset `at`, or zeros when the op does not use it.
template <class Op>
MOTE_SIMD_INLINE V LoadParam(const float* const* par, int k, size_t at) {
  return (Op::kParams >> k) & 1 ? simd::Load(par[k] + at) : simd::Zero();
}

// kV (1..4) full vectors at offsets off[0..kV) of every row.
template <size_t kV, class Op>
MOTE_SIMD_INLINE void ReduceVectors(const Op& op_in, size_t rows, size_t channels, const size_t* off, float* res0,
                                    float* res1) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  const V zero = simd::Zero();
#define MOTE_CHANNEL_ROWS_INIT(i)                                  \
  V s##i = zero, t##i = zero, p##i = zero, q##i = zero;            \
  if (kV > i) {                                                    \
    if (Op::kParams & 1) p##i = simd::Load(op.par[0] + off[i]);     \
    if (Op::kParams & 2) q##i = simd::Load(op.par[1] + off[i]);     \
  }
  MOTE_CHANNEL_ROWS_EACH(MOTE_CHANNEL_ROWS_INIT)
#undef MOTE_CHANNEL_ROWS_INIT
  for (size_t r = 0; r < rows; ++r) {
    const size_t base = r * channels;
#define MOTE_CHANNEL_ROWS_STEP(i)                                           \
  if (kV > i) {                                                             \
    const V a = simd::Load(op.in0 + base + off[i]);                         \
    const V b = Op::kInputs > 1 ? simd::Load(op.in1 + base + off[i]) : a;    \
    const V f = op.First(a, b, p##i, q##i);                                 \
    s##i = simd::Add(s##i, f);                                              \
    if (Op::kSecond) t##i = simd::Add(t##i, op.Second(a, b, p##i, q##i));    \
    if (Op::kOutput) simd::Store(f, op.out + base + off[i]);                 \
  }
    MOTE_CHANNEL_ROWS_EACH(MOTE_CHANNEL_ROWS_STEP)
#undef MOTE_CHANNEL_ROWS_STEP
  }
#define MOTE_CHANNEL_ROWS_STORE(i)                                  \
  if (kV > i) {                                                     \
    simd::Store(s##i, res0 + off[i]);                               \
    if (res1 != nullptr) simd::Store(t##i, res1 + off[i]);          \
  }
  MOTE_CHANNEL_ROWS_EACH(MOTE_CHANNEL_ROWS_STORE)
#undef MOTE_CHANNEL_ROWS_STORE
}
#undef MOTE_CHANNEL_ROWS_EACH

// One row's vector at src: loaded directly, or (kPadded) through buf, whose
// lanes past `bytes` stay zero.
template <bool kPadded>
MOTE_SIMD_INLINE V LoadRow(const float* src, size_t bytes, float* buf) {
  if (!kPadded) return simd::Load(src);
  memcpy(buf, src, bytes);
  return simd::Load(buf);
}
template <bool kPadded>
MOTE_SIMD_INLINE void StoreRow(V v, float* dst, size_t bytes, float* buf) {
  if (!kPadded) return simd::Store(v, dst);
  simd::Store(v, buf);
  memcpy(dst, buf, bytes);
}

// Rows [begin, end) of a narrow reduction (one partial vector per row). The
// accumulators pass between the two row ranges in acc_s / acc_t: one function
// with the padded rows' memcpy calls made GCC keep them on the stack for all
// rows, a store-to-load round trip per row on the critical path.
template <bool kPadded, class Op>
MOTE_SIMD_NOINLINE void ReduceNarrowRows(const Op& op_in, size_t begin, size_t end, size_t channels,
                                         const float* pp, const float* pq, float* acc_s, float* acc_t) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  const size_t bytes = channels * sizeof(float);
  alignas(64) float pa[kMaxLanes] = {}, pb[kMaxLanes] = {}, py[kMaxLanes];
  const V p = simd::Load(pp), q = simd::Load(pq);
  V s = simd::Load(acc_s), t = simd::Load(acc_t);
  for (size_t r = begin; r < end; ++r) {
    const size_t base = r * channels;
    const V a = LoadRow<kPadded>(op.in0 + base, bytes, pa);
    const V b = Op::kInputs > 1 ? LoadRow<kPadded>(op.in1 + base, bytes, pb) : a;
    const V f = op.First(a, b, p, q);
    s = simd::Add(s, f);
    if (Op::kSecond) t = simd::Add(t, op.Second(a, b, p, q));
    if (Op::kOutput) StoreRow<kPadded>(f, op.out + base, bytes, py);
  }
  simd::Store(s, acc_s);
  simd::Store(t, acc_t);
}

// channels < lanes: one partial vector per row.
template <class Op>
MOTE_SIMD_INLINE void ReduceNarrow(const Op& op, size_t rows, size_t channels, float* res0, float* res1) {
  const size_t N = simd::Lanes();
  const size_t bytes = channels * sizeof(float);
  // Zero lanes past the channels keep the padded arithmetic harmless.
  alignas(64) float pp[kMaxLanes] = {}, pq[kMaxLanes] = {}, acc_s[kMaxLanes] = {}, acc_t[kMaxLanes] = {};
  if (Op::kParams & 1) memcpy(pp, op.par[0], bytes);
  if (Op::kParams & 2) memcpy(pq, op.par[1], bytes);
  // Rows whose full vector stays inside the rows x channels arrays.
  const size_t n = rows * channels;
  size_t safe = n >= N ? (n - N) / channels + 1 : 0;
  if (safe > rows) safe = rows;
  ReduceNarrowRows<false>(op, 0, safe, channels, pp, pq, acc_s, acc_t);
  if (safe < rows) ReduceNarrowRows<true>(op, safe, rows, channels, pp, pq, acc_s, acc_t);
  memcpy(res0, acc_s, bytes);
  if (res1 != nullptr) memcpy(res1, acc_t, bytes);
}

template <class Op>
MOTE_SIMD_INLINE void ReduceChannelRows(const Op& op, size_t rows, size_t channels, float* res0, float* res1) {
  const size_t N = simd::Lanes();
  if (channels == 0) return;
  if (channels < N) return ReduceNarrow(op, rows, channels, res0, res1);
  ForEachChannelPass(channels, N, [&](size_t count, const size_t* off) {
    switch (count) {
      case 1: ReduceVectors<1>(op, rows, channels, off, res0, res1); break;
      case 2: ReduceVectors<2>(op, rows, channels, off, res0, res1); break;
      case 3: ReduceVectors<3>(op, rows, channels, off, res0, res1); break;
      default: ReduceVectors<4>(op, rows, channels, off, res0, res1); break;
    }
  });
}

// Applies the op to the inputs at in0/in1 + `at` and the parameters at par + `pat`.
template <class Op>
MOTE_SIMD_INLINE V ApplyAt(const Op& op, const float* in0, const float* in1, size_t at, const float* const* par,
                           size_t pat) {
  const V a = simd::Load(in0 + at);
  const V b = Op::kInputs > 1 ? simd::Load(in1 + at) : a;
  return op.Apply(a, b, LoadParam<Op>(par, 0, pat), LoadParam<Op>(par, 1, pat), LoadParam<Op>(par, 2, pat),
                  LoadParam<Op>(par, 3, pat));
}

// channels < lanes: flat vectors with periodically extended parameters.
template <class Op>
MOTE_SIMD_NOINLINE void MapNarrow(const Op& op_in, size_t rows, size_t channels) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  const size_t N = simd::Lanes();
  // ext[k][i] = par[k][i % channels] for i < channels + N - 1.
  alignas(64) float ext[4][2 * kMaxLanes];
  const float* par[4] = {ext[0], ext[1], ext[2], ext[3]};
  for (int k = 0; k < 4; ++k) {
    if (!((Op::kParams >> k) & 1)) continue;
    for (size_t i = 0; i < channels + N - 1; ++i) ext[k][i] = op.par[k][i % channels];
  }
  const size_t n = rows * channels;
  const size_t step = N % channels;  // channel phase advance per vector
  size_t phase = 0, o = 0;
  for (; o + N <= n; o += N) {
    simd::Store(ApplyAt(op, op.in0, op.in1, o, par, phase), op.out + o);
    phase += step;
    if (phase >= channels) phase -= channels;
  }
  if (o == n) return;
  const size_t bytes = (n - o) * sizeof(float);
  alignas(64) float pa[kMaxLanes] = {}, pb[kMaxLanes] = {}, py[kMaxLanes];
  memcpy(pa, op.in0 + o, bytes);
  if (Op::kInputs > 1) memcpy(pb, op.in1 + o, bytes);
  simd::Store(ApplyAt(op, pa, pb, 0, par, phase), py);
  memcpy(op.out + o, py, bytes);
}

template <class Op>
MOTE_SIMD_INLINE void MapChannelRows(const Op& op_in, size_t rows, size_t channels) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  const size_t N = simd::Lanes();
  if (channels == 0 || rows == 0) return;
  if (channels < N) return MapNarrow(op, rows, channels);
  const size_t tail = channels % N != 0 ? channels - N : 0;
  for (size_t r = 0; r < rows; ++r) {
    const size_t base = r * channels;
    // The overlapping tail first: read before this row is written.
    V y_tail = simd::Zero();
    if (tail != 0) y_tail = ApplyAt(op, op.in0, op.in1, base + tail, op.par, tail);
    for (size_t ch = 0; ch + N <= channels; ch += N)
      simd::Store(ApplyAt(op, op.in0, op.in1, base + ch, op.par, ch), op.out + base + ch);
    if (tail != 0) simd::Store(y_tail, op.out + base + tail);
  }
}

}  // namespace channel_rows
MOTE_SIMD_END
