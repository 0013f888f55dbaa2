// The loader: valid models load and run with exactly the planned arena; every
// error class of mote_rt_status comes from a crafted file (or argument), and
// nothing reads outside the given bytes (run under ASan: every model sits in
// an exactly sized buffer).
#include <gtest/gtest.h>

#include <functional>

#include "mote/kernels.h"
#include "runtime_test_util.h"

namespace mote {
namespace testing {
namespace {

// ---- byte-level crafting ------------------------------------------------------
MoteModelHeader HeaderOf(const std::vector<uint8_t>& bytes) {
  MoteModelHeader h;
  memcpy(&h, bytes.data(), sizeof(h));
  return h;
}

void Recrc(std::vector<uint8_t>* bytes) {
  MoteModelHeader h = HeaderOf(*bytes);
  const size_t end = h.file_bytes <= bytes->size() && h.file_bytes >= 12 ? h.file_bytes : bytes->size();
  h.crc32 = mote_rt_crc32(bytes->data() + 12, end - 12);
  memcpy(bytes->data(), &h, sizeof(h));
}

template <class Record>
std::vector<uint8_t> Edit(std::vector<uint8_t> bytes, size_t offset, const std::function<void(Record&)>& edit) {
  Record r;
  memcpy(&r, bytes.data() + offset, sizeof(r));
  edit(r);
  memcpy(bytes.data() + offset, &r, sizeof(r));
  Recrc(&bytes);
  return bytes;
}
std::vector<uint8_t> EditHeader(const std::vector<uint8_t>& bytes, const std::function<void(MoteModelHeader&)>& f) {
  return Edit<MoteModelHeader>(bytes, 0, f);
}
std::vector<uint8_t> EditTensor(const std::vector<uint8_t>& bytes, uint16_t id,
                                const std::function<void(MoteTensorRecord&)>& f) {
  return Edit<MoteTensorRecord>(bytes, HeaderOf(bytes).tensor_table_offset + id * sizeof(MoteTensorRecord), f);
}

mote_rt_status Load(const std::vector<uint8_t>& bytes, size_t arena_len = SIZE_MAX) {
  LoadedModel m;
  return m.Load(bytes, arena_len);
}

// x [5,5,2] -> conv 3x3 (3 filters, pad 1, tile 4 rows) -> y [5,5,3] -> dense -> z [4].
struct ConvDense {
  uint16_t x, w, b, y, wd, bd, z;
  std::vector<uint8_t> Build(const std::function<void(GraphBuilder&, MoteOpRecord&)>& edit_conv = nullptr) {
    GraphBuilder g;
    x = g.Act(MOTE_DTYPE_F32, {5, 5, 2});
    w = g.ConstF32({3, 3, 3, 2}, RandomF32(54, 1));
    b = g.ConstF32({3}, RandomF32(3, 2));
    y = g.Act(MOTE_DTYPE_F32, {5, 5, 3});
    wd = g.ConstF32({4, 75}, RandomF32(300, 3));
    bd = g.ConstF32({4}, RandomF32(4, 4));
    z = g.Act(MOTE_DTYPE_F32, {4});
    MoteOpRecord& conv = g.Op(MOTE_OP_CONV2D, {x, w, b}, y);
    const int32_t p[] = {3, 3, 1, 1, 1, 1, 4};
    memcpy(conv.params, p, sizeof(p));
    conv.scratch_bytes = 4 * 18 * 4;
    conv.scratch_offset = g.Reserve(conv.scratch_bytes);
    if (edit_conv) edit_conv(g, conv);
    g.Op(MOTE_OP_DENSE, {y, wd, bd}, z);
    return g.Build({x}, {z});
  }
};

TEST(LoaderTest, ValidModelsLoadAndRun) {
  for (const auto& bytes : {TinyF32Model(), TinyI8Model(), ConvDense().Build()}) {
    LoadedModel m;
    ASSERT_EQ(m.Load(bytes), MOTE_RT_OK);
    EXPECT_EQ(mote_rt_input_count(&m.model()), 1u);
    EXPECT_GE(mote_rt_output_count(&m.model()), 1u);
    EXPECT_EQ(m.Invoke(), MOTE_RT_OK);
  }
}

TEST(LoaderTest, PlannedArenaIsExactlyWhatInitNeeds) {
  const std::vector<uint8_t> bytes = TinyF32Model();
  AlignedBytes model(bytes.data(), bytes.size());
  size_t need = 0;
  ASSERT_EQ(mote_rt_arena_bytes(model.data(), model.size(), &need), MOTE_RT_OK);
  EXPECT_EQ(need, HeaderOf(bytes).arena_bytes);
  EXPECT_EQ(Load(bytes, need), MOTE_RT_OK);
  EXPECT_EQ(Load(bytes, need - 1), MOTE_RT_ARENA_TOO_SMALL);
  EXPECT_EQ(Load(bytes, 0), MOTE_RT_ARENA_TOO_SMALL);
  // The model's last activation ends at the planned size: running with the
  // exact arena touches its last byte (ASan would see one byte past it).
  LoadedModel exact;
  ASSERT_EQ(exact.Load(bytes, need), MOTE_RT_OK);
  EXPECT_EQ(exact.Invoke(), MOTE_RT_OK);
}

TEST(LoaderTest, BadArguments) {
  const std::vector<uint8_t> bytes = TinyF32Model();
  AlignedBytes model(bytes.data(), bytes.size());
  AlignedBytes arena(HeaderOf(bytes).arena_bytes + 16);
  mote_rt_model m;
  memset(&m, 0xAB, sizeof(m));
  size_t need;
  EXPECT_EQ(mote_rt_arena_bytes(nullptr, bytes.size(), &need), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_arena_bytes(model.data(), bytes.size(), nullptr), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_model_init(nullptr, model.data(), bytes.size(), arena.data(), arena.size()),
            MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_model_init(&m, nullptr, bytes.size(), arena.data(), arena.size()), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_model_init(&m, model.data(), bytes.size(), nullptr, arena.size()), MOTE_RT_BAD_ARGUMENT);
  // Misaligned arena and model.
  EXPECT_EQ(mote_rt_model_init(&m, model.data(), bytes.size(), arena.data() + 4, arena.size() - 4),
            MOTE_RT_BAD_ARGUMENT);
  AlignedBytes shifted(bytes.size() + 8);
  memcpy(shifted.data() + 8, bytes.data(), bytes.size());
  EXPECT_EQ(mote_rt_model_init(&m, shifted.data() + 8, bytes.size(), arena.data(), arena.size()),
            MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_arena_bytes(shifted.data() + 8, bytes.size(), &need), MOTE_RT_BAD_ARGUMENT);
  // A failed init leaves m zeroed, and a zeroed model is refused everywhere.
  const mote_rt_model zero{};
  EXPECT_EQ(memcmp(&m, &zero, sizeof(m)), 0);
  mote_rt_tensor t;
  EXPECT_EQ(mote_rt_invoke(&m), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_invoke(nullptr), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_input(&m, 0, &t), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_input_count(&m), 0u);
  EXPECT_EQ(mote_rt_output_count(nullptr), 0u);
  // Never initialised, full of garbage (as an uninitialised stack variable
  // may be): refused by the ready field, not followed into its pointers.
  mote_rt_model garbage;
  memset(&garbage, 0xAB, sizeof(garbage));
  EXPECT_EQ(mote_rt_invoke(&garbage), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_input(&garbage, 0, &t), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_output(&garbage, 0, &t), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_input_count(&garbage), 0u);

  ASSERT_EQ(mote_rt_model_init(&m, model.data(), bytes.size(), arena.data(), arena.size()), MOTE_RT_OK);
  EXPECT_EQ(mote_rt_input(&m, 0, &t), MOTE_RT_OK);
  EXPECT_EQ(t.data, arena.data());  // the first activation of TinyF32Model
  EXPECT_EQ(t.bytes, 8u * 8 * 2 * 4);
  EXPECT_EQ(t.rank, 3);
  EXPECT_EQ(mote_rt_input(&m, 1, &t), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_output(&m, 1, &t), MOTE_RT_OK);
  EXPECT_EQ(mote_rt_output(&m, 2, &t), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_output(&m, 0, nullptr), MOTE_RT_BAD_ARGUMENT);
}

TEST(LoaderTest, TruncatedAtEveryLength) {
  const std::vector<uint8_t> bytes = TinyI8Model();
  for (size_t len = 0; len < bytes.size(); ++len) {
    AlignedBytes cut(bytes.data(), len);
    size_t need;
    ASSERT_EQ(mote_rt_arena_bytes(cut.data(), len, &need), MOTE_RT_TRUNCATED) << len;
  }
  // Trailing bytes beyond file_bytes (e.g. flash padding) are fine.
  std::vector<uint8_t> padded = bytes;
  padded.resize(bytes.size() + 100, 0xEE);
  EXPECT_EQ(Load(padded), MOTE_RT_OK);
}

TEST(LoaderTest, BadMagicVersionAndChecksum) {
  const std::vector<uint8_t> bytes = TinyF32Model();
  std::vector<uint8_t> magic = bytes;
  magic[0] ^= 0x20;  // "mOTE"
  EXPECT_EQ(Load(magic), MOTE_RT_BAD_MAGIC);
  EXPECT_EQ(Load(EditHeader(bytes, [](MoteModelHeader& h) { h.magic = 0; })), MOTE_RT_BAD_MAGIC);
  EXPECT_EQ(Load(EditHeader(bytes, [](MoteModelHeader& h) { h.version = 2; })), MOTE_RT_BAD_VERSION);
  EXPECT_EQ(Load(EditHeader(bytes, [](MoteModelHeader& h) { h.version = 0; })), MOTE_RT_BAD_VERSION);
  // Any single flipped bit after the CRC field, and the CRC field itself.
  for (size_t i = 8; i < bytes.size(); i += (i < 256 ? 1 : 37)) {
    if (i >= 12 && i < 16) continue;  // file_bytes: the truncation check sees it first
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= uint8_t(1u << (i % 8));
    ASSERT_EQ(Load(flipped), MOTE_RT_BAD_CHECKSUM) << i;
  }
}

TEST(LoaderTest, BadHeaderAndTableOffsets) {
  const std::vector<uint8_t> bytes = TinyF32Model();
  const auto load = [&](const std::function<void(MoteModelHeader&)>& f) { return Load(EditHeader(bytes, f)); };
  EXPECT_EQ(load([](MoteModelHeader& h) { h.header_bytes = 48; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.file_bytes -= 8; }), MOTE_RT_BAD_OFFSET);  // not a multiple of 16
  EXPECT_EQ(load([](MoteModelHeader& h) { h.file_bytes = 32; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.file_bytes += 16; }), MOTE_RT_TRUNCATED);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.tensor_table_offset += 8; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.tensor_table_offset = 0; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.tensor_table_offset = h.file_bytes; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.tensor_table_offset = 0xFFFFFFF0u; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.op_table_offset = h.file_bytes - 16; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.op_count = 0x04000000u; }), MOTE_RT_BAD_OFFSET);  // 2^32 bytes
  EXPECT_EQ(load([](MoteModelHeader& h) { h.tensor_count = 0xFFFFu; }), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.flags = 4; }), MOTE_RT_UNKNOWN_OP);
  // The trainable flag without a train record: whatever follows the op table
  // (constant data, or the end of the file) is not a valid one.
  EXPECT_NE(load([](MoteModelHeader& h) { h.flags = MOTE_MODEL_FLAG_TRAINABLE; }), MOTE_RT_OK);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.flags = MOTE_MODEL_FLAG_INT8; }), MOTE_RT_OK);
}

