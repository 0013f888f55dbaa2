// libFuzzer target for the runtime (src/runtime): model files through
// mote_rt_arena_bytes and mote_rt_model_init and, when accepted, every op on
// every backend this build has.
//
// Mutations are structured (LLVMFuzzerCustomMutator): most change one field
// of the header, a tensor record, an op record or one constant element, with
// values near the limits the loader checks (and, for dims, the byte count kept
// consistent so the mutation gets past the tensor checks); the CRC is always
// recomputed so mutations reach the checks behind it.
//
// Oracles besides AddressSanitizer / UBSan (model and arena sit in exactly
// sized buffers):
//   - the loader agrees with itself: mote_rt_arena_bytes and init give the
//     same status, init accepts the reported arena and refuses one byte less;
//   - ops write only their output and their scratch (the arena is compared
//     before and after each op);
//   - int8 results are bit-identical across backends: every int8 tensor that
//     depends only on int8 arithmetic (and the QUANTIZE of a model input);
//   - float ops agree across backends on the same inputs, within what their
//     sums may lose to another order (CompareFloats; each op is run from the
//     scalar backend's arena, so differences do not compound).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "fuzz_util.h"
#include "mote/kernels.h"
#include "mote/rt.h"
#include "runtime_test_util.h"
#include "src/runtime/op.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using mote::fuzz::Check;
using mote::testing::AlignedBytes;

// Larger planned arenas only exercise the loader (keeps each run fast).
constexpr size_t kMaxArena = 256 * 1024;

