// PlanMemory (src/export/planner.cc): live blocks never overlap (brute force
// over every op of random chains and graphs), chain and residual sizes, tiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "mote/export.h"

namespace mote {
namespace {

size_t Align16(size_t n) { return (n + 15) / 16 * 16; }

// A float activation of `elements` elements.
int Activation(ExportGraph* g, uint32_t elements) {
  ExportTensor t;
  t.dims = {elements};
  return g->AddTensor(t);
}

int Op(ExportGraph* g, MoteOpType type, std::vector<int> inputs, uint32_t out_elements, uint32_t scratch = 0) {
  ExportOp op;
  op.type = type;
  op.inputs = std::move(inputs);
  op.output = Activation(g, out_elements);
  op.scratch_bytes = scratch;
  g->ops.push_back(op);
  return op.output;
}

struct Range {
  size_t begin, end;
  int tensor;  // -1 for scratch
};

// Brute force: at every op, the blocks alive (tensors from their writer to
// their last reader, model inputs from the start, outputs to the end, the op's
// scratch) are inside the arena, 16-aligned and pairwise disjoint, except a
// RESHAPE output sharing its input's bytes.
void ExpectNoLiveOverlap(const ExportGraph& g) {
  const int n = int(g.ops.size());
  std::vector<int> first(g.tensors.size(), -1), last(g.tensors.size(), -1), alias(g.tensors.size(), -1);
  for (int t : g.inputs) first[size_t(t)] = last[size_t(t)] = 0;
  for (int i = 0; i < n; ++i) {
    const ExportOp& op = g.ops[size_t(i)];
    for (int t : op.inputs)
      if (g.tensors[size_t(t)].kind == MOTE_TENSOR_ACTIVATION) last[size_t(t)] = std::max(last[size_t(t)], i);
    first[size_t(op.output)] = last[size_t(op.output)] = i;
    if (op.type == MOTE_OP_RESHAPE) alias[size_t(op.output)] = op.inputs[0];
  }
  for (int t : g.outputs) last[size_t(t)] = n;
  auto root = [&](int t) {
    while (alias[size_t(t)] >= 0) t = alias[size_t(t)];
    return t;
  };
  for (int i = 0; i <= n; ++i) {
    std::vector<Range> live;
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (g.tensors[t].kind != MOTE_TENSOR_ACTIVATION || first[t] < 0) continue;
      if (first[t] <= i && i <= last[t])
        live.push_back({g.tensors[t].offset, g.tensors[t].offset + g.tensors[t].bytes(), int(t)});
    }
    if (i < n && g.ops[size_t(i)].scratch_bytes > 0)
      live.push_back({g.ops[size_t(i)].scratch_offset, g.ops[size_t(i)].scratch_offset + g.ops[size_t(i)].scratch_bytes, -1});
    for (size_t a = 0; a < live.size(); ++a) {
      ASSERT_EQ(live[a].begin % 16, 0u);
      ASSERT_LE(live[a].end, g.arena_bytes);
      for (size_t b = a + 1; b < live.size(); ++b) {
        if (live[a].tensor >= 0 && live[b].tensor >= 0 && root(live[a].tensor) == root(live[b].tensor)) {
          ASSERT_EQ(live[a].begin, live[b].begin) << "an alias at another offset";
          continue;
        }
        ASSERT_TRUE(live[a].end <= live[b].begin || live[b].end <= live[a].begin)
            << "op " << i << ": blocks " << live[a].tensor << " and " << live[b].tensor << " overlap";
      }
    }
  }
}

TEST(PlannerTest, RandomChainsNeverOverlapAndNeedTheLargestAdjacentPair) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    ExportGraph g;
    const int length = 1 + int(rng() % 12);
    std::vector<size_t> sizes, scratch;
    int x = Activation(&g, 1 + rng() % 300);
    g.inputs = {x};
    sizes.push_back(g.tensors[size_t(x)].bytes());
    for (int i = 0; i < length; ++i) {
      const bool reshape = rng() % 5 == 0;
      const uint32_t s = !reshape && rng() % 3 == 0 ? uint32_t(rng() % 500) : 0;
      x = Op(&g, reshape ? MOTE_OP_RESHAPE : MOTE_OP_DENSE, {x},
             reshape ? uint32_t(g.tensors[size_t(x)].elements()) : 1 + rng() % 300, s);
      sizes.push_back(g.tensors[size_t(x)].bytes());
      scratch.push_back(s);
    }
    g.outputs = {x};
    ASSERT_TRUE(PlanMemory(&g).ok());
    ExpectNoLiveOverlap(g);
    // Never more than the largest (input, output, scratch) triple of one op
    // (each rounded up to 16).
    size_t bound = 0;
    for (size_t i = 0; i < scratch.size(); ++i) {
      const bool alias = g.ops[i].type == MOTE_OP_RESHAPE;
      bound = std::max(bound, (alias ? 0 : Align16(sizes[i])) + Align16(sizes[i + 1]) + Align16(scratch[i]));
    }
    EXPECT_LE(g.arena_bytes, bound) << "trial " << trial;
  }
}

