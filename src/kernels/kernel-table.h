// Internal: the per-backend kernel tables behind include/mote/kernels.h, all
// generated from the one kernel list (include/mote/kernel_list.inc). Each
// backend implements every kernel in its own namespace; config.cc picks the
// table the public functions (kernels.cc) forward to.
#pragma once
#include "mote/kernels.h"

namespace mote {
namespace kernels {

// Every kernel, the scalar-only ones included: the portable reference.
namespace scalar_backend {
#define MOTE_KERNEL(ret, name, params, args) ret name params;
#include "mote/kernel_list.inc"
}  // namespace scalar_backend

// A SIMD backend declares the kernels it implements itself (all but the
// scalar-only ones) with
//   #define MOTE_KERNEL(ret, name, params, args) ret name params;
//   #define MOTE_SCALAR_ONLY_KERNEL(ret, name, params, args)
//   #include "mote/kernel_list.inc"
// inside its namespace.
namespace hwy_backend {
#define MOTE_KERNEL(ret, name, params, args) ret name params;
#define MOTE_SCALAR_ONLY_KERNEL(ret, name, params, args)
#include "mote/kernel_list.inc"
// Name of the Highway target the dispatcher picks now (e.g. "AVX3").
const char* ChosenTargetName();
}  // namespace hwy_backend

// One pointer per kernel, named after it and typed from the list, so a table
// is filled by name: a function of another signature in a slot does not
// compile, and two kernels sharing a signature cannot swap places.
struct KernelTable {
#define MOTE_KERNEL(ret, name, params, args) ret(*name) params = nullptr;
#include "mote/kernel_list.inc"
  // Instruction set the table runs, e.g. "scalar", "avx512bw"; for Highway
  // the chosen target is asked at run time instead.
  const char* target = nullptr;
};

// The body of a constexpr function filling KernelTable `table` from backend
// namespace `ns`, scalar-only kernels from scalar_backend:
//   constexpr KernelTable MakeTable() {
//     KernelTable table{};
//     #define MOTE_TABLE_BACKEND ns
//     #include "src/kernels/kernel-table-fill.inc"
//     table.target = "...";
//     return table;
//   }
// (an include, not a macro, because the list is one).

// Table of a backend, or null when it is not built or the CPU lacks it.
const KernelTable* ScalarTable();
const KernelTable* HwyTable();
const KernelTable* XsimdTable();

// The table every public kernel forwards to.
const KernelTable& Active();

// Whether `args` ("(n, a, b, y)") names the parameters of `params`
// ("(size_t n, const float* a, ...)") one by one, in order: a forwarder
// generated from a list entry passes its arguments on by those names, so a
// swapped pair would otherwise compile (kernels.cc checks every entry).
constexpr bool IsIdentifierChar(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool ArgumentsNameParameters(const char* params, const char* args) {
  if (params[1] == ')' || args[1] == ')') return params[1] == args[1];  // "()": no parameters
  size_t p = 1, a = 1;  // past the '('
  for (;;) {
    size_t p_end = p;
    while (params[p_end] != ',' && params[p_end] != ')') ++p_end;
    size_t name_end = p_end;
    while (name_end > p && params[name_end - 1] == ' ') --name_end;
    size_t name = name_end;
    while (name > p && IsIdentifierChar(params[name - 1])) --name;
    while (args[a] == ' ') ++a;
    size_t a_end = a;
    while (args[a_end] != ',' && args[a_end] != ')') ++a_end;
    size_t arg_end = a_end;
    while (arg_end > a && args[arg_end - 1] == ' ') --arg_end;
    if (arg_end - a != name_end - name || name == name_end) return false;
    for (size_t i = 0; i < arg_end - a; ++i)
      if (params[name + i] != args[a + i]) return false;
    if ((params[p_end] == ')') != (args[a_end] == ')')) return false;
    if (params[p_end] == ')') return true;
    p = p_end + 1;
    a = a_end + 1;
  }
}

}  // namespace kernels
}  // namespace mote