template <typename T>
T Load(const uint8_t* p) {
  T v;
  memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void Store(uint8_t* p, T v) {
  memcpy(p, &v, sizeof v);
}

void FixCrc(uint8_t* data, size_t size) {
  if (size < sizeof(MoteModelHeader)) return;
  const uint32_t file_bytes = Load<uint32_t>(data + offsetof(MoteModelHeader, file_bytes));
  if (file_bytes >= 12 && file_bytes <= size) Store(data + 8, mote_rt_crc32(data + 12, file_bytes - 12));
}

// The header when its tables lie inside `size` bytes (the mutator's map).
bool Tables(const uint8_t* data, size_t size, MoteModelHeader* h) {
  if (size < sizeof(MoteModelHeader)) return false;
  memcpy(h, data, sizeof *h);
  const uint64_t tensors_end = uint64_t(h->tensor_table_offset) + uint64_t(h->tensor_count) * sizeof(MoteTensorRecord);
  const uint64_t ops_end = uint64_t(h->op_table_offset) + uint64_t(h->op_count) * sizeof(MoteOpRecord);
  return h->tensor_count > 0 && tensors_end <= size && ops_end <= size;
}

uint32_t InterestingU32(uint32_t old, std::minstd_rand& rng) {
  static const uint32_t kValues[] = {0,     1,      2,      3,          4,          7,          8,         15,
                                     16,    17,     31,     32,         63,         64,         255,       256,
                                     1023,  1024,   4095,   4096,       65535,      65536,      1u << 24,  1u << 30,
                                     (1u << 31) - 1, 1u << 31, 0xFFFFFFF0u, 0xFFFFFFFFu};
  switch (rng() % 4) {
    case 0: return kValues[rng() % (sizeof kValues / sizeof kValues[0])];
    case 1: return old + 1 + rng() % 16;
    case 2: return old - 1 - rng() % 16;
    default: return rng() % 2 ? old * 2 : old / 2;
  }
}

float InterestingF32(std::minstd_rand& rng) {
  static const float kValues[] = {0.0f, -0.0f, 1.0f, -1.0f, 6.0f, 127.0f, -128.0f, 1e-30f, 1e30f, -1e30f,
                                  __builtin_inff(), -__builtin_inff(), __builtin_nanf(""), 0.5f, 1e-3f};
  return rng() % 2 ? kValues[rng() % (sizeof kValues / sizeof kValues[0])]
                   : std::ldexp(float(int32_t(rng() % 2001) - 1000) / 1000.0f, int(rng() % 64) - 32);
}

size_t DTypeBytes(uint8_t dtype) { return dtype == MOTE_DTYPE_I8 ? 1 : 4; }

void MutateHeader(uint8_t* data, std::minstd_rand& rng) {
  // The words after the CRC: sizes, counts, offsets, arena, io ids, flags.
  const size_t word = 3 + rng() % 13;
  Store(data + 4 * word, InterestingU32(Load<uint32_t>(data + 4 * word), rng));
}

void MutateTensor(uint8_t* data, const MoteModelHeader& h, std::minstd_rand& rng) {
  uint8_t* t = data + h.tensor_table_offset + (rng() % h.tensor_count) * sizeof(MoteTensorRecord);
  MoteTensorRecord r = Load<MoteTensorRecord>(t);
  switch (rng() % 7) {
    case 0: r.dtype = uint8_t(rng() % 4); break;
    case 1: r.kind = uint8_t(rng() % 3); break;
    case 2: r.rank = uint8_t(rng() % 6); break;
    case 3: r.offset = InterestingU32(r.offset, rng); break;
    case 4: r.bytes = InterestingU32(r.bytes, rng); break;
    case 5: rng() % 2 ? void(r.scale = InterestingF32(rng)) : void(r.zero_point = int32_t(InterestingU32(r.zero_point, rng))); break;
    default: {  // a dim, usually with a consistent byte count
      r.dims[rng() % MOTE_MODEL_MAX_RANK] = rng() % 2 ? 1 + rng() % 40 : InterestingU32(1, rng);
      if (rng() % 4 != 0) {
        uint64_t elements = 1;
        for (uint32_t i = 0; i < r.rank && i < MOTE_MODEL_MAX_RANK; ++i) elements *= r.dims[i];
        r.bytes = uint32_t(elements * DTypeBytes(r.dtype));
      }
    }
  }
  Store(t, r);
}

void MutateOp(uint8_t* data, const MoteModelHeader& h, std::minstd_rand& rng) {
  if (h.op_count == 0) return;
  uint8_t* o = data + h.op_table_offset + (rng() % h.op_count) * sizeof(MoteOpRecord);
  MoteOpRecord r = Load<MoteOpRecord>(o);
  switch (rng() % 7) {
    case 0: r.type = uint16_t(rng() % (MOTE_OP_TYPE_END + 1)); break;
    case 1: r.inputs[rng() % 4] = uint16_t(rng() % 8 ? rng() % h.tensor_count : MOTE_MODEL_NO_TENSOR); break;
    case 2: r.output = uint16_t(rng() % h.tensor_count); break;
    case 3: rng() % 2 ? void(r.act_min = InterestingF32(rng)) : void(r.act_max = InterestingF32(rng)); break;
    case 4: r.scratch_offset = InterestingU32(r.scratch_offset, rng); break;
    case 5: r.scratch_bytes = InterestingU32(r.scratch_bytes, rng); break;
    default: {
      const size_t i = rng() % 8;
      r.params[i] = int32_t(InterestingU32(uint32_t(r.params[i]), rng));
    }
  }
  Store(o, r);
}

// One element of a constant: weights, biases (int32 ones near the loader's
// accumulator bound), requantization tables.
void MutateConstant(uint8_t* data, size_t size, const MoteModelHeader& h, std::minstd_rand& rng) {
  const uint8_t* t = data + h.tensor_table_offset + (rng() % h.tensor_count) * sizeof(MoteTensorRecord);
  const MoteTensorRecord r = Load<MoteTensorRecord>(t);
  if (r.kind != MOTE_TENSOR_CONSTANT || r.bytes == 0 || uint64_t(r.offset) + r.bytes > size) return;
  const size_t width = DTypeBytes(r.dtype), count = r.bytes / width;
  if (count == 0) return;
  uint8_t* e = data + r.offset + (rng() % count) * width;
  if (r.dtype == MOTE_DTYPE_F32) {
    Store(e, InterestingF32(rng));
  } else if (r.dtype == MOTE_DTYPE_I32) {
    static const int32_t kValues[] = {0, 1, -1, (1 << 30) - 1, -(1 << 30), 1 << 30, INT32_MAX, INT32_MIN, 1 << 20};
    Store(e, rng() % 2 ? kValues[rng() % (sizeof kValues / sizeof kValues[0])]
                       : int32_t(InterestingU32(Load<uint32_t>(e), rng)));
  } else {
    *e = uint8_t(rng());
  }
}

// Deterministic inputs: floats in [-1, 1], int8 anywhere.
void FillInputs(const mote_rt_model& m, uint32_t seed) {
  std::minstd_rand rng(seed | 1u);
  for (uint32_t i = 0; i < mote_rt_input_count(&m); ++i) {
    mote_rt_tensor t;
    Check(mote_rt_input(&m, i, &t) == MOTE_RT_OK, "mote_rt_input failed on an accepted model");
    uint8_t* p = static_cast<uint8_t*>(t.data);
    if (t.dtype == MOTE_DTYPE_F32) {
      for (uint32_t k = 0; k + 4 <= t.bytes; k += 4) Store(p + k, float(int32_t(rng() % 2001) - 1000) / 1000.0f);
    } else {
      for (uint32_t k = 0; k < t.bytes; ++k) p[k] = uint8_t(rng());
    }
  }
}

bool InRange(size_t at, uint32_t offset, uint32_t bytes) { return at >= offset && at - offset < bytes; }

// Changed arena bytes lie in the op's output (an activation) or its scratch.
void CheckWrites(const mote_rt_model& m, const MoteOpRecord& op, const uint8_t* before) {
  const MoteTensorRecord& out = m.tensors[op.output];
  for (size_t i = 0; i < m.arena_bytes; ++i) {
    if (m.arena[i] == before[i]) continue;
    const bool in_output = out.kind == MOTE_TENSOR_ACTIVATION && InRange(i, out.offset, out.bytes);
    Check(in_output || InRange(i, op.scratch_offset, op.scratch_bytes), "an op wrote outside its output and scratch");
  }
}

// Which op outputs must be bit-identical across backends: int8 / int32
// results of exact inputs (model inputs, constants, earlier exact results),
// and QUANTIZE of a model input.
std::vector<bool> ExactOps(const mote_rt_model& m) {
  std::vector<bool> exact_tensor(m.header->tensor_count, false), exact_op(m.header->op_count, false);
  for (uint32_t i = 0; i < m.header->tensor_count; ++i) exact_tensor[i] = m.tensors[i].kind == MOTE_TENSOR_CONSTANT;
  for (uint32_t i = 0; i < m.header->input_count; ++i) exact_tensor[m.header->inputs[i]] = true;
  for (uint32_t k = 0; k < m.header->op_count; ++k) {
    const MoteOpRecord& op = m.ops[k];
    bool exact = m.tensors[op.output].dtype != MOTE_DTYPE_F32;
    for (uint32_t i = 0; i < op.input_count && i < 4; ++i) {
      const MoteTensorRecord& in = m.tensors[op.inputs[i]];
      exact = exact && exact_tensor[op.inputs[i]] && (in.dtype != MOTE_DTYPE_F32 || op.type == MOTE_OP_QUANTIZE);
    }
    exact_op[k] = exact;
    exact_tensor[op.output] = exact;
  }
  return exact_op;
}

// Float agreement across backends on the same inputs. Backends may sum in
// another order (and fuse multiply-adds), so the tolerance grows with what the
// sums could lose: 1e-3 of the output's largest finite magnitude, plus 1e-5 of
// a bound on any pre-activation (largest |activation input|, at least 1, times
// the sum of |constant| inputs). Fuzzed weights of 1e24 make sign flips of
// cancelling sums legitimate; a wrong index or tail still differs by O(output).
void CompareFloats(const mote_rt_model& m, const MoteOpRecord& op, const float* want, const float* got, size_t n) {
  double input_scale = 1.0, constants_l1 = 0.0;
  for (uint32_t i = 0; i < op.input_count && i < 4; ++i) {
    const MoteTensorRecord& t = m.tensors[op.inputs[i]];
    if (t.dtype != MOTE_DTYPE_F32) continue;
    const float* v = reinterpret_cast<const float*>(mote::rt::DataOf(m, op.inputs[i]));
    for (uint32_t k = 0; k < t.bytes / 4; ++k) {
      if (!std::isfinite(v[k])) {
        if (t.kind == MOTE_TENSOR_CONSTANT) return;  // no bound: nothing to compare against
        continue;
      }
      if (t.kind == MOTE_TENSOR_CONSTANT) constants_l1 += std::fabs(v[k]);
      else input_scale = std::max(input_scale, double(std::fabs(v[k])));
    }
  }
  float largest = 0.0f;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(want[i])) largest = std::max(largest, std::fabs(want[i]));
  const double tolerance = 1e-3 * (1.0 + largest) + 1e-5 * input_scale * constants_l1;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(want[i]) || !std::isfinite(got[i])) continue;  // NaN / inf propagation may differ by backend
    if (std::fabs(double(want[i]) - got[i]) > tolerance)
      fprintf(stderr, "op type %u, element %zu of %zu: scalar %.9g, %s %.9g (tolerance %.3g)\n", unsigned(op.type), i, n,
              want[i], mote::BackendName(mote::ActiveBackend()), got[i], tolerance);
    Check(std::fabs(double(want[i]) - got[i]) <= tolerance, "a float op differs across backends");
  }
}