TEST(PlannerTest, RandomGraphsNeverOverlap) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    ExportGraph g;
    std::vector<int> values = {Activation(&g, 1 + rng() % 200)};
    g.inputs = {values[0]};
    if (rng() % 2) {
      values.push_back(Activation(&g, 1 + rng() % 200));
      g.inputs.push_back(values.back());
    }
    const int ops = 1 + int(rng() % 20);
    for (int i = 0; i < ops; ++i) {
      const int a = values[rng() % values.size()];
      const int b = values[rng() % values.size()];
      const int kind = int(rng() % 4);
      if (kind == 0) {
        const int y = Op(&g, MOTE_OP_RESHAPE, {a}, uint32_t(g.tensors[size_t(a)].elements()));
        values.push_back(y);
      } else {
        values.push_back(Op(&g, MOTE_OP_ADD, kind == 1 ? std::vector<int>{a, b} : std::vector<int>{a},
                            1 + rng() % 200, rng() % 2 ? uint32_t(rng() % 300) : 0));
      }
    }
    g.outputs = {values.back()};
    if (rng() % 2 && values.size() > 3) g.outputs.push_back(values[values.size() / 2]);
    ASSERT_TRUE(PlanMemory(&g).ok());
    ExpectNoLiveOverlap(g);
  }
}

TEST(PlannerTest, ResidualKeepsTheSkipTensorAlive) {
  // x -> a -> b -> c; add(a, c): a lives until the add.
  ExportGraph g;
  const int x = Activation(&g, 64);
  g.inputs = {x};
  const int a = Op(&g, MOTE_OP_DENSE, {x}, 64);
  const int b = Op(&g, MOTE_OP_DENSE, {a}, 64);
  const int c = Op(&g, MOTE_OP_DENSE, {b}, 64);
  const int y = Op(&g, MOTE_OP_ADD, {a, c}, 64);
  g.outputs = {y};
  ASSERT_TRUE(PlanMemory(&g).ok());
  ExpectNoLiveOverlap(g);
  auto disjoint = [&](int s, int t) {
    const ExportTensor &p = g.tensors[size_t(s)], &q = g.tensors[size_t(t)];
    return p.offset + p.bytes() <= q.offset || q.offset + q.bytes() <= p.offset;
  };
  EXPECT_TRUE(disjoint(a, b));
  EXPECT_TRUE(disjoint(a, c));
  EXPECT_TRUE(disjoint(a, y));
  // Three 256-byte tensors alive at once (a, b, c at op 2; a, c, y at op 3).
  EXPECT_EQ(g.arena_bytes, 3u * 256);
}

TEST(PlannerTest, ReshapeAliasesItsInput) {
  ExportGraph g;
  const int x = Activation(&g, 40);
  g.inputs = {x};
  const int a = Op(&g, MOTE_OP_DENSE, {x}, 40);
  const int r = Op(&g, MOTE_OP_RESHAPE, {a}, 40);
  const int y = Op(&g, MOTE_OP_DENSE, {r}, 8);
  g.outputs = {y};
  ASSERT_TRUE(PlanMemory(&g).ok());
  ExpectNoLiveOverlap(g);
  EXPECT_EQ(g.tensors[size_t(r)].offset, g.tensors[size_t(a)].offset);
  EXPECT_EQ(g.arena_bytes, 2u * 160);  // x and a at op 0; y below a once x is dead
}

