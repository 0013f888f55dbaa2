// libFuzzer target for the IDX reader (raw and gzip): ReadIdx and
// LoadIdxDataset on arbitrary bytes. Oracles besides the sanitizers: a failed
// read leaves the output empty; an accepted array holds exactly prod(dims)
// elements; a non-empty data set LoadIdxDataset accepts passes ValidateDataset.
#include <stdint.h>

#include "fuzz_util.h"
#include "mote/data.h"

using mote::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::fuzz::MemoryFile file(data, size);
  mote::IdxArray array;
  const mote::Status s = mote::ReadIdx(file.path(), &array);
  if (!s.ok()) {
    Check(array.dims.empty() && array.u8.empty() && array.values.empty(), "a failed ReadIdx left data behind");
  } else {
    const size_t n = array.elements();
    Check(array.type == mote::IdxType::kU8 ? array.u8.size() == n : array.values.size() == n,
          "ReadIdx: element count differs from the dims");
  }
  // The same bytes as images and as labels (one file can be both).
  mote::Dataset d;
  // (No items at all is a valid, empty data set.)
  if (mote::LoadIdxDataset(file.path(), file.path(), &d).ok() && d.size() > 0)
    Check(mote::ValidateDataset(d).ok(), "LoadIdxDataset accepted a data set ValidateDataset rejects");
  return 0;
}
