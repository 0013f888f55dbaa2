#include <charconv>
#include <cmath>

#include "mote/data.h"
#include "src/core/status_format.h"
#include "src/data/gz_reader.h"

namespace mote {

namespace {

bool IsSpace(char c, char delimiter) { return (c == ' ' || c == '\t') && c != delimiter; }

// Parses [b, e) (surrounding spaces allowed) as a finite float. from_chars is
// locale-independent, unlike strtof.
bool ParseFloat(const char* b, const char* e, char delimiter, double* out) {
  while (b < e && IsSpace(*b, delimiter)) ++b;
  while (e > b && IsSpace(e[-1], delimiter)) --e;
  if (b < e && *b == '+') ++b;  // from_chars rejects a leading '+'
  if (b == e) return false;
  double v = 0.0;
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e) return false;
  if (!std::isfinite(v)) return false;
  *out = v;
  return true;
}

struct Parser {
  const CsvOptions& options;
  Dataset* out;
  CsvError* error;
  size_t columns = 0;
  size_t label_column = 0;
  std::vector<double> row;

  Status Fail(Status s, size_t line, size_t column) {
    if (error != nullptr) {
      error->line = line;
      error->column = column;
    }
    return s;
  }

  // One non-blank line [b, e), 1-based line number `line`.
  Status Line(const char* b, const char* e, size_t line) {
    row.clear();
    const char d = options.delimiter;
    const char* field = b;
    for (const char* p = b;; ++p) {
      if (p == e || *p == d) {
        double v = 0.0;
        if (!ParseFloat(field, p, d, &v))
          return Fail(CorruptData("csv: field is not a finite number"), line, row.size() + 1);
        row.push_back(v);
        if (p == e) break;
        field = p + 1;
      }
    }
    if (columns == 0) {
      columns = row.size();
      if (options.has_label) {
        const long lc = options.label_column >= 0 ? options.label_column
                                                  : static_cast<long>(columns) + options.label_column;
        if (lc < 0 || lc >= static_cast<long>(columns))
          return Fail(InvalidArgument("csv: label_column outside the columns"), line, 0);
        label_column = static_cast<size_t>(lc);
        if (columns < 2) return Fail(InvalidArgument("csv: no feature columns besides the label"), line, 0);
      }
    } else if (row.size() != columns) {
      return Fail(CorruptData("csv: row has a different number of fields than the first row"), line,
                  row.size() < columns ? row.size() : columns + 1);
    }
    for (size_t c = 0; c < columns; ++c) {
      if (options.has_label && c == label_column) {
        const double v = row[c];
        if (!(v >= 0.0 && v <= 2147483647.0) || v != std::floor(v))
          return Fail(CorruptData("csv: label is not a non-negative integer"), line, c + 1);
        if (options.num_classes > 0 && v >= static_cast<double>(options.num_classes))
          return Fail(FormattedStatus(StatusCode::kCorruptData, "csv: line %zu, column %zu: label %.0f is not in [0, %lld)",
                                      line, c + 1, v, static_cast<long long>(options.num_classes)),
                      line, c + 1);
        out->labels.push_back(static_cast<int32_t>(v));
      } else {
        // In float, as LoadIdxDataset scales pixels: the same pixels read from
        // a CSV or an IDX file give the same data set.
        const float f = static_cast<float>(row[c]) * options.scale + options.offset;
        if (!std::isfinite(f)) {
          const bool scaled = options.scale != 1.0f || options.offset != 0.0f;
          return Fail(CorruptData(scaled ? "csv: field is beyond the float range after scale and offset"
                                         : "csv: field is not a finite number"),
                      line, c + 1);
        }
        out->x.push_back(f);
      }
    }
    return Status::Ok();
  }
};

bool Blank(const char* b, const char* e) {
  for (; b < e; ++b)
    if (*b != ' ' && *b != '\t') return false;
  return true;
}

Status ReadCsvImpl(const std::string& path, const CsvOptions& options, Dataset* out, CsvError* error) {
  data_internal::GzReader reader;
  MOTE_TRY(reader.Open(path));
  std::vector<uint8_t> bytes;
  MOTE_TRY(reader.ReadAll(&bytes));
  const char* p = reinterpret_cast<const char*>(bytes.data());
  const char* end = p + bytes.size();
  if (end - p >= 3 && static_cast<uint8_t>(p[0]) == 0xEF && static_cast<uint8_t>(p[1]) == 0xBB &&
      static_cast<uint8_t>(p[2]) == 0xBF)
    p += 3;  // UTF-8 byte order mark (spreadsheet exports)

  Parser parser{options, out, error, 0, 0, {}};
  bool header_pending = options.header;
  for (size_t line = 1; p < end; ++line) {
    const char* e = p;
    while (e < end && *e != '\n') ++e;
    const char* next = e < end ? e + 1 : e;
    if (e > p && e[-1] == '\r') --e;
    if (header_pending) {
      header_pending = false;
    } else if (!Blank(p, e)) {
      MOTE_TRY(parser.Line(p, e, line));
    }
    p = next;
  }
  if (parser.columns == 0) return parser.Fail(CorruptData("csv: no data rows"), 0, 0);
  const size_t features = options.has_label ? parser.columns - 1 : parser.columns;
  out->item_shape = Shape(features);
  return Status::Ok();
}

}  // namespace

Status ReadCsv(const std::string& path, const CsvOptions& options, Dataset* out, CsvError* error) {
  if (error != nullptr) *error = CsvError();
  if (out == nullptr) return InvalidArgument("csv: null output");
  if (!std::isfinite(options.scale) || !std::isfinite(options.offset))
    return InvalidArgument("csv: scale and offset must be finite");
  if (options.num_classes < 0) return InvalidArgument("csv: num_classes must be >= 0 (0: not checked)");
  out->Clear();
  const Status s = ReadCsvImpl(path, options, out, error);
  if (!s.ok()) out->Clear();
  return s;
}

}  // namespace mote
