// libFuzzer target for checkpoint loading: LoadCheckpoint on arbitrary bytes
// (the trailing CRC-32 recomputed, so mutations reach the checks behind it)
// into a small prepared model with batchnorm state and Adam moments. Oracle
// besides the sanitizers: a refused checkpoint leaves parameters, layer state
// and optimizer state bit for bit as they were.
#include <stdint.h>
#include <string.h>

#include <memory>
#include <vector>

#include "fuzz_checkpoint_model.h"
#include "fuzz_util.h"
#include "mote/checkpoint.h"
#include "mote/rt.h"

using mote::fuzz::Check;

namespace {

std::vector<float> Snapshot(mote::Model& m) {
  std::vector<float> v(m.params(), m.params() + m.param_buffer_floats());
  v.insert(v.end(), m.state(), m.state() + m.state_count());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static mote::Model* model = [] {
    auto* m = new mote::Model;
    Check(mote::fuzz::BuildCheckpointModel(*m).ok(), "the checkpoint model does not build");
    return m;
  }();
  std::vector<uint8_t> bytes(data, data + size);
  if (size >= 4) {
    const uint32_t crc = mote_rt_crc32(bytes.data(), size - 4);  // zlib's CRC-32, as the format uses
    memcpy(bytes.data() + size - 4, &crc, 4);
  }
  mote::fuzz::MemoryFile file(bytes.data(), bytes.size());
  const std::vector<float> before = Snapshot(*model);
  uint64_t epoch = 0;
  if (!mote::LoadCheckpoint(*model, file.path(), &epoch).ok())
    Check(memcmp(before.data(), Snapshot(*model).data(), before.size() * sizeof(float)) == 0,
          "a refused checkpoint changed the model");
  return 0;
}
