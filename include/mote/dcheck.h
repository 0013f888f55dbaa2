// MOTE_DCHECK(condition): a precondition checked only in debug builds (NDEBUG
// not defined), e.g. the argument contracts of the kernels, which release
// builds trust (callers validate at Plan time). With NDEBUG it compiles to
// nothing and `condition` is not evaluated. Freestanding-safe: a failed check
// calls the handler below, nothing else.
#pragma once

namespace mote {

// Called with the failed check's file, line and condition text.
using DCheckHandler = void (*)(const char* file, int line, const char* condition);

// Installs the handler every failed MOTE_DCHECK calls; null restores the
// default, which does not return: on a hosted build it prints the check to
// stderr and aborts, on a freestanding one it traps (a port that wants a
// message installs a handler that logs through mote_port_log and exits).
void SetDCheckHandler(DCheckHandler handler);

// What a failed MOTE_DCHECK calls. Returns only if the handler does (tests).
void DCheckFailed(const char* file, int line, const char* condition);

}  // namespace mote

#ifdef NDEBUG
// sizeof keeps the condition's names used without evaluating it.
#define MOTE_DCHECK(condition) ((void)sizeof(!(condition)))
#else
#define MOTE_DCHECK(condition) ((condition) ? (void)0 : ::mote::DCheckFailed(__FILE__, __LINE__, #condition))
#endif
