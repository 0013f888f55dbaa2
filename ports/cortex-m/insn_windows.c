/* QEMU TCG plugin (plugin API v1, QEMU 7.2): exact guest instruction counts
 * between marker functions. QEMU has no cycle model, so instructions are the
 * deterministic measure of work on the emulated board (see
 * ../shared/toolchains.md, "Measuring work on the emulated MCU").
 *
 *   qemu-system-arm ... -plugin ./libinsn_windows.so,window=0x1a0:0x1c0,window=... -d plugin -D log
 *
 * A window is a pair of addresses (the entry of a "begin" and of an "end"
 * marker function, from arm-none-eabi-nm). Every time the begin marker runs,
 * the running total is noted; when the end marker runs, the difference is
 * added to the window. At exit: "window I: calls N insns X" per window and the
 * total. The count is per translation block (added when a block starts), so a
 * window is exact up to the few instructions of the marker blocks themselves.
 *
 * Per-op mode: split=ADDR (the entries of the runtime's op functions) cuts a
 * window at every split address it runs: segment S of the window starts at
 * the S-th split (segment 0 before the first) and ends at the next split or
 * the end marker. At exit, per segment: "window I segment S split J: insns X"
 * (J: the index of the split= argument that started it, -1 for segment 0),
 * summed over the window's calls.
 *
 * Profile mode: range=LO:HI (e.g. a function's address and end from
 * `arm-none-eabi-nm -S`) counts the instructions run in [LO, HI) over the
 * whole run: "range I: insns X" at exit; with range_segment=S only during
 * segment S of the windows (one op of the per-op mode, e.g. one layer).
 *
 * QEMU's plugin header is not packaged in Debian: the few API v1 declarations
 * used are written out here (C ABI of include/qemu/qemu-plugin.h).
 * Build (host gcc): gcc -shared -fPIC -O2 -o libinsn_windows.so insn_windows.c */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb*);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void* userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t, void*);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, qemu_plugin_vcpu_tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb*, enum qemu_plugin_op, void*, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn*, qemu_plugin_vcpu_udata_cb_t,
                                            enum qemu_plugin_cb_flags, void*);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb*);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb*, size_t);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn*);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, qemu_plugin_udata_cb_t, void*);
void qemu_plugin_outs(const char*);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define MAX_WINDOWS 8
#define MAX_SPLITS 32
#define MAX_SEGMENTS 64
struct window {
  uint64_t begin, end;  /* marker addresses */
  uint64_t started_at;  /* total when begin last ran */
  uint64_t calls, insns;
  uint64_t segment_insns[MAX_SEGMENTS];
  int segment_split[MAX_SEGMENTS];
};
static struct window windows[MAX_WINDOWS];
static int window_count;
static uint64_t splits[MAX_SPLITS];
static int split_count;
static uint64_t total; /* single vCPU board: no atomics needed */
#define MAX_RANGES 32
static uint64_t range_lo[MAX_RANGES], range_hi[MAX_RANGES], range_insns[MAX_RANGES];
static int range_count;
static int range_segment = -1;
/* Per translation block in range_segment mode: its instructions per range. */
struct tb_ranges {
  uint64_t inside[MAX_RANGES];
};
/* Per-op mode: the window running now, its current segment and where it began. */
static struct window* active;
static int segment, segment_split;
static uint64_t segment_start;

static void close_segment(void) {
  if (segment < MAX_SEGMENTS) {
    active->segment_insns[segment] += total - segment_start;
    active->segment_split[segment] = segment_split;
  }
  segment_start = total;
}

static void on_begin(unsigned int vcpu, void* w) {
  (void)vcpu;
  ((struct window*)w)->started_at = total;
  active = (struct window*)w;
  segment = 0;
  segment_split = -1;
  segment_start = total;
}

static void on_end(unsigned int vcpu, void* p) {
  (void)vcpu;
  struct window* w = (struct window*)p;
  w->insns += total - w->started_at;
  w->calls += 1;
  if (active == w && split_count > 0) close_segment();
  active = NULL;
}

