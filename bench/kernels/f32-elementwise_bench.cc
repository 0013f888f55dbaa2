// Every kernel of the elementwise section of include/mote/kernel_list.inc,
// registered from the list as "f32_<name>" (F32Add: f32_add), on an L1-sized
// vector and the conv3 activation (2450 x 80 floats). Arguments are made from
// the parameter types: n, then scalars from kScalars and arrays of n floats.
#include <ctype.h>
#include <stdio.h>

#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "bench/bench-util.h"

namespace mote_bench {
namespace {

// Scalars in parameter order (alpha; lo, hi): small enough that Axpy, run
// in place millions of times, stays finite.
const float kScalars[] = {-0.5f, 0.5f};

// "F32ClampBackward" -> "f32_clamp_backward".
std::string SnakeCase(const char* name) {
  std::string out;
  for (const char* p = name; *p; ++p) {
    if (isupper(static_cast<unsigned char>(*p)) && p != name) out += '_';
    out += char(tolower(static_cast<unsigned char>(*p)));
  }
  return out;
}

template <typename... Args>
void Register(const char* kernel_name, void (*kernel)(size_t, Args...), size_t n) {
  char name[32];
  snprintf(name, sizeof(name), "%zu", n);
  RegisterPerVariant(SnakeCase(kernel_name), name, [=](benchmark::State& state) {
    std::vector<std::vector<float>> arrays;
    size_t scalar = 0;
    // One array per pointer parameter (the output too: Axpy reads it).
    auto make = [&](auto type_tag) {
      using T = typename decltype(type_tag)::type;
      if constexpr (std::is_same<T, float>::value) {
        return kScalars[scalar++];
      } else {
        arrays.push_back(RandomVector(n, 5 + arrays.size()));
        return static_cast<T>(arrays.back().data());
      }
    };
    arrays.reserve(sizeof...(Args));
    const std::tuple<size_t, Args...> call{n, make(std::common_type<Args>())...};
    for (auto _ : state) {
      std::apply(kernel, call);
      benchmark::DoNotOptimize(arrays.back().data());
      benchmark::ClobberMemory();
    }
    SetBytes(state, double(arrays.size()) * double(n) * sizeof(float));
  });
}

}  // namespace

void RegisterElementwiseBenchmarks() {
  for (size_t n : {size_t(4096), size_t(2450 * 80)}) {
#define MOTE_KERNEL_FAMILY(family) MOTE_KERNEL_FAMILY_IS_##family
#define MOTE_KERNEL_FAMILY_IS_f32_elementwise 1
#define MOTE_KERNEL(ret, name, params, args) Register(#name, &mote::kernels::name, n);
#include "mote/kernel_list.inc"
  }
}

}  // namespace mote_bench
