// Shapes shared by the F32DenseRows and I8DenseRows tests: odd m, n, k around
// SIMD widths and register blocks, some strides larger than k and n.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace mote {
namespace testing {

struct RowsShape {
  size_t m, n, k, lda, ldw, ldc;
};

inline std::string Describe(const RowsShape& s) {
  return "m " + std::to_string(s.m) + " n " + std::to_string(s.n) + " k " + std::to_string(s.k) + " lda " +
         std::to_string(s.lda) + " ldw " + std::to_string(s.ldw) + " ldc " + std::to_string(s.ldc);
}

inline std::vector<RowsShape> RowsShapes() {
  std::vector<RowsShape> shapes;
  for (size_t m : {1, 3, 17})
    for (size_t n : {1, 3, 4, 5, 17, 63})
      for (size_t k : {1, 3, 17, 63, 64, 65, 1000}) {
        const size_t pad = (m + n + k) % 3;  // strides > k and > n on some shapes
        shapes.push_back({m, n, k, k + pad, k + 2 * pad, n + pad});
      }
  shapes.push_back({32, 80, 250, 250, 250, 80});  // a seed-network conv tile
  shapes.push_back({10, 17, 65, 67, 65, 19});     // 6-row blocks and a block of 4 rows
  shapes.push_back({4, 6, 129, 129, 130, 6});
  return shapes;
}

}  // namespace testing
}  // namespace mote
