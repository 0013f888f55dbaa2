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

// Non-volatile storage (a flash page) that keeps its bytes across resets and
// power cycles, e.g. for the tuned tail of on-device learning
// (mote_rt_save_tail_record / mote_rt_load_tail_record, whose CRCs make a
// torn or stale record harmless). mote_port_storage_bytes is its size.
// write erases the page and programs bytes [0, len); read copies [0, len).
// Both return 0, or -1 when len exceeds the page (then nothing happens).
// An erased page reads 0xFF.
uint32_t mote_port_storage_bytes(void);
int mote_port_storage_write(const void* data, uint32_t len);
int mote_port_storage_read(void* data, uint32_t len);
// Resets the core and the board (SYSRESETREQ); RAM contents are not kept,
// the storage page is.
__attribute__((noreturn)) void mote_port_reset(void);

#ifdef __cplusplus
}
#endif
#endif  // MOTE_PORTS_MOTE_PORT_H_
