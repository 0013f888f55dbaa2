// libFuzzer target for the NumPy readers: ParseNpy on arbitrary bytes, the
// same bytes as a data set, and as an .npz archive (libzip, then ParseNpy
// on each member). Oracles besides the sanitizers: a failed parse leaves the
// output empty; an accepted array holds exactly shape x item size bytes; a
// data set DatasetFromNpy accepts passes ValidateDataset.
#include <stdint.h>

#include "fuzz_util.h"
#include "mote/npy.h"

using mote::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::NpyArray array;
  const mote::Status s = mote::ParseNpy(data, size, &array);
  if (!s.ok()) {
    Check(array.shape.empty() && array.bytes.empty(), "a failed ParseNpy left data behind");
  } else {
    Check(array.bytes.size() == array.elements() * mote::NpyItemBytes(array.dtype),
          "ParseNpy: byte count differs from shape x item size");
    // The same array as features and as labels (one array can be both).
    mote::Dataset d;
    mote::NpyDatasetOptions options;
    options.num_classes = 10;
    if (mote::DatasetFromNpy(array, &array, options, "fuzz", &d).ok() && d.size() > 0)
      Check(mote::ValidateDataset(d).ok(), "DatasetFromNpy accepted a data set ValidateDataset rejects");
  }
  mote::fuzz::MemoryFile file(data, size);
  mote::NpzArchive archive;
  if (mote::ReadNpz(file.path(), &archive).ok()) {
    Check(archive.keys.size() == archive.arrays.size(), "ReadNpz: keys and arrays differ in number");
    for (const mote::NpyArray& a : archive.arrays)
      Check(a.bytes.size() == a.elements() * mote::NpyItemBytes(a.dtype), "ReadNpz: a member's byte count is off");
  } else {
    Check(archive.keys.empty() && archive.arrays.empty(), "a failed ReadNpz left arrays behind");
  }
  return 0;
}