// Runs the accepted model op by op on the scalar backend, and every other
// backend on the scalar arena before each op; checks writes and agreement.
void RunEveryBackend(const uint8_t* model, size_t size, size_t need, uint32_t seed) {
  AlignedBytes arena(need), other_arena(need);
  mote_rt_model m{}, other{};
  Check(mote_rt_model_init(&m, model, size, arena.data(), need) == MOTE_RT_OK, "init refused the planned arena");
  Check(mote_rt_model_init(&other, model, size, other_arena.data(), need) == MOTE_RT_OK, "second init failed");
  memset(arena.data(), seed % 2 ? 0x41 : 0xFF, need);  // ordinary numbers or NaN bytes
  FillInputs(m, seed);
  const std::vector<bool> exact = ExactOps(m);
  std::vector<uint8_t> before(need);
  mote::Backend others[2];
  size_t other_count = 0;
  for (mote::Backend b : {mote::Backend::kHwy, mote::Backend::kXsimd})
    if (mote::BackendAvailable(b)) others[other_count++] = b;
  for (uint32_t k = 0; k < m.header->op_count; ++k) {
    const MoteOpRecord& op = m.ops[k];
    const mote::rt::OpKind* kind = mote::rt::FindOp(op.type);
    Check(kind != nullptr, "init accepted an op it cannot run");
    if (need) memcpy(before.data(), arena.data(), need);
    Check(mote::SetBackend(mote::Backend::kScalar).ok(), "no scalar backend");
    kind->run(m, op);
    CheckWrites(m, op, before.data());
    const MoteTensorRecord& out = m.tensors[op.output];
    if (out.kind != MOTE_TENSOR_ACTIVATION) continue;
    for (size_t b = 0; b < other_count; ++b) {
      if (need) memcpy(other_arena.data(), before.data(), need);
      Check(mote::SetBackend(others[b]).ok(), "an available backend could not be set");
      kind->run(other, op);
      CheckWrites(other, op, before.data());
      const uint8_t* want = arena.data() + out.offset;
      const uint8_t* got = other_arena.data() + out.offset;
      if (exact[k]) {
        Check(memcmp(want, got, out.bytes) == 0, "an int8 result differs across backends");
      } else if (out.dtype == MOTE_DTYPE_F32) {
        CompareFloats(other, op, reinterpret_cast<const float*>(want), reinterpret_cast<const float*>(got), out.bytes / 4);
      }
    }
  }
  Check(mote::SetBackend(mote::Backend::kScalar).ok(), "no scalar backend");
  // The public entry point on the same arena.
  Check(mote_rt_invoke(&m) == MOTE_RT_OK, "invoke failed on an accepted model");
  for (uint32_t i = 0; i < mote_rt_output_count(&m); ++i) {
    mote_rt_tensor t;
    Check(mote_rt_output(&m, i, &t) == MOTE_RT_OK, "mote_rt_output failed on an accepted model");
    Check(static_cast<uint8_t*>(t.data) >= arena.data() && static_cast<uint8_t*>(t.data) + t.bytes <= arena.data() + need,
          "an output lies outside the arena");
  }
  // The training step of a trainable tail (whatever the arena holds: ASan
  // catches any access outside it).
  float loss = 0.0f;
  const mote_rt_status trained = mote_rt_train_step(&m, seed % 3, &loss);
  Check(m.train != nullptr ? trained == MOTE_RT_OK || trained == MOTE_RT_NOT_FINITE || trained == MOTE_RT_BAD_LABEL
                           : trained == MOTE_RT_NOT_TRAINABLE,
        "train step: impossible status");
  if (m.train == nullptr) return;
  // Batch accumulation, and the tail record round trip a port stores.
  Check(mote_rt_set_batch_size(&m, 2) == MOTE_RT_OK, "set_batch_size failed on a trainable model");
  for (int i = 0; i < 2; ++i) (void)mote_rt_train_step(&m, seed % 3, &loss);
  std::vector<uint8_t> record(mote_rt_tail_record_bytes(&m));
  Check(mote_rt_save_tail_record(&m, record.data(), record.size()) == MOTE_RT_OK, "save_tail_record failed");
  const mote_rt_status loaded = mote_rt_load_tail_record(&m, record.data(), record.size());
  Check(loaded == MOTE_RT_OK || loaded == MOTE_RT_NOT_FINITE, "load_tail_record: impossible status");
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed | 1u);
  MoteModelHeader h;
  const unsigned choice = rng() % 10;
  if (choice < 8 && Tables(data, size, &h)) {
    if (choice < 1) {
      MutateHeader(data, rng);
    } else if (choice < 4) {
      MutateTensor(data, h, rng);
    } else if (choice < 7) {
      MutateOp(data, h, rng);
    } else {
      MutateConstant(data, size, h, rng);
    }
  } else {
    size = LLVMFuzzerMutate(data, size, max_size);
  }
  FixCrc(data, size);
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  AlignedBytes model(data, size);
  FixCrc(model.data(), size);  // corpus files and cross-overs too
  size_t need = 0;
  const mote_rt_status checked = mote_rt_arena_bytes(model.data(), size, &need);
  Check(checked < MOTE_RT_STATUS_END && checked != MOTE_RT_ARENA_TOO_SMALL, "arena_bytes: impossible status");
  const size_t arena_len = checked == MOTE_RT_OK && need <= kMaxArena ? need : 64;
  AlignedBytes arena(arena_len);
  mote_rt_model m{};
  const mote_rt_status s = mote_rt_model_init(&m, model.data(), size, arena.data(), arena_len);
  if (checked != MOTE_RT_OK) {
    Check(s == checked, "init and arena_bytes disagree");
    Check(mote_rt_invoke(&m) == MOTE_RT_BAD_ARGUMENT, "invoke ran a model init refused");
    return 0;
  }
  if (arena_len < need) {
    Check(s == MOTE_RT_ARENA_TOO_SMALL, "init accepted an arena below the plan");
    return 0;
  }
  Check(s == MOTE_RT_OK, "init refused what arena_bytes accepted");
  if (need > 0) {
    mote_rt_model smaller{};
    Check(mote_rt_model_init(&smaller, model.data(), size, arena.data(), need - 1) == MOTE_RT_ARENA_TOO_SMALL,
          "init accepted one byte less than the plan");
  }
  RunEveryBackend(model.data(), size, need, uint32_t(size));
  return 0;
}
