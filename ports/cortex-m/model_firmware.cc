// Firmware that runs exported models on the board: the fp32 model (and the
// int8 one when built with it) from `mote export --c-array`, on the test
// images of `mote testset`, through the runtime (include/mote/rt.h) in one
// static arena. Per model it prints one line
//   model fp32: images 200 correct 181 agree 200 max_abs_diff 1.2e-07 arena 52224 crc 0x1a2b3c4d
// where agree counts images whose argmax equals the training library's on
// the host (mote_testset_expected) and max_abs_diff is the largest logit
// difference (fp32 only; int8 is compared by argmax). crc is the CRC-32 of all
// output bytes, to compare ports. Each inference runs between two marker
// functions, so ports/cortex-m/insn_windows.c counts its instructions.
// Exit status: 0 when every check held (fp32: max_abs_diff <= 1e-4 and full
// agreement; int8: agreement on >= 90 % of the images), 1 otherwise.
#include <stddef.h>
#include <stdint.h>

#include "console_line.h"
#include "mote/rt.h"
#include "mote_port.h"
#include "testset.h"

// MOTE_FIRMWARE_F32=0 leaves the fp32 model out (model_firmware_i8: the code
// of the int8 op set alone, for its size).
#ifndef MOTE_FIRMWARE_F32
#define MOTE_FIRMWARE_F32 1
#endif

extern "C" {
#if MOTE_FIRMWARE_F32
extern const unsigned char mote_model_f32[];
extern const unsigned int mote_model_f32_len;
#endif
#if MOTE_FIRMWARE_INT8
extern const unsigned char mote_model_i8[];
extern const unsigned int mote_model_i8_len;
#endif

// Instruction-count markers (insn_windows.c): distinct, never inlined bodies.
__attribute__((noinline)) void mote_window_f32_begin(void) { __asm__ volatile("nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_f32_end(void) { __asm__ volatile("nop; nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_i8_begin(void) { __asm__ volatile("nop; nop; nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_i8_end(void) { __asm__ volatile("nop; nop; nop; nop" ::: "memory"); }
}

namespace {

#ifndef MOTE_FIRMWARE_ARENA_BYTES
#define MOTE_FIRMWARE_ARENA_BYTES (64 * 1024)  // the seed network needs 31.5 KB (fp32)
#endif
alignas(16) uint8_t g_arena[MOTE_FIRMWARE_ARENA_BYTES];

constexpr float kMaxLogitDifference = 1e-4f;

size_t ArgMax(const float* x, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}

// Test item i as the model's input, the same floats as on the host.
void LoadTestItem(uint32_t i, float* x) {
#if MOTE_TESTSET_BYTE_INPUTS
  // The model's input normalisation, as mote::NormalizeDataset does it.
  const unsigned char* p = mote_testset_pixels + size_t(i) * MOTE_TESTSET_PIXELS;
  for (uint32_t k = 0; k < MOTE_TESTSET_PIXELS; ++k)
    x[k] = __builtin_fmaf(float(p[k]), MOTE_TESTSET_INPUT_SCALE, MOTE_TESTSET_INPUT_OFFSET);
#else
  __builtin_memcpy(x, mote_testset_inputs + size_t(i) * MOTE_TESTSET_PIXELS, MOTE_TESTSET_PIXELS * sizeof(float));
#endif
}

// Runs one model over every test image; returns true when its checks hold.
bool RunModel(const char* name, const unsigned char* bytes, unsigned int len, bool int8, void (*begin)(),
              void (*end)()) {
  mote_rt_model model;
  mote_rt_status st = mote_rt_model_init(&model, bytes, len, g_arena, sizeof(g_arena));
  if (st != MOTE_RT_OK) {
    Line() << "model " << name << ": init failed: " << mote_rt_status_message(st);
    return false;
  }
  mote_rt_tensor in, out;
  if (mote_rt_input(&model, 0, &in) != MOTE_RT_OK || mote_rt_output(&model, 0, &out) != MOTE_RT_OK ||
      in.dtype != MOTE_DTYPE_F32 || out.dtype != MOTE_DTYPE_F32 || in.bytes != MOTE_TESTSET_PIXELS * 4 ||
      out.bytes != MOTE_TESTSET_OUTPUTS * 4) {
    Line() << "model " << name << ": inputs/outputs are not float [" << uint32_t(MOTE_TESTSET_PIXELS) << "] -> ["
           << uint32_t(MOTE_TESTSET_OUTPUTS) << "]";
    return false;
  }
  float* x = static_cast<float*>(in.data);
  const float* y = static_cast<const float*>(out.data);
  uint32_t correct = 0, agree = 0, crc = 0;
  float max_diff = 0.0f;
  for (uint32_t i = 0; i < MOTE_TESTSET_IMAGES; ++i) {
    LoadTestItem(i, x);
    begin();
    st = mote_rt_invoke(&model);
    end();
    if (st != MOTE_RT_OK) {
      Line() << "model " << name << ": invoke failed: " << mote_rt_status_message(st);
      return false;
    }
    const float* want = mote_testset_expected + size_t(i) * MOTE_TESTSET_OUTPUTS;
    const size_t got_class = ArgMax(y, MOTE_TESTSET_OUTPUTS);
    correct += got_class == mote_testset_labels[i];
    agree += got_class == ArgMax(want, MOTE_TESTSET_OUTPUTS);
    for (uint32_t k = 0; k < MOTE_TESTSET_OUTPUTS; ++k) {
      const float d = y[k] > want[k] ? y[k] - want[k] : want[k] - y[k];
      max_diff = d > max_diff ? d : max_diff;
    }
    // Chain the CRC over the images: mote_rt_crc32 of (previous crc, outputs).
    uint8_t chunk[4 + MOTE_TESTSET_OUTPUTS * 4];
    __builtin_memcpy(chunk, &crc, 4);
    __builtin_memcpy(chunk + 4, y, MOTE_TESTSET_OUTPUTS * 4);
    crc = mote_rt_crc32(chunk, sizeof(chunk));
  }
  Line line;  // the planned arena comes from the header init checked (no second pass over the model)
  line << "model " << name << ": images " << uint32_t(MOTE_TESTSET_IMAGES) << " correct " << correct << " agree "
       << agree << " max_abs_diff " << max_diff << " arena " << model.header->arena_bytes << " crc ";
  line.Hex(crc);
  // int8 is an approximation: its argmax must agree on at least 90 % of the
  // images (its accuracy drop is judged on the full test set on the host).
  if (int8) return agree * 10 >= uint32_t(MOTE_TESTSET_IMAGES) * 9;
  return agree == MOTE_TESTSET_IMAGES && max_diff <= kMaxLogitDifference;
}

}  // namespace

int main() {
  mote_port_init();
  Line() << "mote model firmware (" MOTE_PORT_NAME "): " << uint32_t(MOTE_TESTSET_IMAGES) << " test images";
  bool ok = true;
#if MOTE_FIRMWARE_F32
  ok = RunModel("fp32", mote_model_f32, mote_model_f32_len, false, mote_window_f32_begin, mote_window_f32_end);
#endif
#if MOTE_FIRMWARE_INT8
  ok = RunModel("int8", mote_model_i8, mote_model_i8_len, true, mote_window_i8_begin, mote_window_i8_end) && ok;
#endif
  Line() << (ok ? "PASS" : "FAIL");
  mote_port_exit(ok ? 0 : 1);
}
