// xsimd loops over rows x channels data (row stride = channels, one parameter
// per channel) shared by the per-channel kernels: F32ChannelSums,
// F32ChannelAffineClamp and the batch-norm kernels (include after
// xsimd-arch.h). The same scheme as channel-rows-hwy-inl.h, which explains it:
// reductions keep one lane per channel and add the rows in row order
// (bit-identical to the scalar reference): s += First(a, b, p0, p1), the output
// too, and t += Second(a, b, p0, p1), with an overlapping tail vector for
// channels >= lanes and one partial vector per row (zero-padded copies for the
// last rows) below that; elementwise maps may run in place and treat rows of
// fewer channels than lanes as one flat array with periodically extended
// parameters. Internal linkage.
#pragma once
#include <stddef.h>
#include <string.h>

#include "src/kernels/channel-rows-common.h"
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {
namespace channel_rows {

// Pointers every op carries (channel-rows-common.h; unused ones stay null).
using OpBase = ChannelOperands;

// Parameter k at channel offset `at`, or zeros when the op does not use it.
template <class Op>
inline Batch LoadParam(const float* const* par, int k, size_t at) {
  return (Op::kParams >> k) & 1 ? Batch::load_unaligned(par[k] + at) : Batch(0.0f);
}

// kV (1..4) full vectors at offsets off[0..kV) of every row.
template <size_t kV, class Op>
inline void ReduceVectors(const Op& op_in, size_t rows, size_t channels, const size_t* off, float* res0,
                          float* res1) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  Batch s[kV], t[kV], p[kV], q[kV];
  for (size_t i = 0; i < kV; ++i) {
    s[i] = t[i] = Batch(0.0f);
    p[i] = LoadParam<Op>(op.par, 0, off[i]);
    q[i] = LoadParam<Op>(op.par, 1, off[i]);
  }
  for (size_t r = 0; r < rows; ++r) {
    const size_t base = r * channels;
    for (size_t i = 0; i < kV; ++i) {
      const Batch a = Batch::load_unaligned(op.in0 + base + off[i]);
      const Batch b = Op::kInputs > 1 ? Batch::load_unaligned(op.in1 + base + off[i]) : a;
      const Batch f = op.First(a, b, p[i], q[i]);
      s[i] += f;
      if (Op::kSecond) t[i] += op.Second(a, b, p[i], q[i]);
      if (Op::kOutput) f.store_unaligned(op.out + base + off[i]);
    }
  }
  for (size_t i = 0; i < kV; ++i) {
    s[i].store_unaligned(res0 + off[i]);
    if (res1 != nullptr) t[i].store_unaligned(res1 + off[i]);
  }
}

// One row's vector at src: loaded directly, or (kPadded) through buf, whose
// lanes past `bytes` stay zero.
template <bool kPadded>
inline Batch LoadRow(const float* src, size_t bytes, float* buf) {
  if (!kPadded) return Batch::load_unaligned(src);
  memcpy(buf, src, bytes);
  return Batch::load_unaligned(buf);
}
template <bool kPadded>
inline void StoreRow(Batch v, float* dst, size_t bytes, float* buf) {
  if (!kPadded) return v.store_unaligned(dst);
  v.store_unaligned(buf);
  memcpy(dst, buf, bytes);
}

// Rows [begin, end) of a narrow reduction (one partial vector per row). The
// accumulators pass between the two row ranges in acc_s / acc_t, so that the
// padded rows' memcpy calls cannot push them to the stack for all rows.
template <bool kPadded, class Op>
__attribute__((noinline)) void ReduceNarrowRows(const Op& op_in, size_t begin, size_t end, size_t channels,
                                                const float* pp, const float* pq, float* acc_s, float* acc_t) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  const size_t bytes = channels * sizeof(float);
  float pa[kLanes] = {}, pb[kLanes] = {}, py[kLanes];
  const Batch p = Batch::load_unaligned(pp), q = Batch::load_unaligned(pq);
  Batch s = Batch::load_unaligned(acc_s), t = Batch::load_unaligned(acc_t);
  for (size_t r = begin; r < end; ++r) {
    const size_t base = r * channels;
    const Batch a = LoadRow<kPadded>(op.in0 + base, bytes, pa);
    const Batch b = Op::kInputs > 1 ? LoadRow<kPadded>(op.in1 + base, bytes, pb) : a;
    const Batch f = op.First(a, b, p, q);
    s += f;
    if (Op::kSecond) t += op.Second(a, b, p, q);
    if (Op::kOutput) StoreRow<kPadded>(f, op.out + base, bytes, py);
  }
  s.store_unaligned(acc_s);
  t.store_unaligned(acc_t);
}

