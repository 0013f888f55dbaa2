// Networks the `mote` tool can rebuild from a name, to load checkpoints
// (which hold weights, not architecture) for export and test-set generation.
#include <string>

#include "mote/checkpoint.h"
#include "mote/model.h"
#include "mote/zoo.h"
#include "src/cli/cli.h"

namespace mote_cli {

mote::Status BuildNamedNetwork(const std::string& name, mote::Model* model) {
  if (name == "seed") return mote::BuildSeedNetwork(*model);
  return mote::InvalidArgument("unknown network (known: seed)");
}

mote::Status LoadTrainedNetwork(const std::string& name, const std::string& checkpoint, size_t max_batch,
                                mote::Model* model) {
  MOTE_TRY(BuildNamedNetwork(name, model));
  MOTE_TRY(model->Prepare(max_batch));
  return mote::LoadCheckpoint(*model, checkpoint);
}

}  // namespace mote_cli