// Sizes whose 32-bit arithmetic would wrap (size_t and long are 32 bits on a
// Cortex-M and in the i686 build of ports/run-tests.sh, where this runs too).
TEST(LoaderTest, SizesAtThe32BitLimits) {
  ConvDense c;
  const std::vector<uint8_t> bytes = c.Build();
  const uint16_t x = c.x;
  const auto tensor = [&](const std::function<void(MoteTensorRecord&)>& f) { return Load(EditTensor(bytes, x, f)); };
  // 2^32 elements: a 32-bit product would be 0, matching bytes = 0.
  EXPECT_EQ(tensor([](MoteTensorRecord& t) {
              t.dims[0] = 65536, t.dims[1] = 65536, t.dims[2] = 1;
              t.bytes = 0;
            }),
            MOTE_RT_BAD_TENSOR);
  // 2^32 - 1 float elements: 4 * that does not fit the uint32 byte count.
  EXPECT_EQ(tensor([](MoteTensorRecord& t) {
              t.dims[0] = 65535, t.dims[1] = 65537, t.dims[2] = 1;
              t.bytes = 0xFFFFFFFCu;
            }),
            MOTE_RT_BAD_TENSOR);
  // An activation whose end passes 2^32 (a 32-bit sum would wrap below the arena size).
  const std::vector<uint8_t> huge_arena = EditHeader(bytes, [](MoteModelHeader& h) { h.arena_bytes = 0xFFFFFFF0u; });
  EXPECT_EQ(Load(EditTensor(huge_arena, x, [](MoteTensorRecord& t) { t.offset = 0xFFFFFFE0u; })), MOTE_RT_BAD_OFFSET);
  // The largest arena the format can plan is reported exactly, and refused
  // (not wrapped) when the caller's arena is smaller.
  AlignedBytes model(huge_arena.data(), huge_arena.size());
  size_t need = 0;
  ASSERT_EQ(mote_rt_arena_bytes(model.data(), model.size(), &need), MOTE_RT_OK);
  EXPECT_EQ(need, size_t(0xFFFFFFF0u));
  EXPECT_EQ(Load(huge_arena, 4096), MOTE_RT_ARENA_TOO_SMALL);
  // A scratch range ending past 2^32.
  EXPECT_EQ(Load(ConvDense().Build([](GraphBuilder&, MoteOpRecord& op) { op.scratch_offset = 0xFFFFFFF0u; })),
            MOTE_RT_BAD_OFFSET);
  // The widest window the format allows (every window parameter 0xFFFF) on a
  // one-pixel image: accepted or refused, never wrapped (the tile's scratch is
  // 0xFFFF^2 * C floats, beyond uint32).
  const mote_rt_status widest = Load(ConvDense().Build([](GraphBuilder&, MoteOpRecord& op) {
    const int32_t p[] = {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE, 0xFFFE, 1};
    memcpy(op.params, p, sizeof(p));
  }));
  EXPECT_NE(widest, MOTE_RT_OK);
}

