// Model inference: Predict, Monte-Carlo (dropout) prediction and Evaluate.
// See include/mote/model.h.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

#include "src/core/status_format.h"
#include "src/train/model_impl.h"

namespace mote {

using namespace model_detail;

Status Model::Predict(const float* input, size_t input_len, size_t batch, float* out, size_t out_len) {
  Impl& m = *impl_;
  if (input == nullptr || out == nullptr) return InvalidArgument("model: null input or output buffer");
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  if (m.inputs.size() != 1) return InvalidArgument("model: Predict takes single-input models (use Forward)");
  if (batch == 0 || batch > m.max_batch)
    return FormattedStatus(StatusCode::kOutOfRange, "model: Predict batch %zu is not in [1, %zu] (max_batch)", batch,
                           m.max_batch);
  // Sizes are checked before anything is read: a short buffer is the caller's
  // bug, and reading past it is what the check exists to prevent.
  const size_t in_need = batch * input_size(0);
  const Impl::Node& o = m.nodes[size_t(m.outputs[0])];
  const size_t out_need = batch * o.item_size;
  if (input_len < in_need)
    return FormattedStatus(StatusCode::kShapeMismatch,
                           "model: Predict input holds %zu floats, %zu examples of %zu need %zu", input_len, batch,
                           input_size(0), in_need);
  if (out_len < out_need)
    return FormattedStatus(StatusCode::kShapeMismatch,
                           "model: Predict output holds %zu floats, %zu examples of %zu need %zu", out_len, batch,
                           o.item_size, out_need);
  MOTE_TRY(m.Forward(&input, batch, /*training=*/false, /*stochastic=*/false, /*predict=*/true));
  std::memcpy(out, o.activation, out_need * sizeof(float));
  return Status::Ok();
}

Status Model::PredictMonteCarlo(const float* input, size_t batch, uint32_t samples, bool softmax, float* out) {
  if (out == nullptr) return InvalidArgument("model: null output buffer");
  if (samples == 0) return InvalidArgument("model: Monte-Carlo prediction needs at least one sample");
  const Impl::Node& o = impl_->nodes[size_t(impl_->outputs[0])];
  for (uint32_t s = 0; s < samples; ++s) {
    MOTE_TRY(impl_->Forward(&input, batch, /*training=*/false, /*stochastic=*/true, /*predict=*/true));
    const size_t n = batch * o.item_size;
    if (softmax) kernels::F32Softmax(batch, o.item_size, o.activation, o.activation);  // in place, recomputed next pass
    if (s == 0) {
      std::memcpy(out, o.activation, n * sizeof(float));
    } else {
      kernels::F32Add(n, out, o.activation, out);
    }
  }
  kernels::F32Scale(batch * o.item_size, 1.0f / float(samples), out, out);
  return Status::Ok();
}

Status Model::Evaluate(const float* input, const Targets& targets, size_t batch, float* loss, float* accuracy) {
  Impl& m = *impl_;
  if (!m.prepared) return InvalidArgument("model: Prepare before running");
  const Impl::Node& o = m.nodes[size_t(m.outputs[0])];
  if (batch == 0 || batch > m.max_batch) return OutOfRange("model: batch must be in [1, max_batch]");
  MOTE_TRY(m.loss->CheckTargets(batch, o.item_size, targets));
  MOTE_TRY(m.Forward(&input, batch, /*training=*/false, /*stochastic=*/false, /*predict=*/true));
  if (loss) *loss = m.loss->Compute(batch, o.item_size, o.activation, targets, nullptr) + m.Penalty(false);
  if (accuracy) {
    size_t correct = 0;
    if (m.loss->uses_labels() && targets.labels) {
      for (size_t r = 0; r < batch; ++r) {
        const float* row = o.activation + r * o.item_size;
        size_t best = 0;
        for (size_t j = 1; j < o.item_size; ++j)
          if (row[j] > row[best]) best = j;
        correct += int32_t(best) == targets.labels[r];
      }
    }
    *accuracy = float(correct) / float(batch);
  }
  return Status::Ok();
}


}  // namespace mote
