// Checkpoints: a model's parameters, layer state (batchnorm moving
// averages), optimizer state, step count and RNG state, plus the caller's
// epoch, in one file, and (since format version 2) the model description:
// the model file text (include/mote/model_file.h) that rebuilds the model,
// so a checkpoint alone is enough to evaluate, predict or export.
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
// floats), the three float arrays, (version 2) u32 bytes of the model
// description text and the text (0 bytes: none), and a u32 CRC-32 of
// everything before it. Version 1 files (no description) still load with
// LoadCheckpoint.
#pragma once
#include <stdint.h>

#include <string>

#include "mote/model.h"
#include "mote/model_file.h"

namespace mote {

// `description`: the model file text stored with the weights; when null,
// DescribeModel(model) is stored if the model can be described (else none).
// Errors: kInvalidArgument (model not prepared, or a NaN or infinite
// parameter, state or optimizer value), kIoError (cannot create, write, sync
// or rename).
Status SaveCheckpoint(Model& model, const std::string& path, uint64_t epoch = 0,
                      const ModelDescription* description = nullptr);

// Errors: kIoError (missing / unreadable file), kCorruptData (wrong magic,
// unknown version, truncated, CRC mismatch, inconsistent sizes),
// kShapeMismatch (the file was written by a model with another parameter
// layout or optimizer), kInvalidArgument (model not prepared). On any error
// the model is unchanged. `epoch` (may be null) receives the saved epoch.
Status LoadCheckpoint(Model& model, const std::string& path, uint64_t* epoch = nullptr);

// A self-describing checkpoint -> an empty `model` built (BuildModel) from
// the description it carries, with its weights, state, optimizer state and
// step loaded; *description receives the description (its source name is
// "<path>:description"). Errors as LoadCheckpoint, and kInvalidArgument for a
// checkpoint without a description (written by an older mote) or a model
// that is not empty. Use the model only after an OK.
Status LoadCheckpointModel(const std::string& path, Model* model, ModelDescription* description,
                           uint64_t* epoch = nullptr);

}  // namespace mote
