// mote port for Arm's MPS2 / MPS3 FPGA boards as emulated by QEMU (every
// Cortex-M port): console over semihosting, time from the board's FPGAIO
// counter, and the few libc functions GCC may emit calls to (the firmware
// links without a libc; fmaf is in fmaf.c). The counter's address and rate
// come from the port's cross file (ports/cortex-m/meson.build passes them as
// MOTE_PORT_COUNTER_ADDRESS and MOTE_PORT_TICKS_PER_US).
// Build with -fno-tree-loop-distribute-patterns, or GCC turns the loops below
// into calls to memset/memcpy themselves.
#include <stddef.h>
#include <stdint.h>

#include "mote_port.h"
#include "semihost.h"

// FPGAIO COUNTER: free-running 32-bit counter (25 MHz on the MPS2 boards,
// 20 MHz on the TrustZone ones, read through the secure alias there).
#if !defined(MOTE_PORT_COUNTER_ADDRESS) || !defined(MOTE_PORT_TICKS_PER_US)
#error "MOTE_PORT_COUNTER_ADDRESS and MOTE_PORT_TICKS_PER_US come from the port's cross file"
#endif
#define MPS2_FPGAIO_COUNTER (*(volatile uint32_t*)MOTE_PORT_COUNTER_ADDRESS)
#define MPS2_TICKS_PER_US MOTE_PORT_TICKS_PER_US

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

// ---- storage and reset -------------------------------------------------------
// The storage page is the last 4 KiB of the FLASH region (sections.ld keeps
// every loaded section out of it, so neither QEMU's image loader nor a reset
// touches it). On the MPS2 / MPS3 boards that memory is SRAM acting as flash,
// so "programming" is a store; a port for a real flash part erases and
// programs the page through its flash controller here instead.
extern uint8_t __mote_storage_start[], __mote_storage_end[];

uint32_t mote_port_storage_bytes(void) { return (uint32_t)(__mote_storage_end - __mote_storage_start); }

int mote_port_storage_write(const void* data, uint32_t len) {
  if (len > mote_port_storage_bytes()) return -1;
  volatile uint8_t* page = __mote_storage_start;
  const uint8_t* d = (const uint8_t*)data;
  for (uint32_t i = 0; i < mote_port_storage_bytes(); ++i) page[i] = 0xFF;  // erase
  for (uint32_t i = 0; i < len; ++i) page[i] = d[i];                       // program
  return 0;
}

int mote_port_storage_read(void* data, uint32_t len) {
  if (len > mote_port_storage_bytes()) return -1;
  const volatile uint8_t* page = __mote_storage_start;
  uint8_t* d = (uint8_t*)data;
  for (uint32_t i = 0; i < len; ++i) d[i] = page[i];
  return 0;
}

void mote_port_reset(void) {
  // SCB->AIRCR: VECTKEY 0x05FA and SYSRESETREQ. QEMU resets the machine
  // (the next boot runs Reset_Handler again); it does not clear memory.
  __asm__ volatile("dsb" ::: "memory");
  *(volatile uint32_t*)0xE000ED0Cu = 0x05FA0004u;
  __asm__ volatile("dsb" ::: "memory");
  // The reset takes effect within a few instructions; a board that ignores
  // the request must not hang a test.
  for (volatile uint32_t spin = 0; spin < 1000000u; ++spin) {
  }
  sh_puts("\n*** reset request ignored\n");
  sh_exit(102);
}

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

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (; n; --n, ++x, ++y)
    if (*x != *y) return *x < *y ? -1 : 1;
  return 0;
}
