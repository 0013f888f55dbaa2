// Internal to src/train: whole-file reads and atomic writes, shared by
// checkpoints and model files.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/status.h"

namespace mote {
namespace file_io {

// The bytes of `path`. kIoError when it cannot be opened or read.
Status ReadFile(const std::string& path, std::vector<uint8_t>* bytes);

// Writes `bytes` to a new, uniquely named file beside `path`
// ("<path>.tmp-<random>", created exclusively, so never through a symlink),
// fsyncs it, renames it over `path` and fsyncs the directory: a crash leaves
// the old or the new file, never a torn one. kIoError on failure (the
// temporary file is removed).
Status WriteFileAtomically(const std::string& path, const uint8_t* bytes, size_t size);

}  // namespace file_io
}  // namespace mote
