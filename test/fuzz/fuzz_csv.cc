// libFuzzer target for the CSV reader: ReadCsv with options taken from the
// first input byte. Oracles besides the sanitizers: a failed read leaves the
// data set empty; an accepted one passes ValidateDataset.
#include <stdint.h>

#include "fuzz_util.h"
#include "mote/data.h"

using mote::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  mote::CsvOptions options;
  const uint8_t o = data[0];
  options.delimiter = (o & 1) ? ';' : ',';
  options.header = (o & 2) != 0;
  options.has_label = (o & 4) == 0;
  options.label_column = int((o >> 3) & 7) - 4;
  mote::fuzz::MemoryFile file(data + 1, size - 1);
  mote::Dataset d;
  mote::CsvError where;
  if (mote::ReadCsv(file.path(), options, &d, &where).ok()) {
    if (options.has_label) Check(mote::ValidateDataset(d).ok(), "ReadCsv accepted a data set ValidateDataset rejects");
  } else {
    Check(d.x.empty() && d.labels.empty(), "a failed ReadCsv left items behind");
  }
  return 0;
}
