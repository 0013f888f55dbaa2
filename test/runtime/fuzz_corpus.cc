// Writes the fuzz target's seed corpus: small valid models covering every op
// (fp32 and int8). Usage: fuzz_corpus DIR (built by build-fuzz.sh).
#include <stdio.h>

#include <string>

#include "runtime_test_util.h"

namespace {

bool Write(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return fclose(f) == 0 && ok;
}

// x [6] -> dense(3, ReLU) -> softmax: the smallest useful model.
std::vector<uint8_t> DenseSoftmax() {
  using namespace mote::testing;
  GraphBuilder g;
  const uint16_t x = g.Act(MOTE_DTYPE_F32, {6});
  const uint16_t h = g.Act(MOTE_DTYPE_F32, {3});
  const uint16_t y = g.Act(MOTE_DTYPE_F32, {3});
  g.Op(MOTE_OP_DENSE, {x, g.ConstF32({3, 6}, RandomF32(18, 1)), g.ConstF32({3}, RandomF32(3, 2))}, h).act_min = 0;
  g.Op(MOTE_OP_SOFTMAX, {h}, y);
  return g.Build({x}, {y});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const bool ok = Write(dir + "/tiny_f32.mote", mote::testing::TinyF32Model()) &&
                  Write(dir + "/tiny_i8.mote", mote::testing::TinyI8Model()) &&
                  Write(dir + "/dense_softmax.mote", DenseSoftmax());
  if (!ok) fprintf(stderr, "fuzz_corpus: cannot write to %s\n", dir.c_str());
  return ok ? 0 : 1;
}
