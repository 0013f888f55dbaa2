/* The mote flat model file, version 1: what `mote export` writes and the
 * runtime (include/mote/rt.h) reads. Plain C so the exporter, the runtime,
 * tools and users' firmware share one definition.
 *
 * Encoding: little-endian; every record and every tensor's data starts at a
 * multiple of 16 bytes from the start of the file (the file itself should be
 * placed 16-byte aligned; the generated C array is). Sizes and offsets are
 * uint32, relative to the start of the file unless said otherwise.
 *
 *   [MoteModelHeader, 64 bytes]
 *   [MoteTensorRecord x tensor_count, 48 bytes each]  at tensor_table_offset
 *   [MoteOpRecord x op_count, 64 bytes each]          at op_table_offset
 *   [constant data: weights, biases, requantization tables], each 16-aligned
 *
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320, init and final xor
 * 0xFFFFFFFF, i.e. zlib's crc32) over bytes [12, file_bytes) — everything
 * after the crc32 field.
 *
 * Tensors: a constant lives in the file (offset = file offset); an activation
 * lives in the caller's arena (offset = arena offset, chosen by the exporter's
 * memory planner so that tensors alive at the same time never overlap). Dims
 * are per example, NHWC, with the batch fixed at 1: rank 1 {features} for
 * dense data, rank 3 {H, W, C} for images; unused dims are 1. Element count =
 * product of the first `rank` dims; bytes = elements * dtype size.
 *
 * Ops run in table order; an op reads only tensors written by earlier ops,
 * model inputs or constants. Per-op scratch (e.g. the im2col tile) is a range
 * of the arena [scratch_offset, scratch_offset + scratch_bytes) that the
 * planner keeps free while the op runs. An op's activation inputs, output and
 * scratch never share bytes (the loader refuses it), except a RESHAPE output
 * that is exactly its input.
 *
 * int8 (post-training quantization): real = scale * (q - zero_point).
 * Activations: per-tensor asymmetric (scale, zero_point in the tensor record).
 * Weights: per output channel symmetric (zero point 0); their scales are
 * folded into the requantization table. Conv/dense int8 accumulate in int32:
 *   acc[c] = bias[c] + sum_k q_in[k] * q_w[c][k]
 * where bias (int32, the op's input 2) already contains
 *   round(b[c] / (s_in * s_w[c])) - zp_in * sum_k q_w[c][k],
 * so padding (im2col) must read as zp_in. The dot length K is at most 2^16
 * and |bias[c]| <= min(2^30, 2^31 - 1 - K * 2^14) (each product is at most
 * 128 * 128): no int32 partial sum overflows. Then requantization per channel c
 * with the op's requant table (int32 tensor [2 * C_out]: multiplier[c] in
 * [2^30, 2^31), then shift[c] in [1, 62]):
 *   q_out = clamp(zp_out + ((int64)acc * multiplier[c] + (1 << (shift[c] - 1))) >> shift[c],
 *                 act_min, act_max)
 * (arithmetic shift; the rounding is half up), so that
 * multiplier[c] * 2^-shift[c] ~= s_in * s_w[c] / s_out. act_min/act_max of an
 * int8 op are int8 values (stored as floats in the op record, exact). All int8
 * arithmetic is integer: every port gives bit-identical outputs.
 */
#ifndef MOTE_MODEL_FORMAT_H_
#define MOTE_MODEL_FORMAT_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_MODEL_MAGIC 0x45544F4Du /* bytes "MOTE" */
#define MOTE_MODEL_VERSION 1u
#define MOTE_MODEL_ALIGN 16u
#define MOTE_MODEL_MAX_IO 4u      /* model inputs / outputs */
#define MOTE_MODEL_MAX_RANK 4u
#define MOTE_MODEL_NO_TENSOR 0xFFFFu

typedef struct MoteModelHeader {
  uint32_t magic;               /* MOTE_MODEL_MAGIC */
  uint32_t version;             /* MOTE_MODEL_VERSION */
  uint32_t crc32;               /* over bytes [12, file_bytes) */
  uint32_t file_bytes;          /* whole file, a multiple of 16 */
  uint32_t header_bytes;        /* sizeof(MoteModelHeader) = 64 */
  uint32_t tensor_count;
  uint32_t tensor_table_offset;
  uint32_t op_count;
  uint32_t op_table_offset;
  uint32_t arena_bytes;         /* planned: activations + scratch (+ the training blocks), what mote_rt_model_init needs */
  uint16_t input_count, output_count;                  /* 1..MOTE_MODEL_MAX_IO */
  uint16_t inputs[MOTE_MODEL_MAX_IO];                  /* tensor ids */
  uint16_t outputs[MOTE_MODEL_MAX_IO];                 /* tensor ids */
  uint32_t flags;               /* MOTE_MODEL_FLAG_*; unknown bits are rejected */
} MoteModelHeader;

