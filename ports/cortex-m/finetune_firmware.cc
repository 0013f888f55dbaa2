// Fine-tuning firmware (issue 16, ports/finetune.sh): learns on the board.
// The model (`mote export --trainable 1 --c-array ... --c-name mote_model_f32`)
// has a trainable tail, its last dense layer; the data (`mote finetune --out`)
// are Fashion-MNIST images under a shift the network never saw (e.g.
// inverted), training and test images, and the tail's parameters after the
// training library's fine-tuning on the host on the same examples.
// Two boots in one QEMU run. The first boot (the storage page holds no
// record for this model) prints
//   finetune before: correct C of N
//   finetune after: correct C of N steps S refused R loss L
//   finetune arena A trainable T params P identical I within W max_abs_diff D
//   finetune stored: record B bytes
// stores the tuned tail through the port hook (mote_port_storage_write, a
// CRC-checked tail record) and resets the board (mote_port_reset,
// SYSRESETREQ: RAM is lost, .data / .bss start over). The second boot finds
// the record, loads it instead of the model file's tail, trains nothing and
// prints
//   finetune restored: correct C of N identical I within W
//   finetune torn record: STATUS, tail identical I
// (a torn copy written over the record is refused), then PASS / FAIL (the
// first boot ends with FAIL instead of storing when its checks fail).
// mote_rt_train_step runs between two marker functions and
// mote_rt_invoke between two others, so ports/cortex-m/insn_windows.c counts
// the instructions of a training step and of an inference
// (run-firmware.sh prints "instructions per inference train: N").
// Exit status 0 when every step ran, accuracy rose, the tuned tail is within
// 1e-5 of the library's (bit for bit where the kernels are the scalar
// reference), and so is the restored tail.
#include <stddef.h>
#include <stdint.h>

#include "console_line.h"
#include "finetune_data.h"
#include "mote/rt.h"
#include "mote_port.h"

