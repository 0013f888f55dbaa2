/* mote's tiny runtime: runs an exported model (include/mote/model_format.h)
 * in one arena the caller provides. C API; inside it is freestanding C++17
 * (src/runtime): no heap, no exceptions, no RTTI, no static constructors, no
 * libc beyond memcpy/memset. The same model gives the same results on every
 * port (int8: bit-identical; float: the kernels of the build's backend).
 *
 *   mote_rt_model m = {0};  // zeroed: until init succeeds, every call on it
 *                           // returns MOTE_RT_BAD_ARGUMENT (m.ready is not
 *                           // MOTE_RT_MODEL_READY) instead of reading garbage
 *   size_t need;
 *   mote_rt_arena_bytes(model_bytes, model_len, &need);   // also printed by `mote inspect`
 *   if (mote_rt_model_init(&m, model_bytes, model_len, arena, arena_len) != MOTE_RT_OK) ...
 *   mote_rt_tensor in, out;
 *   mote_rt_input(&m, 0, &in);   // write in.data (in.bytes bytes)
 *   mote_rt_invoke(&m);
 *   mote_rt_output(&m, 0, &out); // read out.data
 *
 * The model bytes must stay valid and unchanged while `m` is used (they are
 * read in place, e.g. from flash); both the model bytes and the arena must be
 * 16-byte aligned. mote_rt_model_init checks everything (magic, version, CRC,
 * every offset, size and shape, every op) so that mote_rt_invoke cannot read
 * or write out of bounds; it never writes outside the arena or `m`.
 */
#ifndef MOTE_RT_H_
#define MOTE_RT_H_
#include <stddef.h>
#include <stdint.h>

#include "mote/model_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every loader error class has its own value. */
typedef enum mote_rt_status {
  MOTE_RT_OK = 0,
  MOTE_RT_BAD_ARGUMENT,     /* null pointer, index out of range, misaligned model or arena */
  MOTE_RT_TRUNCATED,        /* fewer bytes than the header or header.file_bytes says */
  MOTE_RT_BAD_MAGIC,        /* not a mote model */
  MOTE_RT_BAD_VERSION,      /* a format version this runtime does not read */
  MOTE_RT_BAD_CHECKSUM,     /* CRC-32 mismatch: corrupted bytes (of the model or a tail record) */
  MOTE_RT_BAD_OFFSET,       /* a table, tensor or scratch range outside the file / arena, misaligned,
                               or overlapping another input/output/scratch range of its op */
  MOTE_RT_BAD_TENSOR,       /* unknown dtype/kind, bad rank, bytes != elements * size */
  MOTE_RT_BAD_SHAPE,        /* shapes an op's inputs and output do not agree on */
  MOTE_RT_UNKNOWN_OP,       /* op type (or activation, flag) this runtime does not know */
  MOTE_RT_BAD_PARAMS,       /* op parameters out of range (zero stride, shift outside [1, 62], ...) */
  MOTE_RT_ARENA_TOO_SMALL,  /* arena_len < the model's planned arena_bytes */
  MOTE_RT_NOT_TRAINABLE,    /* a training call on a model exported without a trainable tail */
  MOTE_RT_BAD_LABEL,        /* a training label outside [0, classes) */
  MOTE_RT_NOT_FINITE,       /* NaN / infinite loss, update or written value: nothing was changed */
  MOTE_RT_OTHER_MODEL,      /* a stored tail record made for another model (or another tail size) */
  MOTE_RT_STATUS_END
} mote_rt_status;

/* Short, static description of a status ("arena too small"). Never null. */
const char* mote_rt_status_message(mote_rt_status status);

/* One tensor as the caller sees it (batch 1, NHWC, unused dims 1). */
typedef struct mote_rt_tensor {
  void* data;            /* in the arena */
  uint32_t bytes;
  uint8_t dtype;         /* MoteDType */
  uint8_t rank;
  uint32_t dims[MOTE_MODEL_MAX_RANK];
  float scale;           /* int8: real = scale * (q - zero_point) */
  int32_t zero_point;
} mote_rt_tensor;

/* Runtime state: everything the runtime keeps besides the arena. */
typedef struct mote_rt_model {
  const uint8_t* bytes;
  uint32_t size;
  uint8_t* arena;
  uint32_t arena_bytes;
  const MoteModelHeader* header;
  const MoteTensorRecord* tensors;
  const MoteOpRecord* ops;
  /* The trainable tail (MOTE_MODEL_FLAG_TRAINABLE), else null; then the
   * current learning rate and the number of updates made (Adam's t). */
  const MoteTrainRecord* train;
  float learning_rate;
  uint32_t steps;
  /* Batch accumulation (mote_rt_set_batch_size): examples per update (1
   * unless set), and the examples whose gradients wait for the next update. */
  uint32_t batch_size;
  uint32_t accumulated;
  /* MOTE_RT_MODEL_READY once mote_rt_model_init succeeded. The other calls
   * check it (one compare) and return MOTE_RT_BAD_ARGUMENT otherwise, so a
   * never-initialised model is refused instead of followed into garbage
   * pointers. A stack model full of garbage could hold this value by chance:
   * zero it (the sample above) and that cannot happen. */
  uint32_t ready;
} mote_rt_model;

#define MOTE_RT_MODEL_READY 0x6d6f7465u /* "mote" */

/* Checks the model bytes (everything but the arena) and reports the arena it
 * needs. */
mote_rt_status mote_rt_arena_bytes(const void* model, size_t model_len, size_t* arena_bytes);

