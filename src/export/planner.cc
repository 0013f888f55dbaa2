// PlanMemory: scratch sizes, then arena offsets from lifetimes
// (include/mote/export.h).
//
// Every activation (a RESHAPE output shares its input's block) and every
// op's scratch is a block alive over an interval of op indices, both ends
// inclusive: a tensor from the op writing it (0 for model inputs) to the
// last op reading it (past the end for model outputs), scratch during its op
// only. So an op's inputs, output and scratch never share bytes. Blocks alive
// at the same time must not overlap; the placement is greedy best-fit (the
// smallest gap below or between the already placed blocks that live at the
// same time), tried in two orders (largest first, earliest first), and a
// two-ended placement under a ceiling (blocks in order of birth, each against
// the arena's floor or ceiling when a gap touches them, else best-fit), which
// alternates a chain's tensors between the two ends: a chain then needs no
// more than its largest (input, output, scratch) triple. The smallest arena
// wins.
#include <algorithm>
#include <cstdint>
#include <numeric>

#include "mote/export.h"
#include "mote/kernels.h"
#include "src/export/graph_util.h"

namespace mote {
namespace {

constexpr size_t kAlign = MOTE_MODEL_ALIGN;

size_t AlignUp16(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

struct Block {
  size_t bytes = 0;
  int first = 0, last = 0;  // op indices, inclusive
  size_t offset = 0;
  bool scratch = false;
};

bool LiveTogether(const Block& a, const Block& b) { return a.first <= b.last && b.first <= a.last; }

// The placed blocks alive at the same time as `b`, by offset.
std::vector<const Block*> LiveNeighbours(const std::vector<Block>& blocks, const std::vector<size_t>& placed,
                                         const Block& b) {
  std::vector<const Block*> neighbours;
  for (size_t j : placed)
    if (LiveTogether(b, blocks[j])) neighbours.push_back(&blocks[j]);
  std::sort(neighbours.begin(), neighbours.end(), [](const Block* x, const Block* y) { return x->offset < y->offset; });
  return neighbours;
}

// Places blocks in `order`; returns the arena end (exact, not rounded).
size_t Place(std::vector<Block>* blocks, const std::vector<size_t>& order) {
  std::vector<size_t> placed;
  size_t end = 0;
  for (size_t i : order) {
    Block& b = (*blocks)[i];
    const std::vector<const Block*> neighbours = LiveNeighbours(*blocks, placed, b);
    size_t cursor = 0, best = 0, best_gap = SIZE_MAX;
    for (const Block* n : neighbours) {
      if (n->offset >= cursor && n->offset - cursor >= b.bytes && n->offset - cursor < best_gap) {
        best_gap = n->offset - cursor;
        best = cursor;
      }
      cursor = std::max(cursor, AlignUp16(n->offset + n->bytes));
    }
    b.offset = best_gap != SIZE_MAX ? best : cursor;
    end = std::max(end, b.offset + b.bytes);
    placed.push_back(i);
  }
  return end;
}

// Two-ended placement under `ceiling` (16-aligned); false when some block
// does not fit below it.
bool PlaceTwoEnded(std::vector<Block>* blocks, const std::vector<size_t>& order, size_t ceiling, size_t* end) {
  std::vector<size_t> placed;
  *end = 0;
  for (size_t i : order) {
    Block& b = (*blocks)[i];
    const std::vector<const Block*> neighbours = LiveNeighbours(*blocks, placed, b);
    bool found = false, at_edge = false;
    size_t best = 0, best_gap = SIZE_MAX, cursor = 0;
    auto consider = [&](size_t lo, size_t hi) {  // a free gap [lo, hi)
      if (hi < lo || hi - lo < b.bytes) return;
      const size_t high = (hi - b.bytes) / kAlign * kAlign;
      if (lo == 0 || hi == ceiling) {
        if (!at_edge) {
          at_edge = found = true;
          best = lo == 0 ? 0 : high;
        }
        return;
      }
      if (!at_edge && hi - lo < best_gap) {
        found = true;
        best_gap = hi - lo;
        best = lo;
      }
    };
    for (const Block* n : neighbours) {
      if (n->offset > cursor) consider(cursor, n->offset);
      cursor = std::max(cursor, AlignUp16(n->offset + n->bytes));
    }
    if (cursor < ceiling) consider(cursor, ceiling);
    if (!found) return false;
    b.offset = best;
    *end = std::max(*end, b.offset + b.bytes);
    placed.push_back(i);
  }
  return true;
}

// The most bytes (blocks rounded to 16) alive at one op: no plan does better.
size_t LowerBound(const std::vector<Block>& blocks, int op_count) {
  size_t bound = 0;
  for (int i = 0; i <= op_count; ++i) {
    size_t live = 0;
    for (const Block& b : blocks)
      if (b.first <= i && i <= b.last) live += AlignUp16(b.bytes);
    bound = std::max(bound, live);
  }
  return bound;
}

// The im2col tile of each CONV2D: f32, as many im2col rows as fit
// max_tile_bytes (at most the output pixels), or one kernel row of one pixel
// when not even one row fits; int8, a pair of rows; with the host layout, the
// input padded left and right (fp32) or on every side (int8; when its kernel
// rows are not whole 4-byte groups, padded rows weights and a few bytes
// more), or else as many rows as fit, at least one (int8); none for a
// pointwise conv (the runtime multiplies its input directly).
Status ChooseScratch(ExportGraph* graph, size_t max_tile_bytes) {
  for (ExportOp& op : graph->ops) {
    if (op.type != MOTE_OP_CONV2D) continue;
    if (op.inputs.size() < 2 || op.output < 0) return InvalidArgument("export: a conv2d without its tensors");
    const ExportTensor& x = graph->tensors[size_t(op.inputs[0])];
    const ExportTensor& w = graph->tensors[size_t(op.inputs[1])];
    const ExportTensor& y = graph->tensors[size_t(op.output)];
    if (w.dims.size() != 4 || y.dims.size() != 3) return InvalidArgument("export: conv2d shapes");
    const size_t rows = size_t(y.dims[0]) * y.dims[1];
    // A 1x1, stride-1, unpadded conv reads its input rows in place.
    const int32_t* p = op.params;
    if (p[0] == 1 && p[1] == 1 && p[2] == 1 && p[3] == 1 && p[4] == 0 && p[5] == 0 && x.dims.size() == 3 &&
        x.dims[0] == y.dims[0] && x.dims[1] == y.dims[1]) {
      op.params[6] = 1;
      op.scratch_bytes = 0;
      continue;
    }
    const size_t patch = size_t(w.dims[1]) * w.dims[2] * w.dims[3];
    const size_t row_bytes = patch * export_internal::DTypeBytes(x.dtype);
    // The host layouts (int8: with or without tap sums).
    const int32_t layout = op.params[7] & ~MOTE_CONV2D_WEIGHTS_TAP_SUMS;
    const bool tap_sums = (op.params[7] & MOTE_CONV2D_WEIGHTS_TAP_SUMS) != 0;
    if (layout == MOTE_CONV2D_WEIGHTS_PANELS && x.dtype == MOTE_DTYPE_F32) {
      // The host layout, fp32: the input padded left and right (no im2col).
      const uint64_t width = uint64_t(y.dims[1] - 1) * uint32_t(p[3]) + uint32_t(p[1]);
      const uint64_t bytes = uint64_t(x.dims[0]) * width * x.dims[2] * 4;
      if (bytes > 0xFFFFFFFFu) return OutOfRange("export: a padded conv input beyond 4 GiB");
      op.params[6] = 1;
      op.scratch_bytes = uint32_t(bytes);
      continue;
    }
    const bool padded_rows = layout == MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS;
    if (padded_rows || (layout == MOTE_CONV2D_WEIGHTS_PANELS && x.dtype == MOTE_DTYPE_I8 &&
                        x.dims.size() == 3 && (uint64_t(p[1]) * x.dims[2] % 4 == 0 || p[0] == 1))) {
      // The host layout, int8, kernel rows of whole 4-byte groups (or padded
      // to them in the weights, or just one): the input padded on every side
      // (read in place, no im2col; padded rows: and the bytes the last kernel
      // row's padding taps read; tap sums: then a row class's weight sums
      // and skipped weight sums, 16-aligned), and for the plain panels an im2col tile of
      // the rows that fit it (a runtime without that path runs those).
      if (x.dims.size() != 3) return InvalidArgument("export: conv2d shapes");
      const uint64_t run = uint64_t(p[1]) * x.dims[2];
      const uint64_t height = uint64_t(y.dims[0] - 1) * uint32_t(p[2]) + uint32_t(p[0]);
      const uint64_t width = uint64_t(y.dims[1] - 1) * uint32_t(p[3]) + uint32_t(p[1]);
      uint64_t padded = height * width * x.dims[2] + (padded_rows ? (run + 3) / 4 * 4 - run : 0);
      if (tap_sums) padded = (padded + 15) / 16 * 16 + 8 * uint64_t(y.dims[2]);
      // and, Cin whole 4-byte groups, each output column's kernel columns
      // inside the image (the runtime then skips the left / right padding).
      if (tap_sums && !padded_rows && x.dims[2] % 4 == 0 && p[1] < 256) padded += 2 * uint64_t(y.dims[1]);
      const uint64_t bytes = padded_rows ? padded : std::max<uint64_t>(padded, row_bytes);
      if (bytes > 0xFFFFFFFFu) return OutOfRange("export: a padded conv input beyond 4 GiB");
      op.params[6] = padded_rows ? 1 : int32_t(std::min<uint64_t>(rows, bytes / row_bytes));
      op.scratch_bytes = uint32_t(bytes);
      continue;
    }
    if (layout == MOTE_CONV2D_WEIGHTS_PANELS) {
      // The host layout, int8: as many whole im2col rows as fit, at least one.
      const size_t tile_rows = std::min(rows, std::max<size_t>(1, max_tile_bytes / row_bytes));
      if (uint64_t(tile_rows) * row_bytes > 0xFFFFFFFFu) return OutOfRange("export: an im2col tile beyond 4 GiB");
      op.params[6] = int32_t(tile_rows);
      op.scratch_bytes = uint32_t(tile_rows * row_bytes);
      continue;
    }
    if (x.dtype == MOTE_DTYPE_I8) {
      // int8 (kernels::I8ConvRows): every variant runs at full speed on a
      // pair of im2col rows; more would only take RAM.
      const uint64_t bytes = kernels::I8ConvRowsColumnBytes(patch, rows);
      if (bytes > 0xFFFFFFFFu) return OutOfRange("export: an im2col tile beyond 4 GiB");
      op.params[6] = int32_t(std::min<size_t>(rows, 2));
      op.scratch_bytes = uint32_t(bytes);
      continue;
    }
    if (row_bytes > max_tile_bytes) {
      // Not one im2col row: one kernel row of one output pixel at a time.
      op.params[6] = MOTE_CONV2D_KERNEL_ROW_TILES;
      op.scratch_bytes = uint32_t(size_t(w.dims[2]) * w.dims[3] * export_internal::DTypeBytes(x.dtype));
      continue;
    }
    const size_t tile_rows = std::min(rows, max_tile_bytes / row_bytes);
    if (tile_rows * row_bytes > 0xFFFFFFFFu) return OutOfRange("export: an im2col tile beyond 4 GiB");
    op.params[6] = int32_t(tile_rows);
    op.scratch_bytes = uint32_t(tile_rows * row_bytes);
  }
  return Status::Ok();
}

}  // namespace

Status PlanMemory(ExportGraph* graph, size_t max_tile_bytes) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  MOTE_TRY(ChooseScratch(graph, max_tile_bytes));
  const size_t tensor_count = graph->tensors.size();
  const int op_count = int(graph->ops.size());

