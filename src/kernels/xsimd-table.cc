#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

const KernelTable* Table() {
  static constexpr KernelTable kTable = MOTE_KERNEL_TABLE(MOTE_XSIMD_NS, Arch::name());
  return &kTable;
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
