// SIMPLE_RNN / LSTM / GRU: every op type against a double-precision reference
// of the training layers' formulas (gate order of the format) over 6 steps in
// both output modes; validation of params, shapes and scratch.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

constexpr uint32_t kSteps = 6, kFeatures = 5, kUnits = 7;

double Sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Reference: every state h_0..h_{T-1} (T x H), straight from the formulas.
std::vector<double> Reference(MoteOpType type, const std::vector<float>& x, const std::vector<float>& w,
                              const std::vector<float>& u, const std::vector<float>& b) {
  const uint32_t g = mote_recurrent_gates(type), n = kUnits;
  std::vector<double> h(n, 0.0), c(n, 0.0), states;
  auto xw = [&](size_t t, uint32_t row) {  // W_row x_t + b_row
    double s = b[row];
    for (uint32_t f = 0; f < kFeatures; ++f) s += double(w[row * kFeatures + f]) * x[t * kFeatures + f];
    return s;
  };
  auto uh = [&](uint32_t row, const std::vector<double>& v) {  // U_row v
    double s = 0;
    for (uint32_t k = 0; k < n; ++k) s += double(u[row * n + k]) * v[k];
    return s;
  };
  for (size_t t = 0; t < kSteps; ++t) {
    std::vector<double> next(n), a(g * n);
    for (uint32_t r = 0; r < g * n; ++r) a[r] = xw(t, r);
    if (type == MOTE_OP_SIMPLE_RNN) {
      for (uint32_t j = 0; j < n; ++j) next[j] = std::tanh(a[j] + uh(j, h));
    } else if (type == MOTE_OP_LSTM) {
      for (uint32_t j = 0; j < n; ++j) {
        const double i = Sigmoid(a[j] + uh(j, h)), f = Sigmoid(a[n + j] + uh(n + j, h));
        const double cand = std::tanh(a[2 * n + j] + uh(2 * n + j, h)), o = Sigmoid(a[3 * n + j] + uh(3 * n + j, h));
        c[j] = f * c[j] + i * cand;
        next[j] = o * std::tanh(c[j]);
      }
    } else {
      std::vector<double> z(n), rh(n);
      for (uint32_t j = 0; j < n; ++j) {
        z[j] = Sigmoid(a[j] + uh(j, h));
        rh[j] = Sigmoid(a[n + j] + uh(n + j, h)) * h[j];
      }
      for (uint32_t j = 0; j < n; ++j) next[j] = (1 - z[j]) * h[j] + z[j] * std::tanh(a[2 * n + j] + uh(2 * n + j, rh));
    }
    h = next;
    states.insert(states.end(), h.begin(), h.end());
  }
  return states;
}

struct Built {
  std::vector<uint8_t> bytes;
  uint16_t x, y;
};

// One recurrent op; `edit` may break its record before the build.
template <class Edit>
Built Build(MoteOpType type, bool sequences, const std::vector<float>& w, const std::vector<float>& u,
            const std::vector<float>& b, Edit edit) {
  const uint32_t gh = mote_recurrent_gates(type) * kUnits;
  GraphBuilder g;
  Built out;
  out.x = g.Act(MOTE_DTYPE_F32, {kSteps, kFeatures});
  const uint16_t wt = g.ConstF32({gh, kFeatures}, w);
  const uint16_t ut = g.ConstF32({gh, kUnits}, u);
  const uint16_t bt = g.ConstF32({gh}, b);
  out.y = sequences ? g.Act(MOTE_DTYPE_F32, {kSteps, kUnits}) : g.Act(MOTE_DTYPE_F32, {kUnits});
  const uint32_t scratch = uint32_t(mote_recurrent_scratch_floats(type, kUnits) * 4);
  MoteOpRecord& op = g.Op(type, {out.x, wt, ut, bt}, out.y);
  op.params[0] = int32_t(kUnits);
  op.params[1] = sequences ? 1 : 0;
  op.scratch_bytes = scratch;
  op.scratch_offset = g.Reserve(scratch);
  edit(op);
  out.bytes = g.Build({out.x}, {out.y});
  return out;
}

TEST(OpRecurrentTest, MatchesTheFormulas) {
  for (MoteOpType type : {MOTE_OP_SIMPLE_RNN, MOTE_OP_LSTM, MOTE_OP_GRU}) {
    const uint32_t gh = mote_recurrent_gates(type) * kUnits;
    const auto w = RandomF32(gh * kFeatures, 1), u = RandomF32(gh * kUnits, 2), b = RandomF32(gh, 3);
    const auto x = RandomF32(kSteps * kFeatures, 4, -2.0f, 2.0f);
    const std::vector<double> states = Reference(type, x, w, u, b);
    for (bool sequences : {false, true}) {
      SCOPED_TRACE(std::to_string(type) + (sequences ? " sequences" : " last"));
      const Built built = Build(type, sequences, w, u, b, [](MoteOpRecord&) {});
      LoadedModel m;
      ASSERT_EQ(m.Load(built.bytes), MOTE_RT_OK);
      for (int run = 0; run < 2; ++run) {  // the state starts at 0 on every invoke
        m.SetInput(0, x);
        ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
        const auto y = m.Output<float>(0);
        const size_t first = sequences ? 0 : (kSteps - 1) * kUnits;
        ASSERT_EQ(y.size(), states.size() - first);
        for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], states[first + i], 2e-6) << i;
      }
    }
  }
}

TEST(OpRecurrentTest, RejectsBadParamsShapesAndScratch) {
  const MoteOpType type = MOTE_OP_LSTM;
  const uint32_t gh = 4 * kUnits;
  const auto w = RandomF32(gh * kFeatures, 1), u = RandomF32(gh * kUnits, 2), b = RandomF32(gh, 3);
  auto status = [&](bool sequences, auto edit) {
    LoadedModel m;
    return m.Load(Build(type, sequences, w, u, b, edit).bytes);
  };
  EXPECT_EQ(status(false, [](MoteOpRecord&) {}), MOTE_RT_OK);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.params[0] = 0; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.params[1] = 2; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.params[2] = 1; }), MOTE_RT_BAD_PARAMS);
  // Units disagreeing with the weights; the last-state output read as every state.
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.params[0] = int32_t(kUnits + 1); }), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.params[1] = 1; }), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.scratch_bytes -= 16; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.act_max = 6.0f; }), MOTE_RT_BAD_PARAMS);
  // Weights of another op type's gate count.
  EXPECT_EQ(status(false, [](MoteOpRecord& op) { op.type = MOTE_OP_GRU; }), MOTE_RT_BAD_SHAPE);
}

}  // namespace
}  // namespace testing
}  // namespace mote
