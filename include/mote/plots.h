// Plots as standalone SVG files: learning curves from a training
// History and a confusion matrix. Host only.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/progress.h"
#include "mote/status.h"

namespace mote {

// Two panels side by side: loss and accuracy per epoch, training (solid) and
// validation (dashed, when present). Errors: kInvalidArgument for an empty
// history, kIoError when the file cannot be written.
Status WriteLearningCurvesSvg(const History& history, const std::string& path);

// counts[true * classes + predicted] over n examples of `classes`-way
// outputs (argmax of each row of `outputs`). kInvalidArgument for a label
// out of range.
Status ConfusionMatrix(const float* outputs, const int32_t* labels, size_t n, size_t classes,
                       std::vector<uint32_t>* counts);

// A heat map of `counts` (rows: true class, columns: predicted) with the count
// in every cell; class_names may be empty (then 0, 1, ...).
Status WriteConfusionMatrixSvg(const std::vector<uint32_t>& counts, size_t classes,
                               const std::vector<std::string>& class_names, const std::string& path);

}  // namespace mote