extern "C" {
extern const unsigned char mote_model_f32[];
extern const unsigned int mote_model_f32_len;

__attribute__((noinline)) void mote_window_train_begin(void) { __asm__ volatile("nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_train_end(void) { __asm__ volatile("nop; nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_invoke_begin(void) { __asm__ volatile("nop; nop; nop" ::: "memory"); }
__attribute__((noinline)) void mote_window_invoke_end(void) { __asm__ volatile("nop; nop; nop; nop" ::: "memory"); }
}

namespace {

#ifndef MOTE_FIRMWARE_ARENA_BYTES
#define MOTE_FIRMWARE_ARENA_BYTES (64 * 1024)
#endif
alignas(16) uint8_t g_arena[MOTE_FIRMWARE_ARENA_BYTES];
float g_params[MOTE_FINETUNE_PARAMS];
alignas(4) uint8_t g_record[MOTE_RT_TAIL_RECORD_HEADER_BYTES + sizeof(g_params)];

uint32_t ArgMax(const float* x, uint32_t n) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}

// Image i of `pixels` as the model's input (the host's normalisation).
void Load(const unsigned char* pixels, uint32_t i, float* x) {
  const unsigned char* p = pixels + size_t(i) * MOTE_FINETUNE_PIXELS;
  for (uint32_t k = 0; k < MOTE_FINETUNE_PIXELS; ++k)
    x[k] = __builtin_fmaf(float(p[k]), MOTE_FINETUNE_INPUT_SCALE, MOTE_FINETUNE_INPUT_OFFSET);
}

// The current tail against the library's: parameters bit-identical, within
// 1e-5 (the FPU cores' kernels fuse multiply-adds where the host's scalar
// reference rounds twice, so the trunk's outputs and the steps drift by a few
// ulps), and the largest difference.
struct Agreement {
  uint32_t identical, within;
  float max_diff;
};

Agreement CompareWithLibrary(const mote_rt_model* m) {
  mote_rt_read_trainable(m, g_params, sizeof(g_params));
  Agreement r = {0, 0, 0.0f};
  for (uint32_t i = 0; i < MOTE_FINETUNE_PARAMS; ++i) {
    const float a = g_params[i], b = mote_finetune_library_params[i];
    r.identical += __builtin_memcmp(&a, &b, 4) == 0;
    const float d = a > b ? a - b : b - a;
    r.within += d <= 1e-5f;
    r.max_diff = d > r.max_diff ? d : r.max_diff;
  }
  return r;
}

uint32_t Correct(mote_rt_model* m, float* x, const float* y) {
  uint32_t correct = 0;
  for (uint32_t i = 0; i < MOTE_FINETUNE_TEST; ++i) {
    Load(mote_finetune_test_pixels, i, x);
    mote_window_invoke_begin();
    mote_rt_invoke(m);
    mote_window_invoke_end();
    correct += ArgMax(y, MOTE_FINETUNE_CLASSES) == mote_finetune_test_labels[i];
  }
  return correct;
}

}  // namespace

int main() {
  mote_port_init();
  Line() << "mote fine-tuning firmware (" MOTE_PORT_NAME "): shift " MOTE_FINETUNE_SHIFT ", "
         << uint32_t(MOTE_FINETUNE_TRAIN) << " training images x " << uint32_t(MOTE_FINETUNE_EPOCHS) << " epochs, "
         << uint32_t(MOTE_FINETUNE_TEST) << " test images";
  mote_rt_model m = {};
  mote_rt_status st = mote_rt_model_init(&m, mote_model_f32, mote_model_f32_len, g_arena, sizeof(g_arena));
  mote_rt_tensor in, out;
  if (st != MOTE_RT_OK || mote_rt_input(&m, 0, &in) != MOTE_RT_OK || mote_rt_output(&m, 0, &out) != MOTE_RT_OK ||
      mote_rt_trainable_bytes(&m) != sizeof(g_params)) {
    Line() << "init failed: " << mote_rt_status_message(st);
    Line() << "FAIL";
    mote_port_exit(1);
  }
  float* x = static_cast<float*>(in.data);
  const float* y = static_cast<const float*>(out.data);
  mote_rt_set_learning_rate(&m, MOTE_FINETUNE_LEARNING_RATE);

  // A tail stored by an earlier boot: evaluate it, train nothing.
  if (mote_port_storage_read(g_record, sizeof(g_record)) == 0) {
    st = mote_rt_load_tail_record(&m, g_record, sizeof(g_record));
    if (st == MOTE_RT_OK) {
      const uint32_t restored = Correct(&m, x, y);
      const Agreement restored_tail = CompareWithLibrary(&m);
      Line() << "finetune restored: correct " << restored << " of " << uint32_t(MOTE_FINETUNE_TEST) << " identical "
             << restored_tail.identical << " within " << restored_tail.within;
      // A torn write (the record's second half still erased) stored over it is
      // refused on the next load and leaves the restored tail as it is.
      for (uint32_t i = sizeof(g_record) / 2; i < sizeof(g_record); ++i) g_record[i] = 0xFF;
      mote_port_storage_write(g_record, sizeof(g_record));
      mote_port_storage_read(g_record, sizeof(g_record));
      const mote_rt_status torn = mote_rt_load_tail_record(&m, g_record, sizeof(g_record));
      const Agreement still = CompareWithLibrary(&m);
      Line() << "finetune torn record: " << mote_rt_status_message(torn) << ", tail identical " << still.identical;
      const bool ok = restored_tail.within == MOTE_FINETUNE_PARAMS && torn == MOTE_RT_BAD_CHECKSUM &&
                      still.identical == restored_tail.identical && still.max_diff == restored_tail.max_diff;
      Line() << (ok ? "PASS" : "FAIL");
      mote_port_exit(ok ? 0 : 1);
    }
    Line() << "finetune storage: no tail to restore (" << mote_rt_status_message(st) << ")";
  }

  const uint32_t before = Correct(&m, x, y);
  Line() << "finetune before: correct " << before << " of " << uint32_t(MOTE_FINETUNE_TEST);

  uint32_t steps = 0, refused = 0;
  float loss_sum = 0.0f;
  for (uint32_t e = 0; e < MOTE_FINETUNE_EPOCHS; ++e) {
    for (uint32_t i = 0; i < MOTE_FINETUNE_TRAIN; ++i) {
      Load(mote_finetune_train_pixels, i, x);
      float loss = 0.0f;
      mote_window_train_begin();
      st = mote_rt_train_step(&m, mote_finetune_train_labels[i], &loss);
      mote_window_train_end();
      if (st == MOTE_RT_OK) {
        ++steps;
        loss_sum += loss;
      } else {
        ++refused;
      }
    }
  }
  const uint32_t after = Correct(&m, x, y);
  Line() << "finetune after: correct " << after << " of " << uint32_t(MOTE_FINETUNE_TEST) << " steps " << steps
         << " refused " << refused << " loss " << (steps ? loss_sum / float(steps) : 0.0f);

  // The tuned tail against the training library's (through the port's view
  // of it: the bytes a port would store in flash).
  const Agreement tuned = CompareWithLibrary(&m);
  Line() << "finetune arena " << m.header->arena_bytes << " trainable " << mote_rt_trainable_bytes(&m) << " params "
         << uint32_t(MOTE_FINETUNE_PARAMS) << " identical " << tuned.identical << " within " << tuned.within
         << " max_abs_diff " << tuned.max_diff
         << " host_before " << uint32_t(MOTE_FINETUNE_HOST_BEFORE) << " host_after "
         << uint32_t(MOTE_FINETUNE_HOST_AFTER);
  const bool ok = refused == 0 && after > before && tuned.within == MOTE_FINETUNE_PARAMS;
  if (!ok) {
    Line() << "FAIL";
    mote_port_exit(1);
  }
  // Keep the tuned tail and start over from it.
  st = mote_rt_save_tail_record(&m, g_record, sizeof(g_record));
  if (st != MOTE_RT_OK || mote_port_storage_write(g_record, sizeof(g_record)) != 0) {
    Line() << "finetune store failed: " << mote_rt_status_message(st);
    Line() << "FAIL";
    mote_port_exit(1);
  }
  Line() << "finetune stored: record " << uint32_t(sizeof(g_record)) << " bytes; resetting the board";
  mote_port_reset();
}