TEST(LoaderTest, BadInputOutputIds) {
  const std::vector<uint8_t> bytes = TinyF32Model();
  const auto load = [&](const std::function<void(MoteModelHeader&)>& f) { return Load(EditHeader(bytes, f)); };
  EXPECT_EQ(load([](MoteModelHeader& h) { h.input_count = 0; }), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.output_count = 5; }), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.inputs[0] = uint16_t(h.tensor_count); }), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.outputs[0] = MOTE_MODEL_NO_TENSOR; }), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(load([](MoteModelHeader& h) { h.inputs[1] = 0; }), MOTE_RT_BAD_TENSOR);  // unused entry set
  ConvDense c;
  const std::vector<uint8_t> conv = c.Build();
  const uint16_t weights = c.w;
  EXPECT_EQ(Load(EditHeader(conv, [&](MoteModelHeader& h) { h.inputs[0] = weights; })), MOTE_RT_BAD_TENSOR);
}

TEST(LoaderTest, BadTensorRecords) {
  ConvDense c;
  const std::vector<uint8_t> bytes = c.Build();
  struct Case {
    const char* what;
    uint16_t id;
    std::function<void(MoteTensorRecord&)> edit;
    mote_rt_status expected;
  };
  const Case cases[] = {
      {"dtype", c.w, [](MoteTensorRecord& t) { t.dtype = 3; }, MOTE_RT_BAD_TENSOR},
      {"kind", c.x, [](MoteTensorRecord& t) { t.kind = 2; }, MOTE_RT_BAD_TENSOR},
      {"rank 0", c.b, [](MoteTensorRecord& t) { t.rank = 0; }, MOTE_RT_BAD_TENSOR},
      {"rank 5", c.b, [](MoteTensorRecord& t) { t.rank = 5; }, MOTE_RT_BAD_TENSOR},
      {"zero dim", c.x, [](MoteTensorRecord& t) { t.dims[1] = 0; }, MOTE_RT_BAD_TENSOR},
      {"unused dim", c.b, [](MoteTensorRecord& t) { t.dims[2] = 2; }, MOTE_RT_BAD_TENSOR},
      {"bytes", c.w, [](MoteTensorRecord& t) { t.bytes -= 4; }, MOTE_RT_BAD_TENSOR},
      {"elements overflow", c.x,
       [](MoteTensorRecord& t) {
         t.rank = 4;
         t.dims[0] = t.dims[1] = t.dims[2] = t.dims[3] = 0x10000u;
         t.bytes = 0;
       },
       MOTE_RT_BAD_TENSOR},
      {"reserved0", c.y, [](MoteTensorRecord& t) { t.reserved0 = 1; }, MOTE_RT_BAD_TENSOR},
      {"reserved1", c.y, [](MoteTensorRecord& t) { t.reserved1[2] = 1; }, MOTE_RT_BAD_TENSOR},
      {"f32 with scale", c.y, [](MoteTensorRecord& t) { t.scale = 1.0f; }, MOTE_RT_BAD_TENSOR},
      {"f32 with a denormal scale", c.y, [](MoteTensorRecord& t) { t.scale = 1e-45f; }, MOTE_RT_BAD_TENSOR},
      {"f32 with scale -0", c.y, [](MoteTensorRecord& t) { t.scale = -0.0f; }, MOTE_RT_OK},
      {"constant outside file", c.w, [](MoteTensorRecord& t) { t.offset += 1u << 20; }, MOTE_RT_BAD_OFFSET},
      {"constant misaligned", c.w, [](MoteTensorRecord& t) { t.offset += 4; }, MOTE_RT_BAD_OFFSET},
      {"constant offset overflow", c.w, [](MoteTensorRecord& t) { t.offset = 0xFFFFFFF0u; }, MOTE_RT_BAD_OFFSET},
      {"activation outside arena", c.z, [](MoteTensorRecord& t) { t.offset += 1024; }, MOTE_RT_BAD_OFFSET},
      {"activation misaligned", c.y, [](MoteTensorRecord& t) { t.offset += 8; }, MOTE_RT_BAD_OFFSET},
  };
  for (const Case& k : cases) EXPECT_EQ(Load(EditTensor(bytes, k.id, k.edit)), k.expected) << k.what;

  // int8 activations: scale > 0 and finite, zero point in [-128, 127].
  GraphBuilder g;
  const uint16_t x = g.Act(MOTE_DTYPE_I8, {4}, 0.5f, 0);
  const uint16_t y = g.Act(MOTE_DTYPE_I8, {4}, 0.5f, 0);
  g.OpI8(MOTE_OP_RESHAPE, {x}, y);
  const std::vector<uint8_t> i8 = g.Build({x}, {y});
  EXPECT_EQ(Load(i8), MOTE_RT_OK);
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.scale = 0.0f; })), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.scale = kInf; })), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.scale = -0.5f; })), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.scale = -0.0f; })), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.scale = __builtin_nanf(""); })), MOTE_RT_BAD_TENSOR);
  // The smallest positive float (a denormal) and the largest finite one are
  // scales (on both tensors: a reshape keeps its input's scale).
  for (const float scale : {1e-45f, 3.4028235e38f}) {
    const auto set = [scale](MoteTensorRecord& t) { t.scale = scale; };
    EXPECT_EQ(Load(EditTensor(EditTensor(i8, x, set), y, set)), MOTE_RT_OK) << scale;
  }
  EXPECT_EQ(Load(EditTensor(i8, x, [](MoteTensorRecord& t) { t.zero_point = 128; })), MOTE_RT_BAD_TENSOR);
}