// channels < lanes: one partial vector per row.
template <class Op>
void ReduceNarrow(const Op& op, size_t rows, size_t channels, float* res0, float* res1) {
  constexpr size_t N = kLanes;
  const size_t bytes = channels * sizeof(float);
  // Zero lanes past the channels keep the padded arithmetic harmless.
  float pp[N] = {}, pq[N] = {}, acc_s[N] = {}, acc_t[N] = {};
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
void ReduceChannelRows(const Op& op, size_t rows, size_t channels, float* res0, float* res1) {
  constexpr size_t N = kLanes;
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
inline Batch ApplyAt(const Op& op, const float* in0, const float* in1, size_t at, const float* const* par,
                     size_t pat) {
  const Batch a = Batch::load_unaligned(in0 + at);
  const Batch b = Op::kInputs > 1 ? Batch::load_unaligned(in1 + at) : a;
  return op.Apply(a, b, LoadParam<Op>(par, 0, pat), LoadParam<Op>(par, 1, pat), LoadParam<Op>(par, 2, pat),
                  LoadParam<Op>(par, 3, pat));
}

// channels < lanes: flat vectors with periodically extended parameters.
template <class Op>
void MapNarrow(const Op& op_in, size_t rows, size_t channels) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  constexpr size_t N = kLanes;
  // ext[k][i] = par[k][i % channels] for i < channels + N - 1.
  float ext[4][2 * N];
  const float* par[4] = {ext[0], ext[1], ext[2], ext[3]};
  for (int k = 0; k < 4; ++k) {
    if (!((Op::kParams >> k) & 1)) continue;
    for (size_t i = 0; i < channels + N - 1; ++i) ext[k][i] = op.par[k][i % channels];
  }
  const size_t n = rows * channels;
  const size_t step = N % channels;  // channel phase advance per vector
  size_t phase = 0, o = 0;
  for (; o + N <= n; o += N) {
    ApplyAt(op, op.in0, op.in1, o, par, phase).store_unaligned(op.out + o);
    phase += step;
    if (phase >= channels) phase -= channels;
  }
  if (o == n) return;
  const size_t bytes = (n - o) * sizeof(float);
  float pa[N] = {}, pb[N] = {}, py[N];
  memcpy(pa, op.in0 + o, bytes);
  if (Op::kInputs > 1) memcpy(pb, op.in1 + o, bytes);
  ApplyAt(op, pa, pb, 0, par, phase).store_unaligned(py);
  memcpy(op.out + o, py, bytes);
}

template <class Op>
void MapChannelRows(const Op& op_in, size_t rows, size_t channels) {
  const Op op = op_in;  // a local copy: stores through out cannot alias its members
  constexpr size_t N = kLanes;
  if (channels == 0 || rows == 0) return;
  if (channels < N) return MapNarrow(op, rows, channels);
  const size_t tail = channels % N != 0 ? channels - N : 0;
  for (size_t r = 0; r < rows; ++r) {
    const size_t base = r * channels;
    // The overlapping tail first: read before this row is written.
    Batch y_tail(0.0f);
    if (tail != 0) y_tail = ApplyAt(op, op.in0, op.in1, base + tail, op.par, tail);
    for (size_t ch = 0; ch + N <= channels; ch += N)
      ApplyAt(op, op.in0, op.in1, base + ch, op.par, ch).store_unaligned(op.out + base + ch);
    if (tail != 0) y_tail.store_unaligned(op.out + base + tail);
  }
}

}  // namespace channel_rows
}  // namespace
}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
