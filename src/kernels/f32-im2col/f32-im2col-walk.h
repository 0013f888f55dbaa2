// The im2col / col2im loops shared by the SIMD backends (plain C++), included
// by f32-im2col-loop.h inside the per-target namespace (once per target), after
// f32-im2col-span.h: the walk then compiles for that ISA and inlines the
// vector moves. In NHWC the in-bounds
// pixels of one kernel row are adjacent in memory, so each (row, ky) is one
// contiguous run of kx_count * in_c floats between zero-filled padding runs.
// f32-im2col-loop.h supplies the vector moves as a `Runs` type:
//   static size_t Lanes();
//   static void Zero(size_t n, float* dst);
//   static void Copy(size_t n, const float* src, float* dst);        // any n
//   static void CopyVector(const float* src, float* dst);            // Lanes() floats
//   static void Accumulate(size_t n, const float* src, float* dst);  // dst += src
// Col2im adds in the reference's order (rows, then ky, then kx), so results
// match the scalar reference bit for bit.
template <class Runs>
MOTE_IM2COL_INLINE void Im2ColWalk(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end, float* columns) {
  const size_t c = g.in_c;
  const size_t kernel_row = g.kernel_w * c;  // floats per (row, ky) in the matrix
  const size_t lanes = Runs::Lanes();
  // Kernel rows shorter than a vector (e.g. 5 pixels of 1 channel): an
  // interior run is one vector move whose excess lands on the runs written
  // after it; only the last few, where a vector would leave the input or the
  // tile, and border runs go element by element.
  const bool short_rows = kernel_row < lanes;
  const float* input_end = input + g.batch * g.in_h * g.in_w * c;
  const float* columns_end = columns + (row_end - row_begin) * g.patch_size();
  float* out = columns;
  // Output pixel of row_begin, then advanced incrementally (no divisions per row).
  size_t n = row_begin / (g.out_w * g.out_h);
  size_t oy = (row_begin / g.out_w) % g.out_h, ox = row_begin % g.out_w;
  for (size_t r = row_begin; r < row_end; ++r) {
    const long y0 = long(oy * g.stride_h) - long(g.pad_top);
    const long x0 = long(ox * g.stride_w) - long(g.pad_left);
    const Im2ColSpan span = Im2ColColumns(g, x0);
    const bool full_span = span.begin == 0 && span.end == g.kernel_w;
    // Most windows lie inside the image: kernel_h plain runs, one input row apart.
    if (full_span && y0 >= 0 && y0 + long(g.kernel_h) <= long(g.in_h)) {
      const float* src = input + ((n * g.in_h + size_t(y0)) * g.in_w + size_t(x0)) * c;
      const float* last_src = src + (g.kernel_h - 1) * g.in_w * c;
      const float* last_out = out + (g.kernel_h - 1) * kernel_row;
      if (!short_rows) {
        for (size_t ky = 0; ky < g.kernel_h; ++ky, out += kernel_row, src += g.in_w * c)
          Runs::Copy(kernel_row, src, out);
        goto next_row;
      }
      if (size_t(input_end - last_src) >= lanes && size_t(columns_end - last_out) >= lanes) {
        for (size_t ky = 0; ky < g.kernel_h; ++ky, out += kernel_row, src += g.in_w * c)
          Runs::CopyVector(src, out);
        goto next_row;
      }
    }
    for (size_t ky = 0; ky < g.kernel_h; ++ky, out += kernel_row) {
      const long y = y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || span.begin == span.end) {
        Runs::Zero(kernel_row, out);
        continue;
      }
      const float* src = input + ((n * g.in_h + size_t(y)) * g.in_w + size_t(x0 + long(span.begin))) * c;
      if (short_rows) {
        if (full_span && size_t(input_end - src) >= lanes && size_t(columns_end - out) >= lanes) {
          Runs::CopyVector(src, out);
          continue;
        }
        const size_t lo = span.begin * c, hi = span.end * c;
        for (size_t i = 0; i < kernel_row; ++i) out[i] = (i >= lo && i < hi) ? src[i - lo] : 0.0f;
        continue;
      }
      Runs::Zero(span.begin * c, out);
      Runs::Copy((span.end - span.begin) * c, src, out + span.begin * c);
      Runs::Zero(kernel_row - span.end * c, out + span.end * c);
    }
  next_row:
    if (++ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++n;
      }
    }
  }
}

template <class Runs>
void Col2ImAccumulateWalk(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                          float* input_grad) {
  const size_t c = g.in_c;
  const size_t kernel_row = g.kernel_w * c;
  const float* col = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    const Im2ColSpan span = Im2ColColumns(g, w.x0);
    for (size_t ky = 0; ky < g.kernel_h; ++ky, col += kernel_row) {
      const long y = w.y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || span.begin == span.end) continue;
      float* dst = input_grad + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(w.x0 + long(span.begin))) * c;
      Runs::Accumulate((span.end - span.begin) * c, col + span.begin * c, dst);
    }
  }
}

template <class Runs>
void Col2ImWalk(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Runs::Zero(g.batch * g.in_h * g.in_w * g.in_c, input_grad);
  Col2ImAccumulateWalk<Runs>(g, columns, 0, g.rows(), input_grad);
}
