// Arm semihosting calls (QEMU: -semihosting-config enable=on,target=native).
// Header-only; C and C++. QEMU writes the console output to its stderr.
#ifndef MOTE_PORTS_CORTEX_M_SEMIHOST_H_
#define MOTE_PORTS_CORTEX_M_SEMIHOST_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  SH_SYS_WRITE0 = 0x04,         // r1 = NUL-terminated string
  SH_SYS_CLOCK = 0x10,          // centiseconds since start (host time)
  SH_SYS_EXIT = 0x18,
  SH_SYS_EXIT_EXTENDED = 0x20,  // semihosting v2: exit with a status code
};

static inline uint32_t sh_call(uint32_t op, const void* arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static inline void sh_puts(const char* s) { sh_call(SH_SYS_WRITE0, s); }

// Ends the QEMU process with exit status `code`.
__attribute__((noreturn)) static inline void sh_exit(int code) {
  const uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)code};
  sh_call(SH_SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

#ifdef __cplusplus
}
#endif
#endif  // MOTE_PORTS_CORTEX_M_SEMIHOST_H_
