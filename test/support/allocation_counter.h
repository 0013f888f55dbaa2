// Counts heap allocations made by this process, to prove that code under test
// allocates nothing. Link test/support/allocation_counter.cc into the test
// binary: it replaces malloc/calloc/realloc/aligned allocation and the global
// operator new family with counting versions (forwarding to glibc), or, under
// AddressSanitizer (whose allocator must stay in charge), counts through the
// sanitizer's malloc hook.
#pragma once
#include <cstddef>

namespace mote {
namespace testing {

// Allocations since process start (malloc, calloc, realloc, posix_memalign,
// aligned_alloc, operator new and new[] in every form).
size_t AllocationCount();

// Counts the allocations made inside one scope.
class AllocationScope {
 public:
  AllocationScope() : start_(AllocationCount()) {}
  size_t count() const { return AllocationCount() - start_; }

 private:
  size_t start_;
};

}  // namespace testing
}  // namespace mote