/* Checks the model and binds it to `arena` (at least the planned bytes,
 * 16-byte aligned). On error `m` is left zeroed. */
mote_rt_status mote_rt_model_init(mote_rt_model* m, const void* model, size_t model_len, void* arena,
                                  size_t arena_len);

mote_rt_status mote_rt_input(const mote_rt_model* m, uint32_t index, mote_rt_tensor* tensor);
mote_rt_status mote_rt_output(const mote_rt_model* m, uint32_t index, mote_rt_tensor* tensor);
uint32_t mote_rt_input_count(const mote_rt_model* m);
uint32_t mote_rt_output_count(const mote_rt_model* m);

/* Runs every op once on the current inputs. Allocates nothing. */
mote_rt_status mote_rt_invoke(mote_rt_model* m);

/* ---- on-device training (models exported with a trainable tail) -----------------
 * The last dense layer's weights and bias live in the arena (copied from the
 * model bytes at init); with the bias-only option (`--trainable-bias 1`) so
 * does the bias of the dense layer feeding it, which trains too (the
 * gradient goes back through the tail's weights and that layer's clamp), and
 * with `--trainable 2` that layer's weights as well. One example per step, after writing the input as for
 * mote_rt_invoke:
 *   mote_rt_input(&m, 0, &in);  ... write in.data ...
 *   float loss;
 *   mote_rt_train_step(&m, label, &loss);   // forward, loss, backward, update
 * The step runs the forward pass (so the outputs hold the logits before the
 * update), the softmax cross-entropy loss against `label`, the gradient of
 * the tail's weights and bias, and the optimizer's update, exactly as the
 * training library does for one example (include/mote/model_format.h).
 * Errors (nothing is changed but the forward pass's activations):
 * MOTE_RT_NOT_TRAINABLE (no tail), MOTE_RT_BAD_LABEL, MOTE_RT_NOT_FINITE
 * (the loss or any updated weight or optimizer state would be NaN or
 * infinite: the weights stay as they were). `loss` may be null. */
mote_rt_status mote_rt_train_step(mote_rt_model* m, uint32_t label, float* loss);

/* Batch accumulation: with batch_size K > 1, mote_rt_train_step adds each
 * example's gradient (scaled by 1/K, as the library's mean loss does) to the
 * gradient block and updates the weights on every K-th example (then
 * m->accumulated returns to 0), exactly like the training library's step on
 * those K examples as one batch. Needs no memory beyond batch 1's. An example
 * refused with MOTE_RT_NOT_FINITE is not counted; an update refused with it
 * drops the batch (the weights stay). Setting the batch size (1..65535, else
 * MOTE_RT_BAD_ARGUMENT) drops the gradients accumulated so far. */
mote_rt_status mote_rt_set_batch_size(mote_rt_model* m, uint32_t batch_size);

/* The learning rate of the next steps (finite, >= 0; else MOTE_RT_BAD_ARGUMENT). */
mote_rt_status mote_rt_set_learning_rate(mote_rt_model* m, float learning_rate);
mote_rt_status mote_rt_get_learning_rate(const mote_rt_model* m, float* learning_rate);

/* The tail's parameters as bytes (weights [Cout][F], bias [Cout], then with
 * the bias-only option the bias [F] of the dense op feeding it, then with two
 * trainable layers that op's weights [F][F1]; f32),
 * e.g. for a port to keep them in flash: mote_rt_trainable_bytes is their size
 * (0 without a tail or before init). read copies them out (out_len must be at
 * least that size); write replaces them (in_len must be exactly that size and
 * every value finite, else MOTE_RT_BAD_ARGUMENT / MOTE_RT_NOT_FINITE and
 * nothing changes). The optimizer state and step count are kept. */
uint32_t mote_rt_trainable_bytes(const mote_rt_model* m);
mote_rt_status mote_rt_read_trainable(const mote_rt_model* m, void* out, size_t out_len);
mote_rt_status mote_rt_write_trainable(mote_rt_model* m, const void* in, size_t in_len);

/* A tail record for non-volatile storage (a port's flash page): the tail's
 * parameters behind a 16-byte header
 *   uint32 magic (MOTE_RT_TAIL_RECORD_MAGIC), uint32 model CRC (the model
 *   file's crc32), uint32 parameter bytes, uint32 CRC-32 of the parameters
 * so that a board restarts from its tuned tail and ignores an erased page
 * (MOTE_RT_BAD_MAGIC), a torn or corrupted write (MOTE_RT_BAD_CHECKSUM,
 * MOTE_RT_TRUNCATED) or a record made for another model
 * (MOTE_RT_OTHER_MODEL); then nothing changes. The record is
 * mote_rt_tail_record_bytes(m) bytes (0 without a tail); save needs at least
 * that much room; load reads a record from a buffer of in_len bytes (it may
 * be longer than the record, e.g. a whole flash page). Little-endian, as the
 * model file. */
#define MOTE_RT_TAIL_RECORD_MAGIC 0x4C494154u /* bytes "TAIL" */
#define MOTE_RT_TAIL_RECORD_HEADER_BYTES 16u
uint32_t mote_rt_tail_record_bytes(const mote_rt_model* m);
mote_rt_status mote_rt_save_tail_record(const mote_rt_model* m, void* out, size_t out_len);
mote_rt_status mote_rt_load_tail_record(mote_rt_model* m, const void* in, size_t in_len);

/* CRC-32 as the format uses it (zlib's crc32 with initial value 0). */
uint32_t mote_rt_crc32(const void* data, size_t len);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* MOTE_RT_H_ */
