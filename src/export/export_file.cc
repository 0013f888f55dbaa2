// ExportModelToFile and Int8CalibratedOn (include/mote/export.h): the
// exporter's file-level conveniences for programs that train and export.
#include <cstdio>

#include "mote/export.h"

namespace mote {

Status ExportModelToFile(Model& model, const ExportOptions& options, const std::string& path,
                         ExportReport* report) {
  std::vector<uint8_t> bytes;
  MOTE_TRY(ExportModel(model, options, &bytes, report));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError("export: cannot open the output file for writing");
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !written) {
    std::remove(path.c_str());  // a truncated model would only fail later, on the board
    return IoError("export: cannot write the output file");
  }
  return Status::Ok();
}

ExportOptions Int8CalibratedOn(const Dataset& data, size_t count) {
  ExportOptions options;
  options.int8 = true;
  options.calibration = {data.x.data()};
  options.calibration_count = count < data.size() ? count : data.size();
  return options;
}

}  // namespace mote