static void on_split(unsigned int vcpu, void* p) {
  (void)vcpu;
  if (active == NULL) return;
  close_segment();
  ++segment;
  segment_split = (int)(intptr_t)p;
}

static void on_tb_ranges(unsigned int vcpu, void* p) {
  (void)vcpu;
  if (active == NULL || segment != range_segment) return;
  const struct tb_ranges* r = (const struct tb_ranges*)p;
  for (int k = 0; k < range_count; ++k) range_insns[k] += r->inside[k];
}

void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb*, qemu_plugin_vcpu_udata_cb_t,
                                          enum qemu_plugin_cb_flags, void*);

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
  struct tb_ranges* ranges = range_segment >= 0 && range_count > 0 ? calloc(1, sizeof *ranges) : NULL;
  for (int k = 0; k < range_count; ++k) {
    uint64_t inside = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t pc = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i));
      inside += pc >= range_lo[k] && pc < range_hi[k];
    }
    if (ranges != NULL)
      ranges->inside[k] = inside;
    else if (inside > 0)
      qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &range_insns[k], inside);
  }
  /* Translation blocks live as long as the run: so does their table. */
  if (ranges != NULL) qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_ranges, QEMU_PLUGIN_CB_NO_REGS, ranges);
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    /* Thumb: nm reports function addresses with bit 0 clear, as vaddr is. */
    const uint64_t pc = qemu_plugin_insn_vaddr(insn);
    for (int k = 0; k < window_count; ++k) {
      if (pc == windows[k].begin)
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, &windows[k]);
      if (pc == windows[k].end)
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, &windows[k]);
    }
    for (int k = 0; k < split_count; ++k)
      if (pc == splits[k])
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_split, QEMU_PLUGIN_CB_NO_REGS, (void*)(intptr_t)k);
  }
}

static void at_exit(qemu_plugin_id_t id, void* p) {
  (void)id;
  (void)p;
  char line[200];
  for (int k = 0; k < window_count; ++k) {
    snprintf(line, sizeof line, "window %d: calls %" PRIu64 " insns %" PRIu64 "\n", k, windows[k].calls,
             windows[k].insns);
    qemu_plugin_outs(line);
    for (int s = 0; s < MAX_SEGMENTS && split_count > 0; ++s) {
      if (windows[k].segment_insns[s] == 0) continue;
      snprintf(line, sizeof line, "window %d segment %d split %d: insns %" PRIu64 "\n", k, s,
               windows[k].segment_split[s], windows[k].segment_insns[s]);
      qemu_plugin_outs(line);
    }
  }
  for (int k = 0; k < range_count; ++k) {
    snprintf(line, sizeof line, "range %d: insns %" PRIu64 "\n", k, range_insns[k]);
    qemu_plugin_outs(line);
  }
  snprintf(line, sizeof line, "insns total: %" PRIu64 "\n", total);
  qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "split=", 6) == 0) {
      if (split_count == MAX_SPLITS) return -1;
      splits[split_count++] = strtoull(argv[i] + 6, NULL, 0);
      continue;
    }
    if (strncmp(argv[i], "range_segment=", 14) == 0) {
      range_segment = atoi(argv[i] + 14);
      continue;
    }
    if (strncmp(argv[i], "range=", 6) == 0) {
      char* colon = NULL;
      if (range_count == MAX_RANGES) return -1;
      range_lo[range_count] = strtoull(argv[i] + 6, &colon, 0);
      if (!colon || *colon != ':') return -1;
      range_hi[range_count++] = strtoull(colon + 1, NULL, 0);
      continue;
    }
    if (strncmp(argv[i], "window=", 7) != 0) continue;
    if (window_count == MAX_WINDOWS) return -1;
    char* colon = NULL;
    windows[window_count].begin = strtoull(argv[i] + 7, &colon, 0);
    if (!colon || *colon != ':') return -1;
    windows[window_count].end = strtoull(colon + 1, NULL, 0);
    ++window_count;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