// A 3x3 conv on 8x8x4: tiles of im2col rows within the budget, at least one.
ExportGraph ConvGraph(MoteDType dtype) {
  ExportGraph g;
  ExportTensor x;
  x.dims = {8, 8, 4};
  x.dtype = dtype;
  g.inputs = {g.AddTensor(x)};
  ExportTensor w;
  w.kind = MOTE_TENSOR_CONSTANT;
  w.dims = {5, 3, 3, 4};
  const int wt = g.AddTensor(w);
  ExportTensor y = x;
  y.dims = {8, 8, 5};
  ExportOp op;
  op.type = MOTE_OP_CONV2D;
  op.inputs = {g.inputs[0], wt};
  op.output = g.AddTensor(y);
  g.ops.push_back(op);
  g.outputs = {op.output};
  return g;
}

TEST(PlannerTest, ConvTileRowsFollowTheBudget) {
  ExportGraph g = ConvGraph(MOTE_DTYPE_F32);
  ASSERT_TRUE(PlanMemory(&g, 1000).ok());  // 144-byte rows: 6 per tile
  EXPECT_EQ(g.ops[0].params[6], 6);
  EXPECT_EQ(g.ops[0].scratch_bytes, 6u * 144);
  ExpectNoLiveOverlap(g);
  EXPECT_EQ(g.arena_bytes, 1024u + 1280u + 864u);
  ASSERT_TRUE(PlanMemory(&g, 143).ok());  // less than one row: one kernel row (3 x 4 floats)
  EXPECT_EQ(g.ops[0].params[6], MOTE_CONV2D_KERNEL_ROW_TILES);
  EXPECT_EQ(g.ops[0].scratch_bytes, 48u);
  ASSERT_TRUE(PlanMemory(&g, 144).ok());  // exactly one row
  EXPECT_EQ(g.ops[0].params[6], 1);
  ASSERT_TRUE(PlanMemory(&g, 1 << 20).ok());  // never more than the output pixels
  EXPECT_EQ(g.ops[0].params[6], 64);
  ExportGraph q = ConvGraph(MOTE_DTYPE_I8);
  ASSERT_TRUE(PlanMemory(&q, 1000).ok());  // 36-byte int8 rows: a pair whatever the budget
  EXPECT_EQ(q.ops[0].params[6], 2);
  EXPECT_EQ(q.ops[0].scratch_bytes, 2u * 36);
  q.tensors[1].dims = {5, 3, 3, 3};  // 27-byte rows, each padded to 28
  q.tensors[0].dims = {8, 8, 3};
  ASSERT_TRUE(PlanMemory(&q, 10).ok());
  EXPECT_EQ(q.ops[0].scratch_bytes, 2u * 28);
}

TEST(PlannerTest, PointwiseConvNeedsNoTile) {
  ExportGraph g = ConvGraph(MOTE_DTYPE_F32);
  g.tensors[1].dims = {5, 1, 1, 4};
  g.ops[0].params[0] = g.ops[0].params[1] = g.ops[0].params[2] = g.ops[0].params[3] = 1;
  ASSERT_TRUE(PlanMemory(&g).ok());
  EXPECT_EQ(g.ops[0].scratch_bytes, 0u);
  EXPECT_EQ(g.ops[0].scratch_offset, 0u);
  EXPECT_EQ(g.arena_bytes, 1024u + 1280u);
  g.ops[0].params[2] = 2;  // strided: a tile again
  g.tensors[2].dims = {4, 4, 5};
  ASSERT_TRUE(PlanMemory(&g).ok());
  EXPECT_EQ(g.ops[0].scratch_bytes, 16u * 16);
}

TEST(PlannerTest, RejectsInconsistentGraphs) {
  ExportGraph g;
  const int x = Activation(&g, 4);
  const int y = Op(&g, MOTE_OP_DENSE, {x}, 4);
  g.outputs = {y};
  EXPECT_EQ(PlanMemory(&g).code(), StatusCode::kInvalidArgument);  // x is neither an input nor written
  g.inputs = {x};
  g.ops[0].inputs = {42};
  EXPECT_EQ(PlanMemory(&g).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanMemory(nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