TEST(LoaderTest, BadOpRecords) {
  ConvDense c;
  struct Case {
    const char* what;
    std::function<void(GraphBuilder&, MoteOpRecord&)> edit;
    mote_rt_status expected;
  };
  const Case cases[] = {
      {"type 0", [](GraphBuilder&, MoteOpRecord& op) { op.type = 0; }, MOTE_RT_UNKNOWN_OP},
      {"type 99", [](GraphBuilder&, MoteOpRecord& op) { op.type = 99; }, MOTE_RT_UNKNOWN_OP},
      {"activation", [](GraphBuilder&, MoteOpRecord& op) { op.activation = 3; }, MOTE_RT_UNKNOWN_OP},
      {"unused input set", [](GraphBuilder&, MoteOpRecord& op) { op.inputs[3] = 0; }, MOTE_RT_BAD_TENSOR},
      {"output is a constant", [&](GraphBuilder&, MoteOpRecord& op) { op.output = c.b; }, MOTE_RT_BAD_TENSOR},
      {"input count", [](GraphBuilder&, MoteOpRecord& op) { op.input_count = 2; op.inputs[2] = 0xFFFF; },
       MOTE_RT_BAD_PARAMS},
      {"reserved", [](GraphBuilder&, MoteOpRecord& op) { op.reserved0 = 1; }, MOTE_RT_BAD_PARAMS},
      {"weights dtype", [](GraphBuilder& g, MoteOpRecord& op) { op.inputs[1] = g.ConstI8({3, 3, 3, 2}, std::vector<int8_t>(54)); },
       MOTE_RT_BAD_TENSOR},
      {"weights not constant", [](GraphBuilder& g, MoteOpRecord& op) { op.inputs[1] = g.Act(MOTE_DTYPE_F32, {3, 3, 3, 2}); },
       MOTE_RT_BAD_TENSOR},
      {"weights shape", [](GraphBuilder& g, MoteOpRecord& op) { op.inputs[1] = g.ConstF32({3, 3, 3, 1}, std::vector<float>(27)); },
       MOTE_RT_BAD_SHAPE},
      {"bias shape", [](GraphBuilder& g, MoteOpRecord& op) { op.inputs[2] = g.ConstF32({2}, std::vector<float>(2)); },
       MOTE_RT_BAD_SHAPE},
      {"kernel vs weights", [](GraphBuilder&, MoteOpRecord& op) { op.params[0] = 1; op.params[4] = 0; }, MOTE_RT_BAD_SHAPE},
      {"output size", [](GraphBuilder&, MoteOpRecord& op) { op.params[2] = 2; }, MOTE_RT_BAD_SHAPE},
      {"stride 0", [](GraphBuilder&, MoteOpRecord& op) { op.params[3] = 0; }, MOTE_RT_BAD_PARAMS},
      {"negative pad", [](GraphBuilder&, MoteOpRecord& op) { op.params[4] = -1; }, MOTE_RT_BAD_PARAMS},
      {"pad >= kernel", [](GraphBuilder&, MoteOpRecord& op) { op.params[5] = 3; }, MOTE_RT_BAD_PARAMS},
      {"huge kernel", [](GraphBuilder&, MoteOpRecord& op) { op.params[0] = 1 << 20; }, MOTE_RT_BAD_PARAMS},
      {"tile rows 0", [](GraphBuilder&, MoteOpRecord& op) { op.params[6] = 0; }, MOTE_RT_BAD_PARAMS},
      {"tile rows -2", [](GraphBuilder&, MoteOpRecord& op) { op.params[6] = -2; }, MOTE_RT_BAD_PARAMS},
      {"kernel-row tiles, scratch below a kernel row", [](GraphBuilder&, MoteOpRecord& op) {
         op.params[6] = MOTE_CONV2D_KERNEL_ROW_TILES;
         op.scratch_bytes = 3 * 2 * 4 - 1;
       }, MOTE_RT_BAD_OFFSET},
      {"unknown weight layout", [](GraphBuilder&, MoteOpRecord& op) { op.params[7] = 3; }, MOTE_RT_BAD_PARAMS},
      {"padded kernel rows, fp32", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS;  // an int8-only layout
         op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
       }, MOTE_RT_BAD_PARAMS},
      {"tap sums, fp32", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS | MOTE_CONV2D_WEIGHTS_TAP_SUMS;  // int8 only
         op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
       }, MOTE_RT_BAD_PARAMS},
      {"unknown flag", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS | 8;
         op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
       }, MOTE_RT_BAD_PARAMS},
      {"host layout, weights not in panels", [](GraphBuilder&, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;
       }, MOTE_RT_BAD_SHAPE},
      {"host layout, kernel-row tiles", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;
         op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
         op.params[6] = MOTE_CONV2D_KERNEL_ROW_TILES;
       }, MOTE_RT_BAD_PARAMS},
      {"host layout, panels of 8", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;
         op.inputs[1] = g.ConstF32({1, 18, 8, 1}, std::vector<float>(18 * 8));
       }, MOTE_RT_BAD_SHAPE},
      {"host layout, scratch below the padded input", [](GraphBuilder& g, MoteOpRecord& op) {
         op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;
         op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
         op.scratch_bytes = 5 * 7 * 2 * 4 - 4;  // 5 rows of 7 (5 + 2 padding) x 2 floats
         op.scratch_offset = g.Reserve(op.scratch_bytes);
       }, MOTE_RT_BAD_OFFSET},
      {"clamp NaN", [](GraphBuilder&, MoteOpRecord& op) { op.act_min = __builtin_nanf(""); }, MOTE_RT_BAD_PARAMS},
      {"clamp min > max", [](GraphBuilder&, MoteOpRecord& op) { op.act_min = 1.0f; op.act_max = 0.0f; },
       MOTE_RT_BAD_PARAMS},
      {"scratch too small", [](GraphBuilder&, MoteOpRecord& op) { op.scratch_bytes -= 4; }, MOTE_RT_BAD_OFFSET},
      {"scratch outside arena", [](GraphBuilder&, MoteOpRecord& op) { op.scratch_offset += 1024; }, MOTE_RT_BAD_OFFSET},
      {"scratch misaligned", [](GraphBuilder&, MoteOpRecord& op) { op.scratch_offset += 4; }, MOTE_RT_BAD_OFFSET},
      {"scratch offset overflow", [](GraphBuilder&, MoteOpRecord& op) { op.scratch_offset = 0xFFFFFFF0u; },
       MOTE_RT_BAD_OFFSET},
      {"larger tile, larger scratch", [](GraphBuilder&, MoteOpRecord& op) { op.params[6] = 5; }, MOTE_RT_BAD_OFFSET},
      {"tile beyond rows is clipped", [](GraphBuilder&, MoteOpRecord& op) {
         op.params[6] = 1000;
         op.scratch_bytes = 25 * 18 * 4;
       }, MOTE_RT_BAD_OFFSET},  // still outside the arena reserved for 4 rows
  };
  for (const Case& k : cases) EXPECT_EQ(Load(c.Build(k.edit)), k.expected) << k.what;
  // What the writer itself refuses, patched into the bytes.
  const std::vector<uint8_t> bytes = c.Build();
  const size_t first_op = HeaderOf(bytes).op_table_offset;
  EXPECT_EQ(Load(Edit<MoteOpRecord>(bytes, first_op, [](MoteOpRecord& op) { op.inputs[1] = 200; })),
            MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(Edit<MoteOpRecord>(bytes, first_op, [](MoteOpRecord& op) { op.output = 0xFFFF; })),
            MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(Load(Edit<MoteOpRecord>(bytes, first_op, [](MoteOpRecord& op) { op.input_count = 5; })),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(Load(c.Build([](GraphBuilder&, MoteOpRecord& op) {
              op.params[6] = MOTE_CONV2D_KERNEL_ROW_TILES;  // fp32: one kernel row (3 x 2 floats)
              op.scratch_bytes = 3 * 2 * 4;
            })),
            MOTE_RT_OK);
  EXPECT_EQ(Load(c.Build([](GraphBuilder& g, MoteOpRecord& op) {
              op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;  // the host layout: 3 channels in one panel
              op.inputs[1] = g.ConstF32({1, 18, 16, 1}, std::vector<float>(18 * 16));
              op.scratch_bytes = 5 * 7 * 2 * 4;  // the input padded left and right
              op.scratch_offset = g.Reserve(op.scratch_bytes);
            })),
            MOTE_RT_OK);
  EXPECT_EQ(Load(c.Build([](GraphBuilder& g, MoteOpRecord& op) {
              op.params[6] = 1000;  // clipped to the 25 rows
              op.scratch_bytes = 25 * 18 * 4;
              op.scratch_offset = g.Reserve(op.scratch_bytes);
            })),
            MOTE_RT_OK);
}

// Each op's checks, one wrong thing at a time.
TEST(LoaderTest, OpSpecificChecks) {
  const auto dense = [](std::vector<uint32_t> wdims, int bias, int32_t layout = 0, int32_t param1 = 0) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_F32, {2, 3});
    const uint16_t y = g.Act(MOTE_DTYPE_F32, {4});
    uint32_t n = 1;
    for (uint32_t d : wdims) n *= d;
    MoteOpRecord& op = g.Op(MOTE_OP_DENSE, {x, g.ConstF32(wdims, std::vector<float>(n)), g.ConstF32({uint32_t(bias)}, std::vector<float>(bias))}, y);
    op.params[0] = layout;
    op.params[1] = param1;
    return Load(g.Build({x}, {y}));
  };
  EXPECT_EQ(dense({4, 6}, 4), MOTE_RT_OK);
  EXPECT_EQ(dense({4, 5}, 4), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(dense({3, 6}, 3), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(dense({4, 6}, 3), MOTE_RT_BAD_SHAPE);
  // The host layout: weights [F][Cout].
  EXPECT_EQ(dense({6, 4}, 4, MOTE_DENSE_WEIGHTS_INPUT_MAJOR), MOTE_RT_OK);
  EXPECT_EQ(dense({4, 6}, 4, MOTE_DENSE_WEIGHTS_INPUT_MAJOR), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(dense({6, 4}, 4), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(dense({4, 6}, 4, MOTE_DENSE_WEIGHT_SUMS), MOTE_RT_BAD_PARAMS);  // int8 only
  EXPECT_EQ(dense({1, 1, 4, 64}, 4, MOTE_DENSE_WEIGHT_SUMS | MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(dense({4, 6}, 4, 3), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(dense({4, 6}, 4, 0, 1), MOTE_RT_BAD_PARAMS);

  const auto unary = [](MoteOpType type, MoteDType in_dtype, std::vector<uint32_t> in_dims, MoteDType out_dtype,
                        std::vector<uint32_t> out_dims, const std::function<void(MoteOpRecord&)>& edit = nullptr) {
    GraphBuilder g;
    const float in_scale = in_dtype == MOTE_DTYPE_I8 ? 0.5f : 0.0f;
    const float out_scale = out_dtype == MOTE_DTYPE_I8 ? 0.5f : 0.0f;
    const uint16_t x = g.Act(in_dtype, in_dims, in_scale);
    const uint16_t y = g.Act(out_dtype, out_dims, out_scale);
    MoteOpRecord& op = out_dtype == MOTE_DTYPE_I8 ? g.OpI8(type, {x}, y) : g.Op(type, {x}, y);
    if (edit) edit(op);
    return Load(g.Build({x}, {y}));
  };
  const auto F = MOTE_DTYPE_F32, I = MOTE_DTYPE_I8;
  EXPECT_EQ(unary(MOTE_OP_SOFTMAX, F, {2, 5}, F, {2, 5}), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_SOFTMAX, I, {2, 5}, I, {2, 5}), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(unary(MOTE_OP_SOFTMAX, F, {2, 5}, F, {5, 2}), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_SOFTMAX, F, {2, 5}, F, {2, 5}, [](MoteOpRecord& op) { op.act_min = 0.0f; }),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(unary(MOTE_OP_RESHAPE, F, {2, 5}, F, {10}), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_RESHAPE, F, {2, 5}, F, {9}), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_RESHAPE, F, {2, 5}, I, {10}), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(unary(MOTE_OP_QUANTIZE, F, {3}, I, {3}), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_QUANTIZE, I, {3}, I, {3}), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(unary(MOTE_OP_QUANTIZE, F, {3}, I, {1, 3}), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_DEQUANTIZE, I, {3}, F, {3}), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_DEQUANTIZE, I, {3}, I, {3}), MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(unary(MOTE_OP_DEQUANTIZE, I, {3}, F, {3}, [](MoteOpRecord& op) { op.params[0] = 1; }),
            MOTE_RT_BAD_PARAMS);
  const auto pool = [](const std::function<void(MoteOpRecord&)>& edit) {
    return [edit](MoteOpRecord& op) {
      const int32_t p[] = {2, 2, 2, 2, 0, 0};
      memcpy(op.params, p, sizeof(p));
      if (edit) edit(op);
    };
  };
  EXPECT_EQ(unary(MOTE_OP_MAX_POOL2D, F, {4, 4, 3}, F, {2, 2, 3}, pool(nullptr)), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_MAX_POOL2D, F, {4, 4, 3}, F, {3, 2, 3}, pool(nullptr)), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_MAX_POOL2D, F, {4, 4, 3}, F, {2, 2, 2}, pool(nullptr)), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_MAX_POOL2D, F, {4, 4, 3}, F, {2, 2, 3}, pool([](MoteOpRecord& op) { op.params[2] = 0; })),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(unary(MOTE_OP_AVG_POOL2D, F, {4, 4, 3}, F, {2, 2, 3}, pool([](MoteOpRecord& op) { op.params[6] = 1; })),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(unary(MOTE_OP_AVG_POOL2D, I, {4, 4, 3}, I, {2, 2, 3}, pool(nullptr)), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_AVG_POOL2D, I, {4, 4, 3}, I, {2, 2, 3}, pool([](MoteOpRecord& op) { op.act_min = -0.5f; })),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(unary(MOTE_OP_GLOBAL_AVG_POOL, F, {4, 4, 3}, F, {3}), MOTE_RT_OK);
  EXPECT_EQ(unary(MOTE_OP_GLOBAL_AVG_POOL, F, {4, 4, 3}, F, {4}), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_GLOBAL_AVG_POOL, F, {12}, F, {12}), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(unary(MOTE_OP_GLOBAL_AVG_POOL, I, {4, 4, 3}, F, {3}), MOTE_RT_BAD_TENSOR);

  // Depthwise: weights [kh][kw][C], channels kept.
  const auto depthwise = [](std::vector<uint32_t> wdims, uint32_t out_c) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_F32, {4, 4, 3});
    const uint16_t y = g.Act(MOTE_DTYPE_F32, {4, 4, out_c});
    uint32_t n = 1;
    for (uint32_t d : wdims) n *= d;
    MoteOpRecord& op = g.Op(MOTE_OP_DEPTHWISE_CONV2D,
                            {x, g.ConstF32(wdims, std::vector<float>(n)), g.ConstF32({3}, std::vector<float>(3))}, y);
    const int32_t p[] = {3, 3, 1, 1, 1, 1};
    memcpy(op.params, p, sizeof(p));
    return Load(g.Build({x}, {y}));
  };
  EXPECT_EQ(depthwise({3, 3, 3}, 3), MOTE_RT_OK);
  EXPECT_EQ(depthwise({3, 3, 3}, 4), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(depthwise({3, 3, 3, 1}, 3), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(depthwise({3, 2, 3}, 3), MOTE_RT_BAD_SHAPE);

  // Add: same shapes; int8 needs both rescale pairs in range.
  const auto add = [](MoteDType dtype, std::vector<uint32_t> b_dims, const std::function<void(MoteOpRecord&)>& edit) {
    GraphBuilder g;
    const float s = dtype == MOTE_DTYPE_I8 ? 0.5f : 0.0f;
    const uint16_t a = g.Act(dtype, {2, 3}, s), b = g.Act(dtype, b_dims, s), y = g.Act(dtype, {2, 3}, s);
    MoteOpRecord& op = dtype == MOTE_DTYPE_I8 ? g.OpI8(MOTE_OP_ADD, {a, b}, y) : g.Op(MOTE_OP_ADD, {a, b}, y);
    if (dtype == MOTE_DTYPE_I8) {
      const int32_t p[] = {1 << 30, 31, 1 << 30, 31};
      memcpy(op.params, p, sizeof(p));
    }
    if (edit) edit(op);
    return Load(g.Build({a, b}, {y}));
  };
  EXPECT_EQ(add(F, {2, 3}, nullptr), MOTE_RT_OK);
  EXPECT_EQ(add(F, {3, 2}, nullptr), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(add(F, {2, 3}, [](MoteOpRecord& op) { op.params[0] = 1; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(add(I, {2, 3}, nullptr), MOTE_RT_OK);
  EXPECT_EQ(add(I, {2, 3}, [](MoteOpRecord& op) { op.params[3] = 0; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(add(I, {2, 3}, [](MoteOpRecord& op) { op.params[0] = 5; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(add(I, {2, 3}, [](MoteOpRecord& op) { op.params[4] = 5; }), MOTE_RT_BAD_PARAMS);

  // Channel affine: scale and shift [C] for the last dim.
  const auto affine = [](uint32_t scale_len) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_F32, {2, 2, 3}), y = g.Act(MOTE_DTYPE_F32, {2, 2, 3});
    g.Op(MOTE_OP_CHANNEL_AFFINE,
         {x, g.ConstF32({scale_len}, std::vector<float>(scale_len)), g.ConstF32({3}, std::vector<float>(3))}, y);
    return Load(g.Build({x}, {y}));
  };
  EXPECT_EQ(affine(3), MOTE_RT_OK);
  EXPECT_EQ(affine(2), MOTE_RT_BAD_SHAPE);

  // int8 pools keep the input's quantization.
  GraphBuilder g;
  const uint16_t x = g.Act(I, {2, 2, 1}, 0.5f, 3);
  const uint16_t y = g.Act(I, {1}, 0.25f, 3);
  g.OpI8(MOTE_OP_GLOBAL_AVG_POOL, {x}, y);
  EXPECT_EQ(Load(g.Build({x}, {y})), MOTE_RT_BAD_TENSOR);

  // Reshape may alias its input exactly, not partly.
  GraphBuilder r;
  const uint16_t a = r.Act(F, {16});
  r.Reserve(64);
  const uint16_t same = r.ActAt(F, {4, 4}, r.tensor(a).offset);
  const uint16_t part = r.ActAt(F, {4, 4}, r.tensor(a).offset + 16);
  r.Op(MOTE_OP_RESHAPE, {a}, same);
  EXPECT_EQ(Load(r.Build({a}, {same})), MOTE_RT_OK);
  r.Op(MOTE_OP_RESHAPE, {a}, part);
  EXPECT_EQ(Load(r.Build({a}, {part})), MOTE_RT_BAD_OFFSET);
}

// An op's activation inputs, output and scratch never share bytes: the
// recurrent ops memcpy their state into the output (overlapping ranges are
// undefined) and every kernel would read what it already overwrote.
TEST(LoaderTest, OpInputsOutputAndScratchMustNotOverlap) {
  ConvDense c;
  // Conv x [0, 200), y [208, 508), a one-row tile of 72 bytes wherever `offset` says.
  const auto conv_with_tile_at = [&](const std::function<uint32_t(const GraphBuilder&)>& offset) {
    return Load(c.Build([&](GraphBuilder& g, MoteOpRecord& op) {
      op.params[6] = 1;
      op.scratch_bytes = 72;
      op.scratch_offset = offset(g);
    }));
  };
  EXPECT_EQ(conv_with_tile_at([&](const GraphBuilder& g) { return g.arena_bytes() - 80; }), MOTE_RT_OK);
  EXPECT_EQ(conv_with_tile_at([&](const GraphBuilder& g) { return g.tensor(c.x).offset; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(conv_with_tile_at([&](const GraphBuilder& g) { return g.tensor(c.x).offset + 128; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(conv_with_tile_at([&](const GraphBuilder& g) { return g.tensor(c.y).offset; }), MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(conv_with_tile_at([&](const GraphBuilder& g) { return g.tensor(c.y).offset + 288; }), MOTE_RT_BAD_OFFSET);
  // The conv's output over its input, fully or by one element.
  EXPECT_EQ(Load(c.Build([&](GraphBuilder& g, MoteOpRecord& op) {
              op.output = g.ActAt(MOTE_DTYPE_F32, {5, 5, 3}, g.tensor(c.x).offset);
            })),
            MOTE_RT_BAD_OFFSET);
  EXPECT_EQ(Load(c.Build([&](GraphBuilder& g, MoteOpRecord& op) {
              op.output = g.ActAt(MOTE_DTYPE_F32, {5, 5, 3}, g.tensor(c.y).offset - 16);
            })),
            MOTE_RT_BAD_OFFSET);

  // The recurrent op's scratch (state) over its every-state output.
  const auto rnn = [](bool scratch_over_output) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_F32, {2, 1}), y = g.Act(MOTE_DTYPE_F32, {2, 1});
    MoteOpRecord& op = g.Op(MOTE_OP_SIMPLE_RNN, {x, g.ConstF32({1, 1}, {0.5f}), g.ConstF32({1, 1}, {0.25f}),
                                                 g.ConstF32({1}, {0.0f})},
                            y);
    op.params[0] = 1;
    op.params[1] = 1;
    op.scratch_bytes = 16;
    op.scratch_offset = scratch_over_output ? g.tensor(y).offset : g.Reserve(16);
    return Load(g.Build({x}, {y}));
  };
  EXPECT_EQ(rnn(false), MOTE_RT_OK);
  EXPECT_EQ(rnn(true), MOTE_RT_BAD_OFFSET);

  // In place: an ADD writing over its second input, a SOFTMAX over its input.
  GraphBuilder a;
  const uint16_t a0 = a.Act(MOTE_DTYPE_F32, {4}), a1 = a.Act(MOTE_DTYPE_F32, {4});
  a.Op(MOTE_OP_ADD, {a0, a1}, a.ActAt(MOTE_DTYPE_F32, {4}, a.tensor(a1).offset));
  EXPECT_EQ(Load(a.Build({a0, a1}, {a1})), MOTE_RT_BAD_OFFSET);
  GraphBuilder s;
  const uint16_t s0 = s.Act(MOTE_DTYPE_F32, {3, 7});
  const uint16_t s1 = s.ActAt(MOTE_DTYPE_F32, {3, 7}, s.tensor(s0).offset);
  s.Op(MOTE_OP_SOFTMAX, {s0}, s1);
  EXPECT_EQ(Load(s.Build({s0}, {s1})), MOTE_RT_BAD_OFFSET);
  // Inputs may share bytes (x + x).
  GraphBuilder d;
  const uint16_t d0 = d.Act(MOTE_DTYPE_F32, {4}), d1 = d.Act(MOTE_DTYPE_F32, {4});
  d.Op(MOTE_OP_ADD, {d0, d0}, d1);
  EXPECT_EQ(Load(d.Build({d0}, {d1})), MOTE_RT_OK);
}

TEST(LoaderTest, Int8ChecksRequantAndBias) {
  struct Case {
    const char* what;
    int32_t multiplier, shift, bias;
    mote_rt_status expected;
  };
  const Case cases[] = {
      {"ok", 1 << 30, 31, 100, MOTE_RT_OK},
      {"largest ok", 0x7FFFFFFF, 62, 1 << 30, MOTE_RT_OK},
      {"multiplier < 2^30", (1 << 30) - 1, 31, 0, MOTE_RT_BAD_PARAMS},
      {"negative multiplier", -(1 << 30), 31, 0, MOTE_RT_BAD_PARAMS},
      {"shift 0", 1 << 30, 0, 0, MOTE_RT_BAD_PARAMS},
      {"shift 63", 1 << 30, 63, 0, MOTE_RT_BAD_PARAMS},
      {"bias beyond 2^30", 1 << 30, 31, (1 << 30) + 1, MOTE_RT_BAD_PARAMS},
  };
  for (const Case& k : cases) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_I8, {6}, 0.5f, 1);
    const uint16_t y = g.Act(MOTE_DTYPE_I8, {2}, 0.5f, 1);
    g.OpI8(MOTE_OP_DENSE,
           {x, g.ConstI8({2, 6}, std::vector<int8_t>(12, 1)), g.ConstI32({2}, {0, k.bias}),
            g.ConstI32({4}, {1 << 30, k.multiplier, 31, k.shift})},
           y);
    EXPECT_EQ(Load(g.Build({x}, {y})), k.expected) << k.what;
  }
  // Wrong requant table length, f32 bias, non-integer clamp, missing requant.
  const auto dense = [](const std::function<void(GraphBuilder&, MoteOpRecord&)>& edit) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_I8, {6}, 0.5f, 1);
    const uint16_t y = g.Act(MOTE_DTYPE_I8, {2}, 0.5f, 1);
    MoteOpRecord& op = g.OpI8(MOTE_OP_DENSE,
                              {x, g.ConstI8({2, 6}, std::vector<int8_t>(12, 1)), g.ConstI32({2}, {0, 0}),
                               g.ConstI32({4}, {1 << 30, 1 << 30, 31, 31})},
                              y);
    edit(g, op);
    return Load(g.Build({x}, {y}));
  };
  EXPECT_EQ(dense([](GraphBuilder& g, MoteOpRecord& op) { op.inputs[3] = g.ConstI32({2}, {1 << 30, 31}); }),
            MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(dense([](GraphBuilder& g, MoteOpRecord& op) { op.inputs[2] = g.ConstF32({2}, {0.0f, 0.0f}); }),
            MOTE_RT_BAD_TENSOR);
  EXPECT_EQ(dense([](GraphBuilder&, MoteOpRecord& op) { op.act_max = 126.5f; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(dense([](GraphBuilder&, MoteOpRecord& op) { op.act_max = 128.0f; }), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(dense([](GraphBuilder&, MoteOpRecord& op) {
              op.input_count = 3;
              op.inputs[3] = MOTE_MODEL_NO_TENSOR;
            }),
            MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(dense([](GraphBuilder& g, MoteOpRecord& op) { op.inputs[3] = g.Act(MOTE_DTYPE_I32, {4}); }),
            MOTE_RT_BAD_TENSOR);
}

// The longest dot product the loader takes (k = 2^16) of -128 * -128 plus a
// bias: 2^30 - 1 + 2^30 = 2^31 - 1 still fits int32 and every backend
// saturates to 127; a bias of 2^30 would overflow (wrapping to -128).
TEST(LoaderTest, Int8BiasLeavesRoomForTheLongestDotProduct) {
  constexpr uint32_t kDepth = 1u << 16;
  const auto dense = [](uint32_t k, int32_t bias) {
    GraphBuilder g;
    const uint16_t x = g.Act(MOTE_DTYPE_I8, {k}, 0.5f, 0);
    const uint16_t y = g.Act(MOTE_DTYPE_I8, {1}, 0.5f, 0);
    g.OpI8(MOTE_OP_DENSE,
           {x, g.ConstI8({1, k}, std::vector<int8_t>(k, -128)), g.ConstI32({1}, {bias}),
            g.ConstI32({2}, {1 << 30, 31})},
           y);
    return g.Build({x}, {y});
  };
  EXPECT_EQ(Load(dense(kDepth, (1 << 30) - 1)), MOTE_RT_OK);
  EXPECT_EQ(Load(dense(kDepth, -((1 << 30) - 1))), MOTE_RT_OK);
  EXPECT_EQ(Load(dense(kDepth, 1 << 30)), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(Load(dense(kDepth, -(1 << 30))), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(Load(dense(kDepth - 1, 1 << 30)), MOTE_RT_OK);  // 2^30 + (2^16 - 1) * 2^14 < 2^31
  EXPECT_EQ(Load(dense(kDepth + 1, 0)), MOTE_RT_BAD_SHAPE);

  const Backend previous = ActiveBackend();
  for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!BackendAvailable(backend)) continue;
    ASSERT_TRUE(SetBackend(backend).ok());
    LoadedModel m;
    ASSERT_EQ(m.Load(dense(kDepth, (1 << 30) - 1)), MOTE_RT_OK);
    m.SetInput(0, std::vector<int8_t>(kDepth, -128));
    ASSERT_EQ(m.Invoke(), MOTE_RT_OK);
    EXPECT_EQ(m.Output<int8_t>(0)[0], 127) << "backend " << int(backend);
  }
  ASSERT_TRUE(SetBackend(previous).ok());
}

TEST(LoaderTest, StatusMessages) {
  for (int s = 0; s <= MOTE_RT_STATUS_END; ++s) {
    const char* msg = mote_rt_status_message(mote_rt_status(s));
    ASSERT_NE(msg, nullptr);
    EXPECT_GT(strlen(msg), 1u);
  }
  EXPECT_STREQ(mote_rt_status_message(MOTE_RT_ARENA_TOO_SMALL), "arena too small");
}

}  // namespace
}  // namespace testing
}  // namespace mote
