// The port interface: the only functions a board has to provide to mote's
// freestanding runtime (ports/cortex-m/port.c for the Cortex-M ports). C linkage, callable from C++.
#ifndef MOTE_PORTS_MOTE_PORT_H_
#define MOTE_PORTS_MOTE_PORT_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Board bring-up beyond the reset handler (timers, console). Call once.
void mote_port_init(void);
// Writes a NUL-terminated string to the board's console (no newline added).
void mote_port_log(const char* message);
// Microseconds since mote_port_init; monotonic, wraps after 2^64.
// Call at least once every ~170 s (the 20-25 MHz hardware counter is 32 bits).
uint64_t mote_port_time_us(void);
// Raw board tick counter (25 MHz on MPS2, 20 MHz on the TrustZone boards; 32 bits,
// wraps). Under QEMU `-icount shift=N` one tick is a fixed number of guest
// instructions, so differences are deterministic work counts.
uint32_t mote_port_ticks(void);
// Ends the program (semihosting exit under QEMU; a breakpoint loop on hardware).
__attribute__((noreturn)) void mote_port_exit(int status);

#ifdef __cplusplus
}
#endif
#endif  // MOTE_PORTS_MOTE_PORT_H_
