// Checkpoints: a model's parameters, layer state (batchnorm moving
// averages), optimizer state, step count and RNG state, plus the caller's
// epoch, in one file.
//
// Writing is atomic: the bytes go to a new, uniquely named file beside it
// ("<path>.tmp-<random>", created exclusively, so never through a symlink),
// are fsync'ed, then renamed over <path> and the directory is fsync'ed, so a
// crash leaves either the old or the new file, never a torn one. A model
// with a NaN or infinite value is not saved (kInvalidArgument). Loading validates everything (magic, version, size,
// CRC-32, the model's parameter layout and optimizer) before it changes the
// model, so a bad file never leaves a half-loaded model. Resuming from a
// checkpoint continues bit for bit as if training had not stopped.
//
// Format (little-endian): "MOTECKPT", u32 version, u32 header bytes, then the
// header (u64 step, u64 epoch, RNG state, optimizer type, one (name, elements)
// entry per parameter tensor, u64 counts of parameter / state / optimizer
// floats), the three float arrays, and a u32 CRC-32 of everything before it.
#pragma once
#include <stdint.h>

#include <string>

#include "mote/model.h"

namespace mote {

// Errors: kInvalidArgument (model not prepared, or a NaN or infinite
// parameter, state or optimizer value), kIoError (cannot create, write, sync
// or rename).
Status SaveCheckpoint(Model& model, const std::string& path, uint64_t epoch = 0);

// Errors: kIoError (missing / unreadable file), kCorruptData (wrong magic,
// unknown version, truncated, CRC mismatch, inconsistent sizes),
// kShapeMismatch (the file was written by a model with another parameter
// layout or optimizer), kInvalidArgument (model not prepared). On any error
// the model is unchanged. `epoch` (may be null) receives the saved epoch.
Status LoadCheckpoint(Model& model, const std::string& path, uint64_t* epoch = nullptr);

}  // namespace mote
