#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

namespace {
constexpr KernelTable Kernels() {
  KernelTable table{};
#define MOTE_TABLE_BACKEND MOTE_XSIMD_NS
#include "src/kernels/kernel-table-fill.inc"
  table.target = Arch::name();
  return table;
}
}  // namespace

const KernelTable* Table() {
  static constexpr KernelTable kTable = Kernels();
  return &kTable;
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
