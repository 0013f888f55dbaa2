// Helpers for the export tests: small models with non-trivial batchnorm
// statistics, the float values of graph constants.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mote/export.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optim/sgd.h"
#include "mote/rng.h"

namespace mote {
namespace testing {

// Every parameter uniform in [-0.5, 0.5), batchnorm gamma in [0.5, 1.5),
// moving means in [-0.5, 0.5) and variances in [0.2, 2): folding then
// changes every weight.
inline void RandomizeModel(Model& model, uint64_t seed) {
  Rng rng(seed);
  for (const ParamInfo& p : model.param_infos()) {
    const bool gamma = p.role == ParamRole::kNormScale;
    for (size_t i = 0; i < p.size; ++i) model.mutable_params()[p.offset + i] = rng.Uniform(-0.5f, 0.5f) + (gamma ? 1.0f : 0.0f);
  }
  for (const StateInfo& s : model.state_infos()) {
    const bool var = s.name.find("moving_variance") != std::string::npos;
    for (size_t i = 0; i < s.size; ++i) model.mutable_state()[s.offset + i] = var ? rng.Uniform(0.2f, 2.0f) : rng.Uniform(-0.5f, 0.5f);
  }
}

// Prepares a model built for export tests (any loss and optimizer will do).
inline Status PrepareForExport(Model& model, size_t max_batch) {
  model.SetLoss(std::make_unique<MeanSquaredError>());
  model.SetOptimizer(std::make_unique<Sgd>());
  return model.Prepare(max_batch);
}

inline std::vector<float> Floats(const ExportTensor& t) {
  std::vector<float> v(t.data.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

template <typename T>
std::vector<T> Values(const ExportTensor& t) {
  std::vector<T> v(t.data.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

inline std::vector<MoteOpType> OpTypes(const ExportGraph& g) {
  std::vector<MoteOpType> types;
  for (const ExportOp& op : g.ops) types.push_back(op.type);
  return types;
}

}  // namespace testing
}  // namespace mote
