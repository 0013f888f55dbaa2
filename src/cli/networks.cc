// Networks the `mote` tool can rebuild from a name, to load checkpoints of
// older mote versions (weights only, no model description).
#include <stdlib.h>

#include <string>

#include "mote/model.h"
#include "mote/zoo.h"
#include "src/cli/cli.h"

namespace mote_cli {

mote::Status BuildNamedNetwork(const std::string& name, mote::Model* model) {
  if (name == "seed") return mote::BuildSeedNetwork(*model);
  // "<cell>:<units>", e.g. "lstm:128" (examples/sequence_fashion_mnist).
  const size_t colon = name.find(':');
  if (colon != std::string::npos) {
    mote::SequenceNetworkOptions options;
    const std::string cell = name.substr(0, colon), units = name.substr(colon + 1);
    if (mote::ParseSequenceCell(cell.c_str(), &options.cell).ok() && !units.empty() && units.size() <= 6 &&
        units.find_first_not_of("0123456789") == std::string::npos) {
      options.units = size_t(strtoul(units.c_str(), nullptr, 10));
      return mote::BuildSequenceNetwork(*model, options);
    }
  }
  return mote::InvalidArgument("unknown network (known: seed, rnn:UNITS, lstm:UNITS, gru:UNITS)");
}

}  // namespace mote_cli
