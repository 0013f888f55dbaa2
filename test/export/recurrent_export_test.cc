// Exported SimpleRNN / LSTM / GRU models run by the runtime agree with the
// training library (Model::Predict) within 1e-4 on 50 sequences, in both
// output modes, with and without bias; the lowering emits one recurrent op
// with the layer's weights and the runtime's scratch.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "export_test_util.h"
#include "mote/export.h"
#include "mote/layers.h"
#include "mote/rng.h"
#include "mote/rt.h"

namespace mote {
namespace {

using testing::OpTypes;
using testing::PrepareForExport;
using testing::RandomizeModel;

constexpr size_t kSteps = 7, kFeatures = 5, kUnits = 6, kSequences = 50;

std::unique_ptr<Layer> MakeCell(MoteOpType type, const RecurrentOptions& o) {
  if (type == MOTE_OP_LSTM) return std::unique_ptr<Layer>(new LSTM(kUnits, o));
  if (type == MOTE_OP_GRU) return std::unique_ptr<Layer>(new GRU(kUnits, o));
  return std::unique_ptr<Layer>(new SimpleRNN(kUnits, o));
}

// 16-byte aligned bytes for the runtime.
struct Aligned {
  explicit Aligned(size_t n) : size(n), data(static_cast<uint8_t*>(::operator new[](n ? n : 1, std::align_val_t(16)))) {}
  ~Aligned() { ::operator delete[](data, std::align_val_t(16)); }
  size_t size;
  uint8_t* data;
};

// Input [T, F] -> cell -> (Flatten when every state is returned) -> Dense(3).
void ExpectRuntimeMatchesTraining(MoteOpType type, bool sequences, bool bias) {
  SCOPED_TRACE(std::string(type == MOTE_OP_LSTM ? "LSTM" : type == MOTE_OP_GRU ? "GRU" : "SimpleRNN") +
               (sequences ? " sequences" : " last") + (bias ? " bias" : " no bias"));
  RecurrentOptions o;
  o.return_sequences = sequences;
  o.use_bias = bias;
  Model model;
  model.Input(Shape(kSteps, kFeatures));
  model.Add(MakeCell(type, o), {}, "cell");
  if (sequences) model.Add(std::unique_ptr<Layer>(new Flatten()));
  model.Add(std::unique_ptr<Layer>(new Dense(3)));
  ASSERT_TRUE(PrepareForExport(model, kSequences).ok());
  RandomizeModel(model, 17);

  ExportGraph graph;
  ASSERT_TRUE(LowerModel(model, &graph).ok());
  const std::vector<MoteOpType> want_ops =
      sequences ? std::vector<MoteOpType>{type, MOTE_OP_RESHAPE, MOTE_OP_DENSE} : std::vector<MoteOpType>{type, MOTE_OP_DENSE};
  EXPECT_EQ(OpTypes(graph), want_ops);
  EXPECT_EQ(graph.ops[0].params[0], int32_t(kUnits));
  EXPECT_EQ(graph.ops[0].params[1], sequences ? 1 : 0);
  EXPECT_GT(graph.ops[0].scratch_bytes, 0u);

  std::vector<uint8_t> bytes;
  ASSERT_TRUE(ExportModel(model, ExportOptions{}, &bytes).ok());
  Aligned file(bytes.size());
  std::memcpy(file.data, bytes.data(), bytes.size());
  const MoteModelHeader* header = reinterpret_cast<const MoteModelHeader*>(file.data);
  Aligned arena(header->arena_bytes);
  mote_rt_model rt{};
  ASSERT_EQ(mote_rt_model_init(&rt, file.data, file.size, arena.data, arena.size), MOTE_RT_OK);

  Rng rng(23);
  std::vector<float> x(kSequences * kSteps * kFeatures), want(kSequences * 3);
  for (float& v : x) v = rng.Uniform(-2.0f, 2.0f);
  ASSERT_TRUE(model.Predict(x.data(), x.size(), kSequences, want.data(), want.size()).ok());
  double worst = 0;
  for (size_t s = 0; s < kSequences; ++s) {
    mote_rt_tensor in, out;
    ASSERT_EQ(mote_rt_input(&rt, 0, &in), MOTE_RT_OK);
    ASSERT_EQ(in.bytes, kSteps * kFeatures * sizeof(float));
    std::memcpy(in.data, x.data() + s * kSteps * kFeatures, in.bytes);
    ASSERT_EQ(mote_rt_invoke(&rt), MOTE_RT_OK);
    ASSERT_EQ(mote_rt_output(&rt, 0, &out), MOTE_RT_OK);
    const float* y = static_cast<const float*>(out.data);
    for (size_t j = 0; j < 3; ++j) worst = std::max(worst, std::fabs(double(y[j]) - want[s * 3 + j]));
  }
  std::printf("    runtime vs training: max |difference| %.3g\n", worst);
  EXPECT_LE(worst, 1e-4);
}

TEST(RecurrentExportTest, RuntimeMatchesTraining) {
  for (MoteOpType type : {MOTE_OP_SIMPLE_RNN, MOTE_OP_LSTM, MOTE_OP_GRU})
    for (bool sequences : {false, true})
      for (bool bias : {true, false}) ExpectRuntimeMatchesTraining(type, sequences, bias);
}

}  // namespace
}  // namespace mote
