// mote port for the Arm MPS2 AN386 board (Cortex-M4F) as emulated by QEMU:
// console over semihosting, time from the FPGAIO 25 MHz counter, and the few
// libc functions GCC may emit calls to (the firmware links without a libc).
// Build with -fno-tree-loop-distribute-patterns, or GCC turns the loops below
// into calls to memset/memcpy themselves.
#include <stddef.h>
#include <stdint.h>

#include "mote_port.h"
#include "semihost.h"

// FPGAIO COUNTER: free-running 32-bit counter at the 25 MHz system clock.
#define MPS2_FPGAIO_COUNTER (*(volatile uint32_t*)0x40028018u)
#define MPS2_TICKS_PER_US 25u

static uint32_t g_last_ticks;
static uint64_t g_ticks_high;  // ticks counted before g_last_ticks, in 2^32 units

void mote_port_init(void) {
  g_last_ticks = MPS2_FPGAIO_COUNTER;
  g_ticks_high = 0;
}

void mote_port_log(const char* message) { sh_puts(message); }

uint32_t mote_port_ticks(void) { return MPS2_FPGAIO_COUNTER; }

uint64_t mote_port_time_us(void) {
  const uint32_t now = MPS2_FPGAIO_COUNTER;
  if (now < g_last_ticks) g_ticks_high += 1;  // wrapped (every ~171 s)
  g_last_ticks = now;
  return ((g_ticks_high << 32) | now) / MPS2_TICKS_PER_US;
}

void mote_port_exit(int status) { sh_exit(status); }

// ---- libc subset -------------------------------------------------------------
// Byte loops keep these tiny; the kernels never copy bulk data through them.
void* memcpy(void* restrict dst, const void* restrict src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  while (n--) *d++ = (unsigned char)value;
  return dst;
}

// sqrt for double: the FPv4-SP FPU has only a single-precision square root, so
// GCC turns __builtin_sqrt (mote::SqrtD, used by Rng::Normal) into a call.
// Correctly rounded (bit-by-bit restoring square root, round to nearest even),
// so results match hardware sqrt on the host bit for bit.
double sqrt(double x) {
  uint64_t u;
  __builtin_memcpy(&u, &x, sizeof u);
  const int biased = (int)((u >> 52) & 0x7ff);
  if (biased == 0x7ff || (u << 1) == 0) return x;  // NaN, +-inf, +-0 (sqrt(-inf) below)
  if (u >> 63) return (x - x) / (x - x);          // negative: NaN
  uint64_t m = u & ((1ull << 52) - 1);
  int e;  // x = m * 2^e with m in [2^52, 2^53)
  if (biased == 0) {
    e = 1 - 1075;
    while (!(m & (1ull << 52))) m <<= 1, --e;  // subnormal: normalise
  } else {
    m |= 1ull << 52;
    e = biased - 1075;
  }
  if (e & 1) m <<= 1, --e;  // even exponent; m in [2^52, 2^54)
  // q = floor(sqrt(m * 2^54)), 54 bits (53 + a guard bit); r = the remainder.
  uint64_t q = 0, r = 0;
  for (int i = 53; i >= 0; --i) {
    const int shift = 2 * i - 54;
    r = (r << 2) | (shift >= 0 ? (m >> shift) & 3u : 0u);
    const uint64_t t = (q << 2) | 1u;
    q <<= 1;
    if (r >= t) {
      r -= t;
      q |= 1u;
    }
  }
  const uint64_t guard = q & 1u;
  q >>= 1;                                       // 53 bits: [2^52, 2^53)
  if (guard && (r != 0 || (q & 1u))) q += 1;     // nearest, ties to even
  // sqrt(x) = q * 2^((e - 52) / 2); adding q (with its implicit bit) to the
  // exponent field carries into it when rounding reached 2^53.
  const int64_t result_biased = (e - 52) / 2 + 52 + 1023;
  const uint64_t bits = ((uint64_t)(result_biased - 1) << 52) + q;
  double y;
  __builtin_memcpy(&y, &bits, sizeof y);
  return y;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (; n; --n, ++x, ++y)
    if (*x != *y) return *x < *y ? -1 : 1;
  return 0;
}
