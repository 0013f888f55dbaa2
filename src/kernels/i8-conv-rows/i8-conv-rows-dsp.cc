// I8ConvRows for cores with the DSP extension (src/kernels/i8-variant.h).
// Output pixels go in pairs: the im2col of a pair interleaves its two rows
// word by word ([row 0 bytes 0-3][row 1 bytes 0-3][row 0 bytes 4-7]...), so
// one LDRD brings 4 inputs of each row; the pair then runs against 2 weight
// rows at a time (2 x 2 outputs): per 4 taps one LDRD, 2 LDR, 8 SXTB16 and 8
// SMLAD for 16 multiply-adds, every weight word serving both pixels. A pair
// needs only 2 * round_up(patch, 4) bytes of columns (I8ConvRowsColumnBytes);
// an odd last row (or columns too small for a pair) runs alone through
// i8_dsp::I8DenseRows. Integer sums are exact: bit-identical to the reference.
#include "src/kernels/arm-dsp.h"
#include "src/kernels/dense-rows.h"
#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/i8-variant.h"
#include "src/kernels/im2col-rows.h"

namespace mote {
namespace kernels {
namespace {

using namespace dsp;

// Writes one row of a pair (half 0 or 1) at im2col positions p, p + 1, ...:
// position p lives at block[(p / 4) * 8 + half * 4 + p % 4]. Runs are copied
// a word at a time once p is a multiple of 4 (the source may be unaligned).
class PairRowWriter {
 public:
  PairRowWriter(int8_t* block, size_t half) : base_(block + half * 4) {}

  void Copy(const int8_t* src, size_t len) {
    for (; len > 0 && (p_ & 3) != 0; --len) Put(*src++);
    for (int8_t* d = Word(); len >= 4; len -= 4, src += 4, d += 8, p_ += 4) Store4(d, Load4(src));
    for (; len > 0; --len) Put(*src++);
  }

  void Fill(int8_t v, size_t len) {
    for (; len > 0 && (p_ & 3) != 0; --len) Put(v);
    const uint32_t word = uint32_t(uint8_t(v)) * 0x01010101u;
    for (int8_t* d = Word(); len >= 4; len -= 4, d += 8, p_ += 4) Store4(d, word);
    for (; len > 0; --len) Put(v);
  }

 private:
  void Put(int8_t v) {
    base_[(p_ >> 2) * 8 + (p_ & 3)] = v;
    ++p_;
  }
  int8_t* Word() { return base_ + (p_ >> 2) * 8; }

  int8_t* base_;
  size_t p_ = 0;
};

// Im2col row r (pixel r of g) as half `half` of a pair block: per kernel row,
// the taps left of the image, the run inside it, the taps right of it.
void Im2ColPairRow(const Conv2DGeometry& g, const int8_t* input, int8_t pad, size_t r, int8_t* block,
                   size_t half) {
  PairRowWriter out(block, half);
  const Im2ColWindow win = Im2ColWindowOf(g, r);
  const Im2ColSpan cols = Im2ColColumns(g, win.x0);
  const size_t c = g.in_c, row_len = g.kernel_w * c;
  for (size_t ky = 0; ky < g.kernel_h; ++ky) {
    const long y = win.y0 + long(ky);
    if (y < 0 || y >= long(g.in_h) || cols.begin == cols.end) {
      out.Fill(pad, row_len);
      continue;
    }
    out.Fill(pad, cols.begin * c);
    out.Copy(input + ((win.n * g.in_h + size_t(y)) * g.in_w + size_t(win.x0 + long(cols.begin))) * c,
             (cols.end - cols.begin) * c);
    out.Fill(pad, (g.kernel_w - cols.end) * c);
  }
}

// The pair `block` (k taps) against weight rows [0, n): outputs row 0 at c,
// row 1 at c + ldc.
void PairRows(const int8_t* block, size_t k, const int8_t* w, size_t ldw, size_t n, const I8BiasRequantize& finish,
              int8_t* c, size_t ldc) {
  const size_t groups = k / 4, tail = k % 4;
  size_t j = 0;
  for (; j + 2 <= n; j += 2) {
    const int8_t* w0 = w + j * ldw;
    const int8_t* w1 = w0 + ldw;
    const int8_t* x = block;
    int32_t s[4] = {0, 0, 0, 0};  // (row 0, w0), (row 1, w0), (row 0, w1), (row 1, w1)
    PairTimesTwoRows(x, w0, w1, groups, s);
    for (size_t t = 0; t < tail; ++t) {
      const int32_t x0 = x[t], x1 = x[4 + t];
      s[0] += x0 * w0[t];
      s[1] += x1 * w0[t];
      s[2] += x0 * w1[t];
      s[3] += x1 * w1[t];
    }
    c[j] = finish(j, s[0]);
    c[ldc + j] = finish(j, s[1]);
    c[j + 1] = finish(j + 1, s[2]);
    c[ldc + j + 1] = finish(j + 1, s[3]);
  }
  if (j < n) {  // the last weight row: twice, the second result unused
    const int8_t* w0 = w + j * ldw;
    const int8_t* w1 = w0;
    const int8_t* x = block;
    int32_t s[4] = {0, 0, 0, 0};
    PairTimesTwoRows(x, w0, w1, groups, s);
    for (size_t t = 0; t < tail; ++t) {
      s[0] += int32_t(x[t]) * w0[t];
      s[1] += int32_t(x[4 + t]) * w0[t];
    }
    c[j] = finish(j, s[0]);
    c[ldc + j] = finish(j, s[1]);
  }
}

}  // namespace

void i8_dsp::I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,
                        size_t row_end, const int8_t* w, size_t ldw, size_t n, const I8Requant& requant,
                        int8_t* columns, size_t columns_bytes, int8_t* c, size_t ldc) {
  const size_t k = g.patch_size();
  const size_t pair_bytes = 2 * ((k + 3) / 4 * 4);
  // Pairs need a 4-byte aligned block (LDRD).
  const size_t misalign = (4 - (reinterpret_cast<uintptr_t>(columns) & 3)) & 3;
  int8_t* block = columns + misalign;
  const bool pairs = columns_bytes >= misalign && columns_bytes - misalign >= pair_bytes;
  const I8BiasRequantize finish{requant};
  size_t r = row_begin;
  if (pairs) {
    for (; r + 2 <= row_end; r += 2) {
      Im2ColPairRow(g, input, pad_value, r, block, 0);
      Im2ColPairRow(g, input, pad_value, r + 1, block, 1);
      PairRows(block, k, w, ldw, n, finish, c + (r - row_begin) * ldc, ldc);
    }
  }
  for (; r < row_end; ++r) {
    Im2ColRows(g, input, pad_value, r, r + 1, columns);
    i8_dsp::I8DenseRows(1, n, k, columns, k, w, ldw, requant, c + (r - row_begin) * ldc, ldc);
  }
}

}  // namespace kernels
}  // namespace mote
