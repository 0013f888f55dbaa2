// The data sources every command reads (`--data SPEC`), as one place:
//   fashion-mnist[:train|:test]      Debian's dataset-fashion-mnist (raw bytes 0..255)
//   PATH.csv[.gz]                    numeric CSV (label column, header, delimiter from CsvFlags)
//   PATH.npz[:XKEY,YKEY]             NumPy archive (default keys x, y, else x_train, y_train)
//   IMAGES.npy,LABELS.npy            two NumPy arrays
//   IMAGES,LABELS                    two IDX files (raw or gzip), e.g. MNIST's
// Any SPEC may end in ":N" to keep only its first N items. Values are read
// raw (bytes stay 0..255) and then normalised with the model's
// InputNormalization, so training, evaluation, calibration and the board
// all see the same numbers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>

#include "mote/data.h"
#include "mote/model_file.h"
#include "mote/status.h"
#include "mote/tensor.h"
#include "src/cli/args.h"

namespace mote_cli {

// CSV layout, from --label-column N (negative: from the right; default -1,
// the last column), --header, --delimiter C.
struct CsvFlags {
  mote::CsvOptions csv;
  // Consumes the current argument when it is one of the CSV options.
  bool Scan(ArgScanner& args);
  static void PrintUsage(FILE* out);
};

// Reads `spec` into `out`: items reshaped to `item_shape` (the model's input;
// the element counts must match), values normalised. `raw_bytes`, when not
// null, says whether every raw value was an integer 0..255 (the board's test
// set then stores bytes). Errors name the spec.
mote::Status LoadDataSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                            const mote::InputNormalization& normalization, mote::Dataset* out,
                            bool* raw_bytes = nullptr, mote::Dataset* raw = nullptr);

// Items without labels (`mote predict --input SPEC`): X.npy[.gz], FILE.csv
// (every column a feature; header and delimiter from CsvFlags) or
// FILE.npz[:XKEY] (default x, else x_train), each with an optional ":N";
// read raw and normalised as LoadDataSource does. Both loaders refuse items
// whose element count differs from item_shape's, and [C, H, W] items for an
// [H, W, C] input with C > 1 (an NCHW array): the message names the shape.
mote::Status LoadInputSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                             const mote::InputNormalization& normalization, mote::Dataset* out);

// int8 calibration (`export --calibration`, `import --calibration`), which
// needs no labels: a lone X.npy (optionally ":N") is read as LoadInputSource
// does, every other spec as LoadDataSource.
mote::Status LoadCalibrationSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                                   const mote::InputNormalization& normalization, mote::Dataset* out);

// The spec forms above, for --help texts.
void PrintDataSpecUsage(FILE* out);
void PrintInputSpecUsage(FILE* out);

}  // namespace mote_cli
