// Running one op's test model (gtest-aware, unlike runtime_test_util.h,
// which the fuzz corpus writer also uses).
#pragma once
#include <gtest/gtest.h>

#include <vector>

#include "runtime_test_util.h"

namespace mote {
namespace testing {

// Loads `model`, runs it once on `input` (model input 0) and copies output 0
// to *output. Loading or invoking failures are fatal test failures: wrap the
// call in ASSERT_NO_FATAL_FAILURE to stop the calling test too.
template <class Out, class In>
void RunOnce(const std::vector<uint8_t>& model, const std::vector<In>& input, std::vector<Out>* output) {
  LoadedModel m;
  ASSERT_EQ(m.Load(model), MOTE_RT_OK);
  m.SetInput(0, input);
  ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
  *output = m.Output<Out>(0);
}

}  // namespace testing
}  // namespace mote
