// Bagging and ensembles: bootstrap resamples and the two
// ways to combine members' predictions.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "mote/rng.h"
#include "mote/status.h"

namespace mote {

// A bootstrap resample of a data set of n examples: n indices drawn
// uniformly with replacement from [0, n) (about 63.2 % distinct for large n).
void BootstrapIndices(size_t n, Rng& rng, std::vector<size_t>* indices);

// Regression / probabilities: out[b][k] = mean over members of
// member_outputs[m][b * classes + k]. out may not alias an input.
Status AverageOutputs(const float* const* member_outputs, size_t members, size_t batch, size_t classes, float* out);

// Classification by majority ("mode") vote: each member votes for its argmax
// class; the class with most votes wins, ties go to the smallest class index.
Status ModeVote(const float* const* member_outputs, size_t members, size_t batch, size_t classes, int32_t* out);

}  // namespace mote
