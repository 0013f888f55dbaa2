#include "mote/data.h"
#include "src/data/gz_reader.h"

namespace mote {

namespace {

// dir/name.gz when it exists, else dir/name (which may not exist either: the
// loader then reports "file not found").
std::string Pick(const std::string& dir, const char* name) {
  std::string base = dir;
  if (!base.empty() && base.back() != '/') base += '/';
  base += name;
  const std::string gz = base + ".gz";
  if (data_internal::PathExists(gz)) return gz;
  if (data_internal::PathExists(base)) return base;
  return gz;
}

Status LoadPart(const std::string& dir, const char* images, const char* labels, Dataset* out) {
  const Status s = LoadIdxDataset(Pick(dir, images), Pick(dir, labels), out);
  if (s.code() == StatusCode::kIoError && !data_internal::PathExists(dir))
    return IoError("fashion-mnist: directory not found (Debian: apt-get install dataset-fashion-mnist)");
  return s;
}

}  // namespace

Status LoadFashionMnist(const std::string& dir, Dataset* train, Dataset* test) {
  if (train != nullptr) MOTE_TRY(LoadPart(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", train));
  if (test != nullptr) {
    const Status s = LoadPart(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", test);
    if (!s.ok()) {
      if (train != nullptr) train->Clear();  // all or nothing
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace mote