  // Block of each activation tensor: RESHAPE outputs join their input's.
  std::vector<int> block_of(tensor_count, -1);
  std::vector<Block> blocks;
  auto new_block = [&](size_t bytes, int first, int last, bool scratch = false) {
    blocks.push_back(Block{bytes, first, last, 0, scratch});
    return int(blocks.size()) - 1;
  };
  auto extend = [&](int b, int at) {
    blocks[size_t(b)].first = std::min(blocks[size_t(b)].first, at);
    blocks[size_t(b)].last = std::max(blocks[size_t(b)].last, at);
  };
  for (int t : graph->inputs) {
    if (t < 0 || size_t(t) >= tensor_count) return InvalidArgument("export: a model input out of range");
    if (block_of[size_t(t)] < 0) block_of[size_t(t)] = new_block(graph->tensors[size_t(t)].bytes(), 0, 0);
  }
  std::vector<int> scratch_block(size_t(op_count), -1);
  for (int i = 0; i < op_count; ++i) {
    const ExportOp& op = graph->ops[size_t(i)];
    for (int t : op.inputs) {
      if (t < 0 || size_t(t) >= tensor_count) return InvalidArgument("export: an op input out of range");
      if (graph->tensors[size_t(t)].kind != MOTE_TENSOR_ACTIVATION) continue;
      if (block_of[size_t(t)] < 0) return InvalidArgument("export: an op reads a tensor no earlier op writes");
      extend(block_of[size_t(t)], i);
    }
    if (op.output < 0 || size_t(op.output) >= tensor_count) return InvalidArgument("export: an op output out of range");
    const ExportTensor& out = graph->tensors[size_t(op.output)];
    if (out.kind != MOTE_TENSOR_ACTIVATION || block_of[size_t(op.output)] >= 0)
      return InvalidArgument("export: an op output that is not a fresh activation");
    if (op.type == MOTE_OP_RESHAPE && !op.inputs.empty() && graph->tensors[size_t(op.inputs[0])].bytes() == out.bytes()) {
      block_of[size_t(op.output)] = block_of[size_t(op.inputs[0])];
    } else {
      block_of[size_t(op.output)] = new_block(out.bytes(), i, i);
    }
    if (op.scratch_bytes > 0) scratch_block[size_t(i)] = new_block(op.scratch_bytes, i, i, true);
  }
  for (int t : graph->outputs) {
    if (t < 0 || size_t(t) >= tensor_count || block_of[size_t(t)] < 0)
      return InvalidArgument("export: a model output no op writes");
    extend(block_of[size_t(t)], op_count);
  }
  // The trainable tail: its input and output stay alive to the end (the
  // backward pass reads them after the forward pass), and its parameters,
  // gradients, optimizer state and loss gradient are alive all the time.
  int train_op = -1;
  for (int i = 0; i < op_count; ++i)
    if (graph->ops[size_t(i)].trainable) {
      if (train_op >= 0) return Unsupported("export: more than one trainable op");
      train_op = i;
    }
  int train_blocks[4] = {-1, -1, -1, -1};  // params, grads, state, scratch
  if (train_op >= 0) {
    const ExportOp& op = graph->ops[size_t(train_op)];
    if (op.type != MOTE_OP_DENSE || op.inputs.size() != 3)
      return Unsupported("export: only a float dense layer can be the trainable tail");
    const ExportTensor& x = graph->tensors[size_t(op.inputs[0])];
    const ExportTensor& y = graph->tensors[size_t(op.output)];
    if (x.dtype != MOTE_DTYPE_F32 || y.dtype != MOTE_DTYPE_F32)
      return Unsupported("export: the trainable tail must be float");
    if (x.kind == MOTE_TENSOR_ACTIVATION) extend(block_of[size_t(op.inputs[0])], op_count);
    extend(block_of[size_t(op.output)], op_count);
    const uint64_t classes = y.elements(), features = x.elements();
    // Bias-only option: the dense op writing the tail's input trains its bias.
    int bias_op = -1;
    for (int i = 0; i < train_op; ++i)
      if (graph->ops[size_t(i)].bias_trainable) bias_op = i;
    if (bias_op >= 0) {
      const ExportOp& b = graph->ops[size_t(bias_op)];
      if (b.type != MOTE_OP_DENSE || b.inputs.size() != 3 || b.output != op.inputs[0])
        return Unsupported("export: only the float dense layer feeding the tail can train its bias");
    }
    const uint64_t bias_units = bias_op >= 0 ? features : 0;
    // Its weights too (two trainable layers): its input stays alive to the end.
    uint64_t feed_inputs = 0;
    if (bias_op >= 0 && graph->ops[size_t(bias_op)].weights_trainable) {
      const int x1 = graph->ops[size_t(bias_op)].inputs[0];
      feed_inputs = graph->tensors[size_t(x1)].elements();
      if (graph->tensors[size_t(x1)].kind == MOTE_TENSOR_ACTIVATION) extend(block_of[size_t(x1)], op_count);
    }
    const uint64_t params_bytes = (classes * features + classes + bias_units + bias_units * feed_inputs) * 4;
    const MoteTrainRecord& r = graph->train;
    const uint64_t state_blocks =
        r.optimizer == MOTE_OPTIMIZER_SGD ? 0 : r.optimizer == MOTE_OPTIMIZER_ADAM ? 2 : 1;
    if (params_bytes * 3 > 0xFFFFFFFFu) return OutOfRange("export: a trainable tail beyond 4 GiB");
    const uint64_t sizes[4] = {params_bytes, params_bytes, params_bytes * state_blocks, (classes + bias_units) * 4};
    for (int k = 0; k < 4; ++k)
      if (sizes[k] > 0) train_blocks[k] = new_block(size_t(sizes[k]), 0, op_count);
    graph->train.op = uint16_t(train_op);
    graph->train.bias_op = uint16_t(bias_op >= 0 ? bias_op : 0);
    graph->train.bias_units = uint32_t(bias_units);
    graph->train.feed_weights = uint16_t(feed_inputs != 0);
    graph->train.feed_inputs = uint32_t(feed_inputs);
    graph->train.params_bytes = uint32_t(sizes[0]);
    graph->train.state_bytes = uint32_t(sizes[2]);
    graph->train.scratch_bytes = uint32_t(sizes[3]);
    if (train_op > 0xFFFF) return OutOfRange("export: the trainable op index beyond 65535");
  }