#define MOTE_MODEL_FLAG_INT8 1u   /* the model holds int8 ops (informational) */
/* The model has a trainable tail: a MoteTrainRecord follows the op table, at
 * op_table_offset + op_count * sizeof(MoteOpRecord) (inside file_bytes).
 * Models without this flag are exactly the version 1 files of before; a
 * runtime that does not know the flag refuses the model (unknown flag). */
#define MOTE_MODEL_FLAG_TRAINABLE 2u

typedef enum MoteDType {
  MOTE_DTYPE_F32 = 0,
  MOTE_DTYPE_I8 = 1,
  MOTE_DTYPE_I32 = 2,
} MoteDType;

typedef enum MoteTensorKind {
  MOTE_TENSOR_ACTIVATION = 0,   /* offset into the arena */
  MOTE_TENSOR_CONSTANT = 1,     /* offset into the file */
} MoteTensorKind;

typedef struct MoteTensorRecord {
  uint8_t dtype;                /* MoteDType */
  uint8_t kind;                 /* MoteTensorKind */
  uint8_t rank;                 /* 1..MOTE_MODEL_MAX_RANK */
  uint8_t reserved0;            /* 0 */
  uint32_t dims[MOTE_MODEL_MAX_RANK]; /* unused dims are 1 */
  uint32_t offset;              /* 16-aligned */
  uint32_t bytes;               /* elements * dtype size */
  float scale;                  /* int8 activations; 0 otherwise */
  int32_t zero_point;           /* int8 activations; 0 otherwise */
  uint32_t reserved1[3];        /* 0 */
} MoteTensorRecord;

/* CONV2D tile_rows: fp32 im2col one kernel row of one pixel at a time. */
#define MOTE_CONV2D_KERNEL_ROW_TILES (-1)
/* CONV2D params[7] (weight layout): 0 = [Cout][kh][kw][Cin]; this value = the
 * host layout of `mote export --target host` (hosted runtimes only; a
 * microcontroller build refuses it with MOTE_RT_BAD_PARAMS): output channels
 * in panels of 16 (the last padded with zero channels), so a vector of
 * output channels loads whole (kernels::PackF32Panels / PackI8Panels).
 * fp32 weights dims [ceil(Cout/16)][K][16][1], w(j, p) at
 * (j/16)*16K + 16p + j%16; int8 dims [ceil(Cout/16)][ceil(K/4)][16][4]
 * (taps in groups of 4, zero-padded), w(j, p) at (j/16)*64*ceil(K/4) +
 * 64*(p/4) + 4*(j%16) + p%4; K = kh*kw*Cin, p in [ky][kx][Cin] order.
 * tile_rows >= 1 (no kernel-row tiles). Scratch: fp32, the input padded
 * left and right, H * ((out_w - 1) * stride_w + kw) * Cin floats (tile_rows
 * unused); int8, tile_rows * K bytes (im2col), or, when kw * Cin is a
 * multiple of 4 or kh is 1 and the scratch holds it, the input padded on
 * every side, ((out_h - 1) * stride_h + kh) * ((out_w - 1) * stride_w + kw)
 * * Cin bytes, read in place (hosted runtimes take whichever the scratch
 * allows; exporters give both, tile_rows = the im2col rows that fit). */
#define MOTE_CONV2D_WEIGHTS_PANELS 1
/* CONV2D params[7], int8 only: MOTE_CONV2D_WEIGHTS_PANELS with each kernel
 * row's kw * Cin taps zero-padded to R = round_up(kw * Cin, 4), so every
 * kernel row is whole groups of 4 and the input is read in place: K' = kh * R
 * taps, p' = ky * R + kx * Cin + ci; dims [ceil(Cout/16)][K'/4][16][4], w(j,
 * p') at (j/16)*16K' + 64*(p'/4) + 4*(j%16) + p'%4. Scratch: the input padded
 * on every side as above, then R - kw * Cin more bytes (the last kernel row's
 * padding taps read them; their weights are 0); tile_rows >= 1, unused.
 * Runtimes from before this value refuse it (MOTE_RT_BAD_PARAMS), as
 * microcontroller builds do. */
