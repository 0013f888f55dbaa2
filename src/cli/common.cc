// Helpers every `mote` command shares: error reporting, files, JSON lines,
// and loading a trained model from a checkpoint.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"

namespace mote_cli {

mote::Status ErrorWithMessage(const mote::Status& status, const std::string& message) {
  // The tool is single-threaded and reports one error at a time, so one
  // buffer holds the message the returned Status points to.
  static std::string buffer;
  buffer = message;
  return mote::Status(status.code(), buffer.c_str());
}

int Fail(const char* context, const mote::Status& s) {
  fprintf(stderr, "mote %s: %s (%s)\n", context, s.message(), mote::StatusCodeName(s.code()));
  return kExitFailure;
}

int UsageError(const char* command, const std::string& what, void (*usage)(FILE*)) {
  fprintf(stderr, "mote %s: %s\n", command, what.c_str());
  usage(stderr);
  return kExitUsage;
}

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  const bool ok = ferror(f) == 0;
  fclose(f);
  return ok;
}

bool IsCheckpointFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[8] = {0};
  const size_t n = fread(magic, 1, sizeof(magic), f);
  fclose(f);
  return n == sizeof(magic) && memcmp(magic, "MOTECKPT", sizeof(magic)) == 0;
}

bool WriteFile(const std::string& path, const void* data, size_t len) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

void JsonLine::Add(const char* key, double value, const char* format) {
  char number[64];
  snprintf(number, sizeof(number), format, value);
  text_ += (text_.empty() ? "{\"" : ",\"") + std::string(key) + "\":" + number;
}

void JsonLine::AddString(const char* key, const std::string& value) {
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    quoted += c;
  }
  text_ += (text_.empty() ? "{\"" : ",\"") + std::string(key) + "\":" + quoted + "\"";
}

void JsonLine::AddBool(const char* key, bool value) {
  text_ += (text_.empty() ? "{\"" : ",\"") + std::string(key) + "\":" + (value ? "true" : "false");
}

void JsonLine::Print(FILE* out) const { fprintf(out, "%s}\n", text_.empty() ? "{" : text_.c_str()); }

mote::Status LoadTrainedModel(const std::string& checkpoint, const std::string& network, size_t max_batch,
                              TrainedModel* out) {
  if (!network.empty()) {
    // Checkpoints of older mote versions hold weights only: the network is
    // rebuilt by name. The built-in networks read Fashion-MNIST bytes / 255.
    MOTE_TRY(BuildNamedNetwork(network, &out->model));
    MOTE_TRY(out->model.Prepare(max_batch));
    out->normalization.scale = 1.0f / 255.0f;
    out->normalization.offset = 0.0f;
    return mote::LoadCheckpoint(out->model, checkpoint);
  }
  mote::Status s = mote::LoadCheckpointModel(checkpoint, &out->model, &out->description);
  if (!s.ok()) return ErrorWithMessage(s, checkpoint + ": " + s.message());
  out->normalization = out->description.normalization();
  if (out->model.max_batch() < max_batch) MOTE_TRY(out->model.Prepare(max_batch));
  return mote::Status::Ok();
}

}  // namespace mote_cli
