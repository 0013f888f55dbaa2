// Status values returned by every mote call that can fail (no exceptions).
// A Status is a code plus a pointer to a static, NUL-terminated message; it never
// owns memory, so creating and copying one never allocates.
#pragma once
#include <stdint.h>

namespace mote {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,  // a bad value: null pointer, zero size, unknown name
  kShapeMismatch,    // tensors whose shapes do not fit together
  kOutOfMemory,      // an arena or caller buffer is too small
  kOutOfRange,       // an index or offset beyond its bounds
  kUnsupported,      // valid request that this build or CPU cannot serve
  kIoError,          // a file could not be opened, read or written
  kCorruptData,      // a file or buffer whose content is malformed
  kInternal,         // a broken invariant inside mote (a bug)
};

// Short name of a code, e.g. "out of memory".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  constexpr Status(StatusCode code, const char* message) : code_(code), message_(message) {}

  static constexpr Status Ok() { return Status(); }

  constexpr bool ok() const { return code_ == StatusCode::kOk; }
  constexpr StatusCode code() const { return code_; }
  // Never null; "ok" for a success.
  constexpr const char* message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  const char* message_ = "ok";
};

inline Status InvalidArgument(const char* message) { return {StatusCode::kInvalidArgument, message}; }
inline Status ShapeMismatch(const char* message) { return {StatusCode::kShapeMismatch, message}; }
inline Status OutOfMemory(const char* message) { return {StatusCode::kOutOfMemory, message}; }
inline Status OutOfRange(const char* message) { return {StatusCode::kOutOfRange, message}; }
inline Status Unsupported(const char* message) { return {StatusCode::kUnsupported, message}; }
inline Status IoError(const char* message) { return {StatusCode::kIoError, message}; }
inline Status CorruptData(const char* message) { return {StatusCode::kCorruptData, message}; }

}  // namespace mote

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define MOTE_TRY(expr)                                 \
  do {                                                 \
    const ::mote::Status mote_try_status_ = (expr);    \
    if (!mote_try_status_.ok()) return mote_try_status_; \
  } while (0)
