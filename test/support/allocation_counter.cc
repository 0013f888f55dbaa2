#include "allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

// Under AddressSanitizer malloc belongs to the sanitizer: replacing it (and
// forwarding to glibc) mixes two allocators and crashes. There the sanitizer
// allocator reports every allocation to a hook instead.
#if defined(__SANITIZE_ADDRESS__)
#define MOTE_COUNT_THROUGH_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOTE_COUNT_THROUGH_SANITIZER 1
#endif
#endif

namespace {
std::atomic<size_t> g_allocations{0};
}

namespace mote {
namespace testing {
size_t AllocationCount() { return g_allocations.load(); }
}  // namespace testing
}  // namespace mote

#ifdef MOTE_COUNT_THROUGH_SANITIZER

// From <sanitizer/allocator_interface.h> (GCC does not install the header).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                                         void (*free_hook)(const volatile void*));

namespace {
// Called for malloc, calloc, realloc, aligned allocation and every operator new.
void CountAllocation(const volatile void*, size_t) { g_allocations.fetch_add(1); }
void IgnoreFree(const volatile void*) {}
// Before main, so every scope a test opens is counted.
[[maybe_unused]] const int g_hooks = __sanitizer_install_malloc_and_free_hooks(CountAllocation, IgnoreFree);
}  // namespace

#else  // replace the allocation functions, forwarding to glibc

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);
}

extern "C" {
void* malloc(size_t size) {
  g_allocations.fetch_add(1);
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  g_allocations.fetch_add(1);
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  g_allocations.fetch_add(1);
  return __libc_realloc(p, size);
}
void free(void* p) { __libc_free(p); }
int posix_memalign(void** out, size_t alignment, size_t size) {
  g_allocations.fetch_add(1);
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void* aligned_alloc(size_t alignment, size_t size) {
  g_allocations.fetch_add(1);
  return __libc_memalign(alignment, size);
}
}

// operator new goes through malloc in libstdc++, but replace it too so a
// libstdc++ built differently is still counted (exactly once).
void* operator new(size_t size) {
  void* p = __libc_malloc(size ? size : 1);
  if (p == nullptr) std::abort();
  g_allocations.fetch_add(1);
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1);
  return __libc_malloc(size ? size : 1);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return operator new(size, std::nothrow); }
void* operator new(size_t size, std::align_val_t align) {
  void* p = __libc_memalign(static_cast<size_t>(align), size ? size : 1);
  if (p == nullptr) std::abort();
  g_allocations.fetch_add(1);
  return p;
}
void* operator new[](size_t size, std::align_val_t align) { return operator new(size, align); }
void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, size_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { __libc_free(p); }

#endif  // MOTE_COUNT_THROUGH_SANITIZER
