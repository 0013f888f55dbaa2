// Helpers of the model-file tests: reading the shipped models/ files and
// comparing two models' weights bit for bit.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "mote/model.h"
#include "mote/model_file.h"

namespace mote {

// models/<name> of the source tree (MOTE_MODELS_DIR, test/train/meson.build).
inline std::string ModelPath(const std::string& name) { return std::string(MOTE_MODELS_DIR) + "/" + name; }

inline ::testing::AssertionResult Parses(const std::string& text, ModelDescription* d,
                                         const std::string& name = "test.toml") {
  const Status s = ParseModelDescription(text, name, d);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.message();
}

// Same parameter tensors (names, shapes) and bit-identical parameters and state.
inline ::testing::AssertionResult SameWeights(Model& a, Model& b) {
  if (a.param_count() != b.param_count() || a.param_infos().size() != b.param_infos().size())
    return ::testing::AssertionFailure() << "parameter counts differ: " << a.param_count() << " vs " << b.param_count();
  for (size_t i = 0; i < a.param_infos().size(); ++i)
    if (a.param_infos()[i].name != b.param_infos()[i].name || a.param_infos()[i].offset != b.param_infos()[i].offset)
      return ::testing::AssertionFailure() << "tensor " << i << ": " << a.param_infos()[i].name << " vs "
                                           << b.param_infos()[i].name;
  if (std::memcmp(a.params(), b.params(), a.param_count() * sizeof(float)) != 0)
    return ::testing::AssertionFailure() << "parameters differ";
  if (a.state_count() != b.state_count() || (a.state_count() && std::memcmp(a.state(), b.state(), a.state_count() * sizeof(float)) != 0))
    return ::testing::AssertionFailure() << "state differs";
  return ::testing::AssertionSuccess();
}

}  // namespace mote