#define MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS 2
/* CONV2D params[7], int8 only, a flag added to MOTE_CONV2D_WEIGHTS_PANELS
 * or MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS: the bias tensor (input 2) is
 * [1 + (kh + 1) * (kw + 1)][Cout]: row 0 the bias, then the weights' tap
 * sums as a 2-D prefix table, S[a][b][j] = sum over ky < a, kx < b, ci of
 * w(j, ky, kx, ci) (wrapping int32; row a = 0 and column b = 0 are zeros;
 * the runtime checks every entry against the weights at load). The runtime
 * then multiplies only the kernel rows inside the image (a window's taps
 * that fall in the top / bottom padding are skipped, their zero-point
 * products added back from S), and takes the weight sums its VNNI kernels
 * need from S instead of summing the weights on every run. Scratch: as
 * without the flag, rounded up to 16 bytes, then 2 * Cout int32, and, where
 * Cin is a multiple of 4 (and kw < 256), optionally 2 * out_w bytes more:
 * given them, the runtime also skips the taps in the left / right padding
 * (their products added back from S likewise; files without them run as
 * before). Runtimes from before this flag refuse it (MOTE_RT_BAD_PARAMS), as
 * microcontroller builds do. */
#define MOTE_CONV2D_WEIGHTS_TAP_SUMS 4

/* DENSE params[0] (weight layout): 0 = [Cout][F]; this value = the host
 * layout of `mote export --target host` for fp32 dense ops (hosted runtimes
 * only; a microcontroller build refuses it with MOTE_RT_BAD_PARAMS):
 * weights [F][Cout], the transpose, so the runtime reads one weight row per
 * input and skips the rows of zero inputs (kernels::F32DenseInputMajor). */
#define MOTE_DENSE_WEIGHTS_INPUT_MAJOR 1
/* DENSE params[0], int8 only (hosted runtimes only, written by `mote export
 * --target host`): weights [Cout][F] as the default, the bias tensor [2][Cout]:
 * row 0 the bias, row 1 each channel's weight sum (wrapping int32; the
 * runtime checks it against the weights at load), which the VNNI kernel needs
 * (its activations are offset by 128) and then does not compute on every run.
 * Runtimes from before this value refuse it (MOTE_RT_BAD_PARAMS), as
 * microcontroller builds do. */
#define MOTE_DENSE_WEIGHT_SUMS 2
/* DENSE params[0] bit, int8 only, with MOTE_DENSE_WEIGHT_SUMS (params[0] = 6;
 * hosted runtimes only, written by `mote export --target host`): the weights
 * in blocks of 4 output channels whose rows are interleaved by chunks of 64
 * taps (kernels::PackI8DenseBlocks), dims [ceil(Cout/4)][ceil(F/64)][4][64],
 * w(j, p) at (j/4)*256*ceil(F/64) + 256*(p/64) + 64*(j%4) + p%64, padding
 * zero (never read as a weight), so one inference reads them in address
 * order. Runtimes from before this value refuse it (MOTE_RT_BAD_PARAMS), as
 * microcontroller builds do. */
#define MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS 4