  // Two orders; keep the smaller arena.
  std::vector<size_t> by_size(blocks.size()), by_start(blocks.size());
  std::iota(by_size.begin(), by_size.end(), size_t(0));
  std::iota(by_start.begin(), by_start.end(), size_t(0));
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
    if (blocks[a].bytes != blocks[b].bytes) return blocks[a].bytes > blocks[b].bytes;
    return blocks[a].first < blocks[b].first;
  });
  std::stable_sort(by_start.begin(), by_start.end(), [&](size_t a, size_t b) {
    if (blocks[a].first != blocks[b].first) return blocks[a].first < blocks[b].first;
    return blocks[a].bytes > blocks[b].bytes;
  });
  // Birth order, tensors before the scratch of their op (a chain's output
  // goes to the other end first, the scratch between).
  std::vector<size_t> by_birth(blocks.size());
  std::iota(by_birth.begin(), by_birth.end(), size_t(0));
  std::stable_sort(by_birth.begin(), by_birth.end(), [&](size_t a, size_t b) {
    if (blocks[a].first != blocks[b].first) return blocks[a].first < blocks[b].first;
    return !blocks[a].scratch && blocks[b].scratch;
  });
  std::vector<Block> best = blocks, trial = blocks;
  size_t end = Place(&best, by_size);
  const size_t end_start = Place(&trial, by_start);
  if (end_start < end) {
    best = trial;
    end = end_start;
  }
  // Two-ended under ceilings from the lower bound up to what greedy found.
  const size_t bound = LowerBound(blocks, op_count);
  for (int k = 0; k < 4 && bound < end; ++k) {
    const size_t ceiling = AlignUp16(bound + (end - bound) * size_t(k) / 4);
    trial = blocks;
    size_t trial_end = 0;
    if (PlaceTwoEnded(&trial, by_birth, ceiling, &trial_end) && trial_end < end) {
      best = trial;
      end = trial_end;
      break;
    }
  }
  blocks = best;
  if (end > 0xFFFFFFFFu) return OutOfRange("export: an arena beyond 4 GiB");

  for (size_t t = 0; t < tensor_count; ++t)
    if (block_of[t] >= 0) graph->tensors[t].offset = uint32_t(blocks[size_t(block_of[t])].offset);
  for (int i = 0; i < op_count; ++i)
    graph->ops[size_t(i)].scratch_offset = scratch_block[size_t(i)] >= 0 ? uint32_t(blocks[size_t(scratch_block[size_t(i)])].offset) : 0;
  if (train_op >= 0) {
    auto offset = [&](int k) { return train_blocks[k] >= 0 ? uint32_t(blocks[size_t(train_blocks[k])].offset) : 0u; };
    graph->train.params_offset = offset(0);
    graph->train.grads_offset = offset(1);
    graph->train.state_offset = offset(2);
    graph->train.scratch_offset = offset(3);
  }
  graph->arena_bytes = uint32_t(end);
  return Status::Ok();
}

}  // namespace mote
