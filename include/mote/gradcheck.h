// Gradient checking: central finite differences of a model's loss
// with respect to every parameter (or an even sample of each tensor) and every
// input element, compared with Backward's analytic gradients.
#pragma once
#include <stddef.h>

#include <string>

#include "mote/model.h"

namespace mote {

struct GradCheckOptions {
  float epsilon = 1e-2f;        // central difference step
  size_t max_per_tensor = 64;   // entries checked per parameter tensor / input (spread evenly)
  bool check_inputs = true;
  bool training = true;         // forward mode (batchnorm statistics, dropout masks)
  // Errors are |analytic - numeric| / max(|analytic|, |numeric|, floor):
  // relative for large gradients, absolute below `floor` (float32 losses carry
  // about 1e-7 relative noise, which eps = 1e-2 turns into ~1e-5 absolute).
  float floor = 1e-2f;
};

struct GradCheckReport {
  double max_param_error = 0;
  double max_input_error = 0;
  size_t checked = 0;
  std::string worst;  // where the largest error was, with both values
};

// Runs the check on one batch; the model's parameters and RNG state are left
// as they were (dropout masks repeat: the RNG is restored before each pass).
Status CheckGradients(Model& model, const float* const* inputs, const Targets& targets, size_t batch,
                      const GradCheckOptions& options, GradCheckReport* report);

}  // namespace mote
