/* LD_PRELOAD shim for bench/compare-commits.sh: every malloc / calloc /
 * realloc result 64-byte aligned. Without it the alignment of a benchmark's
 * std::vector buffers follows the heap history of the whole process, which
 * differs between two builds (other registrations, other allocations): the
 * same kernel code measured 1.3-1.6x apart on AVX-512 (a zmm load from a
 * 16-byte aligned address splits a cache line). Built with -fno-builtin:
 * GCC would turn malloc + memset in calloc into a call to calloc itself. */
#include <malloc.h>
#include <stddef.h>
#include <string.h>

extern void* __libc_memalign(size_t alignment, size_t n);
extern void __libc_free(void* p);

void* malloc(size_t n) { return __libc_memalign(64, n ? n : 1); }
void free(void* p) { __libc_free(p); }
void* calloc(size_t a, size_t b) {
  if (b != 0 && a > (size_t)-1 / b) return NULL;
  void* p = malloc(a * b);
  if (p) memset(p, 0, a * b);
  return p;
}
void* realloc(void* p, size_t n) {
  if (!p) return malloc(n);
  if (!n) {
    free(p);
    return NULL;
  }
  size_t old = malloc_usable_size(p);
  void* q = malloc(n);
  if (q) {
    memcpy(q, p, old < n ? old : n);
    free(p);
  }
  return q;
}
