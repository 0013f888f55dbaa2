// Model regularization: L1 / L2 penalties (global and per layer), parameter
// tying and tying penalties, freezing, gradient clipping by global norm and
// weight noise. See include/mote/model.h.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

#include "src/train/model_impl.h"

namespace mote {

using namespace model_detail;

float Model::Impl::Penalty(bool add_gradients) {
  double penalty = 0;
  for (const ParamInfo& p : param_infos) {
    if (p.l1 == 0.0f && p.l2 == 0.0f) continue;
    const float* w = params + p.offset;
    float* g = grads + p.offset;
    double sum_abs = 0, sum_sq = 0;
    for (size_t i = 0; i < p.size; ++i) {
      sum_abs += w[i] < 0 ? -w[i] : w[i];
      sum_sq += double(w[i]) * w[i];
    }
    penalty += p.l1 * sum_abs + 0.5 * p.l2 * sum_sq;
    if (add_gradients && !p.frozen) {
      if (p.l2 != 0.0f) kernels::F32Axpy(p.size, p.l2, w, g);
      if (p.l1 != 0.0f)
        for (size_t i = 0; i < p.size; ++i) g[i] += w[i] > 0 ? p.l1 : (w[i] < 0 ? -p.l1 : 0.0f);
    }
  }
  for (const TyingPenalty& t : tying_penalties) {
    for (size_t k = 0; k < t.pairs.size(); ++k) {
      const float* wa = params + t.pairs[k].first;
      const float* wb = params + t.pairs[k].second;
      float* ga = grads + t.pairs[k].first;
      float* gb = grads + t.pairs[k].second;
      double sum_sq = 0;
      for (size_t i = 0; i < t.sizes[k]; ++i) {
        const float diff = wa[i] - wb[i];
        sum_sq += double(diff) * diff;
        if (add_gradients) {
          ga[i] += 2.0f * t.lambda * diff;
          gb[i] -= 2.0f * t.lambda * diff;
        }
      }
      penalty += t.lambda * sum_sq;
    }
  }
  return float(penalty);
}


void Model::SetRegularization(float l1, float l2) {
  impl_->global_l1 = l1;
  impl_->global_l2 = l2;
  if (impl_->prepared) impl_->BuildRanges();
}
Status Model::SetLayerRegularization(const std::string& layer, float l1, float l2) {
  const NodeId id = find(layer);
  if (id < 0 || !impl_->nodes[size_t(id)].layer) return InvalidArgument("model: no layer with that name");
  Impl::Node& n = impl_->nodes[size_t(id)];
  n.l1 = l1;
  n.l2 = l2;
  n.has_layer_regularization = true;
  if (impl_->prepared) impl_->BuildRanges();
  return Status::Ok();
}
Status Model::TieParameters(const std::string& layer, const std::string& source) {
  impl_->ties.push_back({layer, source});
  impl_->prepared = false;
  return Status::Ok();
}

Status Model::AddTyingPenalty(const std::string& a, const std::string& b, float lambda) {
  if (!(lambda >= 0.0f)) return InvalidArgument("model: tying penalty lambda must be >= 0");
  impl_->tying_penalties.push_back({a, b, lambda, {}, {}});
  impl_->prepared = false;
  return Status::Ok();
}

Status Model::Freeze(const std::string& layer, bool frozen) {
  const NodeId id = find(layer);
  if (id < 0 || !impl_->nodes[size_t(id)].layer) return InvalidArgument("model: no layer with that name");
  impl_->nodes[size_t(id)].frozen = frozen;
  if (impl_->prepared) impl_->BuildRanges();
  return Status::Ok();
}


namespace {
// Sum of x[i]^2 with the reduction kernel: rows of 64 channels, then the tail.
double SumOfSquares(const float* x, size_t n) {
  constexpr size_t kWidth = 64;
  float sums[kWidth], squares[kWidth];
  double total = 0.0;
  const size_t rows = n / kWidth, tail = n % kWidth;
  if (rows > 0) {
    kernels::F32ChannelSums(rows, kWidth, x, sums, squares);
    for (size_t c = 0; c < kWidth; ++c) total += squares[c];
  }
  if (tail > 0) {
    kernels::F32ChannelSums(1, tail, x + rows * kWidth, sums, squares);
    for (size_t c = 0; c < tail; ++c) total += squares[c];
  }
  return total;
}
}  // namespace

void Model::Impl::ClipGradients() {
  double norm2 = 0.0;
  for (const ParamRange& r : ranges) norm2 += SumOfSquares(grads + r.begin, r.end - r.begin);
  const double norm = std::sqrt(norm2);
  if (!(norm > double(clip_norm))) return;
  const float scale = float(double(clip_norm) / norm);
  for (const ParamRange& r : ranges) kernels::F32Scale(r.end - r.begin, scale, grads + r.begin, grads + r.begin);
}

Status Model::SetGradientClipNorm(float max_norm) {
  if (!(max_norm >= 0.0f) || !std::isfinite(max_norm))
    return InvalidArgument("model: gradient clip norm must be finite and >= 0");
  impl_->clip_norm = max_norm;
  return Status::Ok();
}
float Model::gradient_clip_norm() const { return impl_->clip_norm; }


Status Model::SetWeightNoise(float stddev) {
  if (!(stddev >= 0.0f) || !std::isfinite(stddev)) return InvalidArgument("model: weight noise must be finite and >= 0");
  impl_->weight_noise = stddev;
  // Sized here or at Prepare, never during a step.
  if (impl_->prepared) impl_->clean_params.resize(stddev > 0.0f ? impl_->param_count : 0);
  return Status::Ok();
}


}  // namespace mote