typedef enum MoteOpType {
  /* in: x [H,W,Cin], weights [Cout][kh][kw][Cin], bias [Cout] (f32, or i32
   * for int8), requant [2*Cout] (int8 only). p: kernel_h, kernel_w, stride_h,
   * stride_w, pad_top, pad_left, tile_rows (im2col rows per tile, >= 1),
   * weight layout (0, MOTE_CONV2D_WEIGHTS_PANELS or, int8,
   * MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS; int8 host layouts with
   * MOTE_CONV2D_WEIGHTS_TAP_SUMS added).
   * Scratch: tile_rows * kh*kw*Cin elements of the input dtype (int8: at
   * least that; exporters give round_up(kh*kw*Cin, 4) bytes per row, for
   * two rows). fp32 only: tile_rows MOTE_CONV2D_KERNEL_ROW_TILES, one kernel
   * row of one output pixel at a time (scratch kw*Cin floats), the output
   * holding the partial sums. */
  MOTE_OP_CONV2D = 1,
  /* in: x [H,W,C], weights [kh][kw][C] (one filter per channel, depth
   * multiplier 1; TFLite's [1][kh][kw][C]), bias [C], requant [2*C] (int8).
   * p: kernel_h, kernel_w,
   * stride_h, stride_w, pad_top, pad_left. No scratch. */
  MOTE_OP_DEPTHWISE_CONV2D = 2,
  /* in: x [F] (any shape, read flat), weights [Cout][F], bias [Cout],
   * requant [2*Cout] (int8). p: weight layout (0, or
   * MOTE_DENSE_WEIGHTS_INPUT_MAJOR, or int8 MOTE_DENSE_WEIGHT_SUMS, with or
   * without MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS). No scratch. */
  MOTE_OP_DENSE = 3,
  /* in: x [H,W,C]. p: pool_h, pool_w, stride_h, stride_w, pad_top, pad_left.
   * Padding never takes part (max over / mean of in-bounds pixels). int8:
   * output scale and zero point equal the input's; average rounds half away
   * from zero. */
  MOTE_OP_MAX_POOL2D = 4,
  MOTE_OP_AVG_POOL2D = 5,
  /* in: x [H,W,C] -> [C] mean over H*W (int8 as AVG_POOL2D). */
  MOTE_OP_GLOBAL_AVG_POOL = 6,
  /* in: a, b (same shape) -> a + b, then the activation clamp. int8: p[0..5]
   * = multiplier_a, shift_a, multiplier_b, shift_b (for each input, its scale
   * over the output scale, format as the requant table), then
   *   q = clamp(zp_out + rq(q_a - zp_a, a) + rq(q_b - zp_b, b), act_min, act_max). */
  MOTE_OP_ADD = 7,
  /* per-row softmax over the last dim (f32 only). */
  MOTE_OP_SOFTMAX = 8,
  /* same bytes, new dims (element count equal); may alias its input exactly. */
  MOTE_OP_RESHAPE = 9,
  /* in: x f32 -> i8 with the output tensor's scale / zero point:
   * q = clamp(round_half_away(x / scale) + zp, -128, 127). */
  MOTE_OP_QUANTIZE = 10,
  /* in: x i8 -> f32 = scale * (q - zp). */
  MOTE_OP_DEQUANTIZE = 11,
  /* in: x, scale [C], shift [C] (f32 only): standalone folded batchnorm,
   * y = clamp(x * scale[c] + shift[c]) per last-dim channel c. */
  MOTE_OP_CHANNEL_AFFINE = 12,
  /* Recurrent layers (f32), x [T, F] -> [T, H] (all states) or [H] (last):
   * p[0] = hidden units H, p[1] = 1 to return every state, 0 for the last.
   * in: x, W [G*H][F] (input weights), U [G*H][H] (recurrent), bias [G*H]
   * (zeros when the layer had none); G = 1 (RNN), 4 (LSTM: input, forget,
   * candidate, output), 3 (GRU: update, reset, candidate). Scratch:
   * mote_recurrent_scratch_floats (below) floats. */
  MOTE_OP_SIMPLE_RNN = 13,
  MOTE_OP_LSTM = 14,
  MOTE_OP_GRU = 15,
  /* Elementwise activations (f32 only; an int8 export runs them in float
   * between a DEQUANTIZE and a QUANTIZE): in x -> same dims, no scratch, no
   * clamp. SIGMOID y = 1 / (1 + e^-x), TANH y = tanh(x) (mote's SigmoidF /
   * TanhF, include/mote/math.h, the library's own); LEAKY_RELU y = x for
   * x > 0, alpha * x otherwise, p[0] = alpha's float32 bits (finite). */
  MOTE_OP_SIGMOID = 16,
  MOTE_OP_TANH = 17,
  MOTE_OP_LEAKY_RELU = 18,
  MOTE_OP_TYPE_END
} MoteOpType;

/* G of a recurrent op type (above), 0 for any other type. */
static inline uint32_t mote_recurrent_gates(uint32_t type) {
  return type == MOTE_OP_SIMPLE_RNN ? 1u : type == MOTE_OP_LSTM ? 4u : type == MOTE_OP_GRU ? 3u : 0u;
}
/* Scratch floats of a recurrent op with H units: gate pre-activations [G*H],
 * the recurrent product [G*H], the state h [H] and a second state [H] (LSTM:
 * the cell c; GRU: r * h). The exporter plans exactly this; the loader checks it. */
static inline uint64_t mote_recurrent_scratch_floats(uint32_t type, uint32_t units) {
  return (2 * (uint64_t)mote_recurrent_gates(type) + 2) * units;
}

typedef enum MoteActivation {
  MOTE_ACT_NONE = 0,            /* act_min = -inf, act_max = +inf (f32) */
  MOTE_ACT_RELU = 1,            /* clamp to [0, +inf) (f32) or [zp_out, 127] (int8) */
  MOTE_ACT_RELU6 = 2,
} MoteActivation;

typedef struct MoteOpRecord {
  uint16_t type;                /* MoteOpType */
  uint8_t activation;           /* MoteActivation: informational, act_min/max decide */
  uint8_t input_count;          /* entries used in inputs[] */
  uint16_t inputs[4];           /* tensor ids; unused = MOTE_MODEL_NO_TENSOR */
  uint16_t output;              /* tensor id */
  uint16_t reserved0;           /* 0 */
  float act_min, act_max;       /* fused clamp of the result (int8: exact int8 values) */
  uint32_t scratch_offset;      /* arena offset, 16-aligned */
  uint32_t scratch_bytes;       /* 0 when none */
  int32_t params[8];            /* per op type (see MoteOpType); unused = 0 */
} MoteOpRecord;

