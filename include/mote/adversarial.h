// Adversarial examples (Goodfellow, Shlens and Szegedy 2015):
//  - FGSM: x' = x + eps * sign(grad_x L(x, y)).
//  - Iterated sign-gradient ascent inside the eps ball around x: `steps`
//    steps of size `step_size`, each followed by clipping back into
//    [x - eps, x + eps] (and the data range).
// Both run the model's forward and backward (inference-mode statistics, so
// batchnorm and dropout behave as at test time) and leave the parameters
// untouched. They allocate nothing: the caller passes the output buffer.
#pragma once
#include <stddef.h>

#include "mote/model.h"

namespace mote {

struct AdversarialOptions {
  float epsilon = 0.1f;     // l-infinity radius
  float step_size = 0.0f;   // iterated: size of each step (0: epsilon / steps)
  uint32_t steps = 1;       // 1: FGSM
  float min_value = 0.0f;   // valid data range, e.g. [0, 1] pixels
  float max_value = 1.0f;
};

// Writes adversarial versions of the batch (batch x input_size(0) floats,
// model input 0) into `out` (may not alias `x`).
Status AdversarialExamples(Model& model, const float* x, const Targets& targets, size_t batch,
                           const AdversarialOptions& options, float* out);

// Fraction of the batch classified correctly after the attack.
Status AdversarialAccuracy(Model& model, const float* x, const Targets& targets, size_t batch,
                           const AdversarialOptions& options, float* scratch, float* accuracy);

}  // namespace mote
