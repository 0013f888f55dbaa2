// Cortex-M startup shared by every port: vector table, reset handler (FPU and,
// on the M55, MVE on; .data copy, .bss clear, C++ constructors), fault handler.
// No CMSIS. The TrustZone boards (M33, M55) start in the secure state and stay
// there: everything is linked at the secure aliases (the port's linker
// script), so nothing else differs.
// Build with -fno-tree-loop-distribute-patterns: the copy loops run before
// anything else and must not become calls to memcpy/memset.
#include <stdint.h>

#include "mote_port.h"
#include "semihost.h"

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);

__attribute__((noreturn)) void Reset_Handler(void) {
#if defined(__ARM_FP)
  // CPACR: full access to CP10/CP11 (the FPU, and MVE on Armv8.1-M) before the
  // first floating-point or vector instruction. In the secure state this is
  // the secure CPACR, which is all a secure-only firmware needs.
  *(volatile uint32_t*)0xE000ED88u |= (0xFu << 20);
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (uint32_t *s = &__data_load, *d = &__data_start; d < &__data_end;) *d++ = *s++;
  for (uint32_t* d = &__bss_start; d < &__bss_end;) *d++ = 0;
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
  mote_port_exit(main());
}

// Every fault ends the run with status 100 so a test never hangs on a crash.
__attribute__((noreturn)) static void Fault_Handler(void) {
  sh_puts("\n*** fault (HardFault/MemManage/BusFault/UsageFault/NMI)\n");
  sh_exit(100);
}

__attribute__((noreturn)) static void Unused_Handler(void) {
  sh_puts("\n*** unexpected exception\n");
  sh_exit(101);
}

// 16 system exceptions; the board's IRQs are unused.
__attribute__((section(".vectors"), used)) void* const g_vectors[16] = {
    (void*)&__stack_top,
    (void*)Reset_Handler,
    (void*)Fault_Handler,   // NMI
    (void*)Fault_Handler,   // HardFault
    (void*)Fault_Handler,   // MemManage
    (void*)Fault_Handler,   // BusFault
    (void*)Fault_Handler,   // UsageFault
    0, 0, 0, 0,             // reserved
    (void*)Unused_Handler,  // SVCall
    (void*)Unused_Handler,  // DebugMon
    0,                      // reserved
    (void*)Unused_Handler,  // PendSV
    (void*)Unused_Handler,  // SysTick
};
