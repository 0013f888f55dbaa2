#include "mote/init.h"

#include <cmath>

#include "mote/math.h"

namespace mote {

namespace {

bool Finite(float v) { return std::isfinite(v); }

void Fill(float* w, size_t count, float v) {
  for (size_t i = 0; i < count; ++i) w[i] = v;
}
void FillUniform(float* w, size_t count, float bound, Rng& rng) {
  for (size_t i = 0; i < count; ++i) w[i] = rng.Uniform(-bound, bound);
}
void FillNormal(float* w, size_t count, float stddev, Rng& rng) {
  for (size_t i = 0; i < count; ++i) w[i] = rng.Normal(0.0f, stddev);
}

// Orthonormalises the `rows` rows (length `len`, rows <= len) of the Gaussian
// matrix q in place: modified Gram-Schmidt, each projection done twice
// ("twice is enough", Giraud et al. 2005) so float rounding leaves the rows
// orthogonal to ~1e-7 rather than growing with the condition number. Gram-
// Schmidt of i.i.d. Gaussian vectors is the QR factor with positive diagonal R,
// i.e. a Haar-distributed orthonormal frame, which is what Saxe et al. draw.
void OrthonormalizeRows(float* q, size_t rows, size_t len, Rng& rng) {
  for (size_t i = 0; i < rows; ++i) {
    float* qi = q + i * len;
    for (int attempt = 0;; ++attempt) {
      for (int pass = 0; pass < 2; ++pass) {
        for (size_t j = 0; j < i; ++j) {
          const float* qj = q + j * len;
          double dot = 0.0;
          for (size_t k = 0; k < len; ++k) dot += double(qi[k]) * double(qj[k]);
          const float d = float(dot);
          for (size_t k = 0; k < len; ++k) qi[k] -= d * qj[k];
        }
      }
      double norm2 = 0.0;
      for (size_t k = 0; k < len; ++k) norm2 += double(qi[k]) * double(qi[k]);
      // A draw (numerically) inside the span of the previous rows has
      // probability ~0; draw that row again.
      if (norm2 > 1e-12 || attempt >= 8) {
        const float inv = float(1.0 / SqrtD(norm2 > 0.0 ? norm2 : 1.0));
        for (size_t k = 0; k < len; ++k) qi[k] *= inv;
        break;
      }
      FillNormal(qi, len, 1.0f, rng);
    }
  }
}

}  // namespace

size_t InitScratchFloats(const InitSpec& spec, size_t fan_in, size_t fan_out) {
  // The [units x fan_in] matrix fits in fan_in * fan_out (units <= fan_out is
  // checked in InitializeParameter).
  return spec.kind == InitKind::kOrthogonal ? fan_in * fan_out : 0;
}

Status InitializeParameter(const InitSpec& spec, size_t fan_in, size_t fan_out, size_t count, float* w, Rng& rng,
                           float* scratch) {
  if (count == 0) return InvalidArgument("init: the parameter has no elements");
  if (w == nullptr) return InvalidArgument("init: null parameter pointer");
  if (!Finite(spec.value) || !Finite(spec.gain)) return InvalidArgument("init: value and gain must be finite");
  const float gain = spec.gain;
  switch (spec.kind) {
    case InitKind::kZeros:
      Fill(w, count, 0.0f);
      return Status::Ok();
    case InitKind::kOnes:
      Fill(w, count, 1.0f);
      return Status::Ok();
    case InitKind::kConstant:
      Fill(w, count, spec.value);
      return Status::Ok();
    case InitKind::kConstantBlock:
      if (spec.block_begin > spec.block_end || spec.block_end > count)
        return InvalidArgument("init: constant block must lie inside the parameter");
      Fill(w, count, 0.0f);
      Fill(w + spec.block_begin, spec.block_end - spec.block_begin, spec.value);
      return Status::Ok();
    case InitKind::kUniformFanIn:
      if (fan_in == 0) return InvalidArgument("init: uniform fan-in needs fan_in > 0");
      FillUniform(w, count, float(1.0 / SqrtD(double(fan_in))), rng);
      return Status::Ok();
    case InitKind::kGlorotUniform:
      // The bound is sometimes misprinted as 6 / sqrt(m + n). Glorot &
      // Bengio (2010), eq. 16: U[-sqrt(6) / sqrt(m + n), sqrt(6) / sqrt(m + n)],
      // i.e. variance 2 / (m + n).
      if (fan_in + fan_out == 0) return InvalidArgument("init: Glorot needs fan_in + fan_out > 0");
      FillUniform(w, count, gain * float(SqrtD(6.0 / double(fan_in + fan_out))), rng);
      return Status::Ok();
    case InitKind::kGlorotNormal:
      if (fan_in + fan_out == 0) return InvalidArgument("init: Glorot needs fan_in + fan_out > 0");
      FillNormal(w, count, gain * float(SqrtD(2.0 / double(fan_in + fan_out))), rng);
      return Status::Ok();
    case InitKind::kHeUniform:
      if (fan_in == 0) return InvalidArgument("init: He needs fan_in > 0");
      FillUniform(w, count, gain * float(SqrtD(6.0 / double(fan_in))), rng);
      return Status::Ok();
    case InitKind::kHeNormal:
      if (fan_in == 0) return InvalidArgument("init: He needs fan_in > 0");
      FillNormal(w, count, gain * float(SqrtD(2.0 / double(fan_in))), rng);
      return Status::Ok();
    case InitKind::kScaledNormal: {
      // C / sqrt(d) times a standard normal; C = value, 1 when 0.
      if (fan_in == 0) return InvalidArgument("init: C/sqrt(d) normal needs fan_in > 0");
      const double c = spec.value != 0.0f ? double(spec.value) : 1.0;
      FillNormal(w, count, float(c / SqrtD(double(fan_in))), rng);
      return Status::Ok();
    }
    case InitKind::kOrthogonal: {
      if (fan_in == 0 || count % fan_in != 0)
        return InvalidArgument("init: orthogonal needs a [units x fan_in] matrix (count a multiple of fan_in > 0)");
      const size_t units = count / fan_in;
      if (units > fan_out)
        return InvalidArgument("init: orthogonal matrix has more rows than fan_out (scratch is fan_in * fan_out)");
      if (scratch == nullptr) return InvalidArgument("init: orthogonal needs scratch (InitScratchFloats)");
      // Orthonormalise the shorter side: `small` vectors of length `large` in scratch.
      const bool rows_orthonormal = units <= fan_in;
      const size_t small = rows_orthonormal ? units : fan_in;
      const size_t large = rows_orthonormal ? fan_in : units;
      FillNormal(scratch, small * large, 1.0f, rng);
      OrthonormalizeRows(scratch, small, large, rng);
      for (size_t r = 0; r < units; ++r)
        for (size_t c = 0; c < fan_in; ++c)
          w[r * fan_in + c] = gain * (rows_orthonormal ? scratch[r * fan_in + c] : scratch[c * units + r]);
      return Status::Ok();
    }
    case InitKind::kSparse: {
      if (fan_in == 0 || count % fan_in != 0)
        return InvalidArgument("init: sparse needs a [units x fan_in] matrix (count a multiple of fan_in > 0)");
      if (spec.sparse_k == 0) return InvalidArgument("init: sparse needs sparse_k > 0");
      if (fan_in > UINT32_MAX) return InvalidArgument("init: sparse fan_in too large");
      const size_t units = count / fan_in;
      const size_t k = spec.sparse_k < fan_in ? spec.sparse_k : fan_in;
      const float stddev = spec.value != 0.0f ? spec.value : 1.0f;
      for (size_t r = 0; r < units; ++r) {
        float* row = w + r * fan_in;
        // Selection sampling (Knuth, TAOCP 3.4.2, Algorithm S): exactly k of
        // the fan_in positions, each k-subset equally likely, no memory.
        size_t chosen = 0;
        for (size_t c = 0; c < fan_in; ++c) {
          if (rng.Below(uint32_t(fan_in - c)) < k - chosen) {
            float v = rng.Normal(0.0f, stddev);
            // Keep "exactly k non-zero" even for a draw of exactly 0.
            while (v == 0.0f) v = rng.Normal(0.0f, stddev);
            row[c] = v;
            ++chosen;
          } else {
            row[c] = 0.0f;
          }
        }
      }
      return Status::Ok();
    }
  }
  return InvalidArgument("init: unknown InitKind");
}

}  // namespace mote
