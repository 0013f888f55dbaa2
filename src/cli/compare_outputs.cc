// OutputComparison (cli.h): the library's outputs against the exported
// model's, image by image, for `mote export --evaluate`.
#include <algorithm>
#include <cmath>

#include "mote/math.h"
#include "src/cli/cli.h"

namespace mote_cli {

void OutputComparison::Add(const float* host, const float* exported, size_t classes, int32_t label) {
  ++images;
  // argmax of a NaN row is arbitrary (every comparison is false): such a row
  // is neither correct nor agreeing, and its differences are not "max".
  const bool host_finite = mote::AllFinite(host, classes), exported_finite = mote::AllFinite(exported, classes);
  const size_t hc = ArgMax(host, classes), ec = ArgMax(exported, classes);
  host_correct += host_finite && int32_t(hc) == label;
  exported_correct += exported_finite && int32_t(ec) == label;
  if (!host_finite || !exported_finite) {
    ++non_finite;
    return;
  }
  agree += hc == ec;
  for (size_t c = 0; c < classes; ++c) max_abs_diff = std::max(max_abs_diff, std::fabs(double(host[c]) - exported[c]));
}

}  // namespace mote_cli