/* ---- the trainable tail (MOTE_MODEL_FLAG_TRAINABLE) -----------------------------
 * One f32 DENSE op (the last parameterised layer) whose weights and bias the
 * runtime trains on the device (mote_rt_train_step in include/mote/rt.h).
 * Its op record keeps pointing at the constant weights and bias in the file:
 * they are the initial values, copied at init into the arena's parameter
 * block, which the forward pass of that op then reads instead.
 * Arena blocks, each 16-aligned, inside arena_bytes, sharing no byte with
 * each other, with any activation tensor or with any op's scratch:
 *   params  [Cout][F] weights then [Cout] bias, then (bias-only option) the
 *           feeding dense op's [F] bias, then (feed_weights) its [F][F1] weights,
 *           f32: (Cout * F + Cout + bias_units + bias_units * feed_inputs) * 4 bytes
 *   grads   the same size (the gradient of the last step)
 *   state   optimizer state: 0 bytes (SGD), params_bytes (momentum: velocity),
 *           2 * params_bytes (Adam: first then second moments)
 *   scratch Cout floats (the loss gradient with respect to the logits), then
 *           bias_units floats (the gradient with respect to the tail's input)
 * With bias_units != 0, op bias_op (an f32 DENSE before the tail whose
 * output tensor is the tail's input; its fused clamp is the activation the
 * backward pass goes through) reads its bias from the params block (and its
 * weights, with feed_weights; then its input must survive the forward pass too).
 * The op's input x (the tail's input) and output (the logits) must survive
 * the forward pass: no later op writes over them (output or scratch).
 * Loss: softmax cross-entropy on the logits, the training library's
 * formula (label smoothing included). Update: the library's optimizer
 * formulas (src/optim), one example per step. */
typedef enum MoteLossType {
  MOTE_LOSS_SOFTMAX_CROSS_ENTROPY = 1,
} MoteLossType;

typedef enum MoteOptimizerType {
  MOTE_OPTIMIZER_SGD = 1,       /* w += -lr * g */
  MOTE_OPTIMIZER_MOMENTUM = 2,  /* v = m v - lr g; w += v            (hyper[0] = m) */
  MOTE_OPTIMIZER_NESTEROV = 3,  /* v = m v - lr g; w += m v - lr g   (hyper[0] = m) */
  MOTE_OPTIMIZER_ADAM = 4,      /* hyper = {rho1, rho2, delta}, no weight decay */
  MOTE_OPTIMIZER_END
} MoteOptimizerType;

typedef struct MoteTrainRecord {
  uint16_t op;                  /* index of the trainable DENSE op in the op table */
  uint8_t loss;                 /* MoteLossType */
  uint8_t optimizer;            /* MoteOptimizerType */
  float learning_rate;          /* initial, finite, >= 0 */
  float label_smoothing;        /* [0, 1) */
  float hyper[3];               /* per optimizer (above); unused = 0 */
  uint32_t params_offset, params_bytes;  /* arena */
  uint32_t grads_offset;                 /* arena, params_bytes bytes */
  uint32_t state_offset, state_bytes;    /* arena; offset 0 when state_bytes is 0 */
  uint32_t scratch_offset, scratch_bytes; /* arena, (Cout + bias_units) * 4 bytes */
  /* The dense op feeding the tail (0 units: none; then every field below is
   * 0): its bias trains too (bias-only option), and with feed_weights its
   * weights as well (the last two dense layers). */
  uint16_t bias_op;             /* its index; its output is the tail's input */
  uint16_t feed_weights;        /* 1: its weights train, 0: they stay in the file */
  uint32_t bias_units;          /* its output units (= the tail's F), 0 for none */
  uint32_t feed_inputs;         /* F1, its input elements, when feed_weights; else 0 */
} MoteTrainRecord;

#ifdef __cplusplus
}  /* extern "C" */
static_assert(sizeof(MoteTrainRecord) == 64, "train record is 64 bytes");
static_assert(sizeof(MoteModelHeader) == 64, "header is 64 bytes");
static_assert(sizeof(MoteTensorRecord) == 48, "tensor record is 48 bytes");
static_assert(sizeof(MoteOpRecord) == 64, "op record is 64 bytes");
#endif

#endif /* MOTE_MODEL_FORMAT_H_ */
