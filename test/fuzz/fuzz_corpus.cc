// Writes the seed corpora of the fuzz targets:
//   DIR/runtime     small hand-made models (every op type, fp32 and int8,
//                   runtime_test_util) and exported networks: the narrow seed
//                   network and every lowered layer kind (export_models.h;
//                   each fp32 and int8), SimpleRNN / LSTM / GRU
//   DIR/idx         IDX files (u8, i32, f32; raw and gzip)
//   DIR/csv         CSV files (first byte: fuzz_csv's options)
//   DIR/checkpoint  a checkpoint of fuzz_checkpoint's model
//   DIR/npy         .npy files (float32, uint8, int64; format 1.0 and 2.0)
// Usage: fuzz_corpus DIR
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#include <memory>
#include <string>
#include <vector>

#include "export_models.h"
#include "fuzz_checkpoint_model.h"
#include "mote/checkpoint.h"
#include "mote/export.h"
#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/optim/sgd.h"
#include "mote/rng.h"
#include "mote/zoo.h"
#include "runtime_test_util.h"

namespace {

bool Write(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return fclose(f) == 0 && ok;
}

bool WriteGzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = gzwrite(f, bytes.data(), unsigned(bytes.size())) == int(bytes.size());
  return gzclose(f) == Z_OK && ok;
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

// Batchnorm statistics away from their defaults, so folding changes weights.
void RandomizeState(mote::Model& model, uint64_t seed) {
  mote::Rng rng(seed);
  for (const mote::StateInfo& s : model.state_infos()) {
    const bool var = s.name.find("moving_variance") != std::string::npos;
    for (size_t i = 0; i < s.size; ++i) model.mutable_state()[s.offset + i] = var ? rng.Uniform(0.2f, 2.0f) : rng.Uniform(-0.5f, 0.5f);
  }
}

// fp32 and int8 (calibrated on 16 random examples) exports of a built model.
bool ExportBoth(mote::Model& model, const std::string& dir, const std::string& name, bool int8 = true) {
  if (!model.loss()) model.SetLoss(std::make_unique<mote::MeanSquaredError>());
  if (!model.optimizer()) model.SetOptimizer(std::make_unique<mote::Sgd>());
  if (!model.Prepare(4).ok()) return false;
  RandomizeState(model, name.size());
  std::vector<uint8_t> bytes;
  if (!mote::ExportModel(model, mote::ExportOptions{}, &bytes).ok() || !Write(dir + "/" + name + "_f32.mote", bytes))
    return false;
  if (!int8) return true;
  mote::Rng rng(3);
  std::vector<float> calibration(16 * model.input_size());
  for (float& v : calibration) v = rng.Uniform(-1.0f, 1.0f);
  mote::ExportOptions o;
  o.int8 = true;
  o.calibration = {calibration.data()};
  o.calibration_count = 16;
  return mote::ExportModel(model, o, &bytes).ok() && Write(dir + "/" + name + "_i8.mote", bytes);
}

bool RuntimeCorpus(const std::string& dir) {
  using namespace mote;
  bool ok = Write(dir + "/tiny_f32.mote", testing::TinyF32Model()) &&
            Write(dir + "/tiny_i8.mote", testing::TinyI8Model()) && Write(dir + "/dense_softmax.mote", DenseSoftmax());
  {
    Model m;
    ok = ok && BuildSeedNetwork(m, NarrowSeedNetworkOptions()).ok() && ExportBoth(m, dir, "seed_narrow");
  }
  {  // every layer kind with a runtime op: standalone and folded BN, depthwise, add, pools, dense, softmax
    Model m;
    testing::BuildEveryKind(m);
    ok = ok && ExportBoth(m, dir, "every_kind");
  }
  for (SequenceCell cell : {SequenceCell::kSimpleRnn, SequenceCell::kLstm, SequenceCell::kGru}) {
    Model m;
    SequenceNetworkOptions o;
    o.cell = cell;
    o.units = 6;
    const char* name = cell == SequenceCell::kSimpleRnn ? "rnn" : cell == SequenceCell::kLstm ? "lstm" : "gru";
    ok = ok && BuildSequenceNetwork(m, o).ok() && ExportBoth(m, dir, name, /*int8=*/false);
  }
  return ok;
}

std::vector<uint8_t> IdxFile(uint8_t type, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

bool IdxCorpus(const std::string& dir) {
  const std::vector<uint8_t> images = IdxFile(0x08, {3, 2, 2}, {0, 64, 128, 255, 1, 2, 3, 4, 9, 8, 7, 6});
  const std::vector<uint8_t> labels = IdxFile(0x08, {3}, {0, 1, 2});
  // int32 labels and float32 features, big-endian as IDX stores them.
  const std::vector<uint8_t> i32 = IdxFile(0x0C, {2}, {0, 0, 0, 1, 0, 0, 0, 9});
  const std::vector<uint8_t> f32 = IdxFile(0x0D, {2, 2}, {0x3f, 0x80, 0, 0, 0xbf, 0x80, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0});
  return Write(dir + "/images_u8", images) && Write(dir + "/labels_u8", labels) && Write(dir + "/labels_i32", i32) &&
         Write(dir + "/features_f32", f32) && WriteGzip(dir + "/images_u8.gz", images);
}

bool CsvCorpus(const std::string& dir) {
  auto csv = [](uint8_t options, const std::string& text) {
    std::vector<uint8_t> b = {options};
    b.insert(b.end(), text.begin(), text.end());
    return b;
  };
  return Write(dir + "/plain", csv(0x18, "0.5,1.5,2\n-1,2e3,0\n3,4,1\n")) &&
         Write(dir + "/header_semicolon", csv(0x03 | 0x18, "a;b;label\n1;2;0\r\n3;4;1\r\n")) &&
         Write(dir + "/label_first", csv(0x20, "1, 0.25, 0.75\n0, 1, 2\n")) &&
         Write(dir + "/unlabelled", csv(0x04, "1,2,3\n4,5,6\n"));
}

// A .npy file as numpy.save writes it: header padded to 64 bytes, '\n' last.
std::vector<uint8_t> NpyFile(const std::string& descr, const std::string& shape, const std::vector<uint8_t>& payload,
                             uint8_t major = 1) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((prefix + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0, uint8_t(h.size()), uint8_t(h.size() >> 8)};
  if (major != 1) b.insert(b.end(), {0, 0});
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

bool NpyCorpus(const std::string& dir) {
  return Write(dir + "/images_u8", NpyFile("|u1", "(2, 2, 2)", {0, 64, 128, 255, 1, 2, 3, 4})) &&
         Write(dir + "/features_f32", NpyFile("<f4", "(2, 1)", {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0})) &&
         Write(dir + "/labels_i64", NpyFile("<i8", "(2,)", {1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0})) &&
         Write(dir + "/v2_scalar", NpyFile("<f4", "()", {0, 0, 0x80, 0x3f}, 2));
}

bool CheckpointCorpus(const std::string& dir) {
  mote::Model m;
  if (!mote::fuzz::BuildCheckpointModel(m).ok()) return false;
  const float x[10] = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f, 0.9f, 1.0f};
  const int32_t labels[2] = {0, 2};
  return m.TrainStep(x, mote::Targets{labels, nullptr}, 2, 0.01f).ok() &&
         mote::SaveCheckpoint(m, dir + "/adam_bn.ckpt", 3).ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  for (const char* sub : {"", "/runtime", "/idx", "/csv", "/checkpoint", "/npy"}) mkdir((dir + sub).c_str(), 0755);
  const bool ok = RuntimeCorpus(dir + "/runtime") && IdxCorpus(dir + "/idx") && CsvCorpus(dir + "/csv") &&
                  CheckpointCorpus(dir + "/checkpoint") && NpyCorpus(dir + "/npy");
  if (!ok) fprintf(stderr, "fuzz_corpus: could not build or write the corpus in %s\n", dir.c_str());
  return ok ? 0 : 1;
}
