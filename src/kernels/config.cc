// The one place that decides which backend the kernels run.
// Tables are constant-initialised (no static constructors, so this file also
// builds for the freestanding MCU subset). On a hosted build the first kernel
// call reads MOTE_BACKEND; otherwise the best available backend wins
// (hwy, then xsimd, then scalar).
#include "src/kernels/kernel-table.h"

#if MOTE_HOSTED
#include <stdlib.h>
#include <string.h>
#endif

namespace mote {
namespace kernels {
namespace {

constexpr KernelTable ScalarKernels() {
  KernelTable table{};
#define MOTE_TABLE_BACKEND scalar_backend
#include "src/kernels/kernel-table-fill.inc"
  table.target = "scalar";
  return table;
}
constexpr KernelTable kScalarTable = ScalarKernels();
#if MOTE_HAVE_HWY
constexpr KernelTable HwyKernels() {
  KernelTable table{};
#define MOTE_TABLE_BACKEND hwy_backend
#include "src/kernels/kernel-table-fill.inc"
  table.target = "hwy";
  return table;
}
constexpr KernelTable kHwyTable = HwyKernels();
#endif

const KernelTable* g_active = nullptr;
Backend g_active_backend = Backend::kScalar;

const KernelTable* TableOf(Backend backend) {
  switch (backend) {
    case Backend::kScalar: return ScalarTable();
    case Backend::kHwy: return HwyTable();
    case Backend::kXsimd: return XsimdTable();
  }
  return nullptr;
}

void ChooseDefault() {
#if MOTE_HOSTED
  const char* env = getenv("MOTE_BACKEND");
  Backend wanted;
  if (env != nullptr && *env != '\0' && ParseBackend(env, &wanted).ok() && SetBackend(wanted).ok()) return;
#endif
  const Backend preference[] = {Backend::kHwy, Backend::kXsimd, Backend::kScalar};
  for (Backend b : preference)
    if (SetBackend(b).ok()) return;
}

}  // namespace

const KernelTable* ScalarTable() { return &kScalarTable; }
const KernelTable* HwyTable() {
#if MOTE_HAVE_HWY
  return &kHwyTable;
#else
  return nullptr;
#endif
}
#if !MOTE_HAVE_XSIMD
const KernelTable* XsimdTable() { return nullptr; }
#endif

const KernelTable& Active() {
  if (g_active == nullptr) ChooseDefault();
  return *g_active;
}

}  // namespace kernels

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kScalar: return "scalar";
    case Backend::kHwy: return "hwy";
    case Backend::kXsimd: return "xsimd";
  }
  return "unknown";
}

Status ParseBackend(const char* name, Backend* out) {
  if (name == nullptr || out == nullptr) return InvalidArgument("backend: null name or output");
  for (int i = 0; i < kBackendCount; ++i) {
    const char* candidate = BackendName(Backend(i));
    size_t j = 0;
    while (candidate[j] != '\0' && candidate[j] == name[j]) ++j;
    if (candidate[j] == '\0' && name[j] == '\0') {
      *out = Backend(i);
      return Status::Ok();
    }
  }
  return InvalidArgument("backend: unknown name (expected scalar, hwy or xsimd)");
}

bool BackendAvailable(Backend backend) { return kernels::TableOf(backend) != nullptr; }

Status SetBackend(Backend backend) {
  const kernels::KernelTable* table = kernels::TableOf(backend);
  if (table == nullptr) return Unsupported("backend: not built into this binary or not supported by this CPU");
  kernels::g_active = table;
  kernels::g_active_backend = backend;
  return Status::Ok();
}

Backend ActiveBackend() {
  (void)kernels::Active();
  return kernels::g_active_backend;
}

#if !MOTE_HAVE_XSIMD
size_t XsimdAvailableArchs(const char** names, size_t capacity) {
  (void)names;
  (void)capacity;
  return 0;
}
Status SelectXsimdArch(const char* name) {
  return name == nullptr ? Status::Ok() : Unsupported("xsimd: not built into this binary");
}
#endif
#if !MOTE_HAVE_HWY
size_t HwyAvailableTargets(int64_t* targets, size_t capacity) {
  (void)targets;
  (void)capacity;
  return 0;
}
const char* HwyTargetName(int64_t target) {
  (void)target;
  return "none";
}
Status RestrictHwyTargets(int64_t targets) {
  return targets == 0 ? Status::Ok() : Unsupported("hwy: not built into this binary");
}
#endif

const char* BackendTarget(Backend backend) {
#if MOTE_HAVE_HWY
  if (backend == Backend::kHwy) return kernels::hwy_backend::ChosenTargetName();
#endif
  const kernels::KernelTable* table = kernels::TableOf(backend);
  return table ? table->target : "unavailable";
}

}  // namespace mote
