// Highway target queries and restriction behind mote::HwyAvailableTargets etc.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/hwy-targets.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
const char* TargetNameImpl() { return hwy::TargetName(HWY_TARGET); }
}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(TargetNameImpl);
namespace hwy_backend {
const char* ChosenTargetName() { return HWY_DYNAMIC_DISPATCH(TargetNameImpl)(); }
}  // namespace hwy_backend
}  // namespace kernels

namespace kernels {
int64_t HwyDetectedTargets();  // hwy-runtime.cc
}

size_t HwyAvailableTargets(int64_t* targets, size_t capacity) {
  size_t count = 0;
  for (int64_t bits = kernels::HwyDetectedTargets() & HWY_TARGETS; bits != 0; bits &= bits - 1) {
    if (count < capacity) targets[count] = bits & ~(bits - 1);
    ++count;
  }
  return count;
}

const char* HwyTargetName(int64_t target) { return hwy::TargetName(target); }

Status RestrictHwyTargets(int64_t targets) {
  hwy::SetSupportedTargetsForTest(0);
  if (targets == 0) return Status::Ok();
  const int64_t available = kernels::HwyDetectedTargets() & HWY_TARGETS;
  if ((targets & available) == 0) return Unsupported("hwy: none of the requested targets is available");
  hwy::SetSupportedTargetsForTest(targets & available);
  return Status::Ok();
}

}  // namespace mote
#endif  // HWY_ONCE
