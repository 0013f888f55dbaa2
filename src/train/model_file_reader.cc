// TableReader: typed, range-checked reading of one TOML table, with
// file:line:column messages and unknown keys reported (typos).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mote/describe.h"
#include "src/train/model_file_impl.h"

namespace mote {
namespace model_file {
namespace {

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

std::string Got(const toml::node& node) { return std::string(", got ") + TypeName(node); }

}  // namespace

Status Error(const std::string& source, Position where, const std::string& key, const std::string& what) {
  static thread_local char message[640];
  std::snprintf(message, sizeof message, "%s:%u:%u: key '%s': %s", source.c_str(), where.line, where.column,
                key.c_str(), what.c_str());
  return InvalidArgument(message);
}

TableReader::TableReader(const std::string& source, const toml::table& table, std::string path)
    : source_(source), table_(table), path_(std::move(path)) {}

std::string TableReader::KeyPath(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

Position TableReader::KeyPosition(const char* key) const {
  const toml::node* node = table_.get(key);
  return node != nullptr ? At(*node) : position();
}

bool TableReader::FailAt(Position where, const std::string& key, const std::string& what) {
  if (status_.ok()) status_ = Error(source_, where, key, what);
  return false;
}

bool TableReader::Fail(const char* key, const std::string& what) {
  return FailAt(KeyPosition(key), KeyPath(key), what);
}

bool TableReader::Has(const char* key) const { return table_.get(key) != nullptr; }

void TableReader::Accept(const char* key) { read_.emplace_back(key); }

const toml::node* TableReader::Get(const char* key) {
  Accept(key);
  return table_.get(key);
}

bool TableReader::Require(const char* key, const char* what) {
  if (Has(key)) return true;
  return FailAt(position(), KeyPath(key), std::string("missing: ") + what);
}

bool TableReader::Float(const char* key, float* out, Range range) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  double v;
  if (const auto* i = node->as_integer()) {
    v = double(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    v = f->get();
  } else {
    return Fail(key, "expected a number" + Got(*node));
  }
  if (!std::isfinite(v) || std::fabs(v) > std::numeric_limits<float>::max())
    return Fail(key, "expected a finite number");
  switch (range) {
    case Range::kAny: break;
    case Range::kPositive:
      if (!(v > 0)) return Fail(key, "expected a number > 0");
      break;
    case Range::kNonNegative:
      if (!(v >= 0)) return Fail(key, "expected a number >= 0");
      break;
    case Range::kProbability:
      if (!(v > 0 && v <= 1)) return Fail(key, "expected a number in (0, 1]");
      break;
    case Range::kFraction:
      if (!(v >= 0 && v < 1)) return Fail(key, "expected a number in [0, 1)");
      break;
  }
  *out = float(v);
  return ok();
}

bool TableReader::U64(const char* key, uint64_t* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const auto* i = node->as_integer();
  if (i == nullptr) return Fail(key, "expected an integer" + Got(*node));
  if (i->get() < 0) return Fail(key, "expected an integer >= 0");
  *out = uint64_t(i->get());
  return ok();
}

bool TableReader::Size(const char* key, size_t* out, bool allow_zero) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const auto* i = node->as_integer();
  if (i == nullptr) return Fail(key, "expected an integer" + Got(*node));
  if (i->get() < (allow_zero ? 0 : 1)) return Fail(key, allow_zero ? "expected an integer >= 0" : "expected an integer >= 1");
  if (uint64_t(i->get()) > uint64_t(1) << 31) return Fail(key, "expected an integer < 2^31");
  *out = size_t(i->get());
  return ok();
}

bool TableReader::Bool(const char* key, bool* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const auto* b = node->as_boolean();
  if (b == nullptr) return Fail(key, "expected true or false" + Got(*node));
  *out = b->get();
  return ok();
}

bool TableReader::String(const char* key, std::string* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const auto* s = node->as_string();
  if (s == nullptr) return Fail(key, "expected a string" + Got(*node));
  *out = s->get();
  return ok();
}

bool TableReader::Choice(const char* key, const char* const* names, int* out) {
  std::string value;
  if (!Has(key)) {
    Accept(key);
    return ok();
  }
  if (!String(key, &value)) return false;
  std::string list;
  for (int i = 0; names[i] != nullptr; ++i) {
    if (value == names[i]) {
      *out = i;
      return ok();
    }
    list += (i ? ", \"" : "\"") + std::string(names[i]) + "\"";
  }
  return Fail(key, "unknown value \"" + value + "\"; expected one of " + list);
}

bool TableReader::Pair(const char* key, size_t* first, size_t* second, bool allow_zero) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const int64_t min = allow_zero ? 0 : 1;
  const char* expected = allow_zero ? "expected an integer >= 0 or [height, width] of such integers"
                                    : "expected an integer >= 1 or [height, width] of such integers";
  auto value = [&](const toml::node& n, size_t* out) {
    const auto* i = n.as_integer();
    if (i == nullptr || i->get() < min || i->get() > (int64_t(1) << 31)) return false;
    *out = size_t(i->get());
    return true;
  };
  if (const auto* a = node->as_array()) {
    if (a->size() != 2 || !value(*a->get(0), first) || !value(*a->get(1), second)) return Fail(key, expected);
    return ok();
  }
  if (!value(*node, first)) return Fail(key, expected);
  *second = *first;
  return ok();
}

bool TableReader::Strings(const char* key, std::vector<std::string>* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return ok();
  const auto* a = node->as_array();
  if (a == nullptr) return Fail(key, "expected an array of strings" + Got(*node));
  out->clear();
  for (const toml::node& item : *a) {
    const auto* s = item.as_string();
    if (s == nullptr) return FailAt(At(item), KeyPath(key), "expected an array of strings");
    out->push_back(s->get());
  }
  return ok();
}

bool TableReader::Init(const char* key, InitSpec* out) {
  static const char* const kKinds[] = {"zeros",          "ones",          "constant",      "uniform_fan_in",
                                       "glorot_uniform", "glorot_normal", "he_uniform",    "he_normal",
                                       "scaled_normal",  "orthogonal",    "sparse",        "constant_block",
                                       nullptr};
  static_assert(int(InitKind::kConstantBlock) == 11, "kKinds follows InitKind");
  const toml::node* node = table_.get(key);
  if (node == nullptr) {
    Accept(key);
    return ok();
  }
  if (node->is_string()) {
    int kind = int(out->kind);
    if (!Choice(key, kKinds, &kind)) return false;
    *out = InitSpec{InitKind(kind)};
    return ok();
  }
  Accept(key);
  const auto* t = node->as_table();
  if (t == nullptr) return Fail(key, "expected an initializer name or { kind = ..., gain = ... }" + Got(*node));
  TableReader r(source_, *t, KeyPath(key));
  InitSpec spec;
  int kind = -1;
  if (r.Require("kind", "the initializer kind (e.g. \"he_normal\")") && r.Choice("kind", kKinds, &kind)) {
    spec.kind = InitKind(kind);
    size_t sparse_k = spec.sparse_k, begin = 0, end = 0;
    if (r.Float("value", &spec.value) && r.Float("gain", &spec.gain, Range::kPositive) &&
        r.Size("sparse_k", &sparse_k) && r.Size("block_begin", &begin, true) && r.Size("block_end", &end, true) &&
        r.Finish()) {
      spec.sparse_k = uint32_t(sparse_k);
      spec.block_begin = begin;
      spec.block_end = end;
      *out = spec;
      return ok();
    }
  }
  if (status_.ok()) status_ = r.status();
  return false;
}

const toml::table* TableReader::Table(const char* key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return nullptr;
  const auto* t = node->as_table();
  if (t == nullptr) Fail(key, "expected a table" + Got(*node));
  return t;
}

const toml::array* TableReader::TableArray(const char* key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return nullptr;
  const auto* a = node->as_array();
  if (a == nullptr || !a->is_array_of_tables()) {
    Fail(key, "expected an array of tables ([[" + KeyPath(key) + "]])" + Got(*node));
    return nullptr;
  }
  return a;
}

bool TableReader::Finish() {
  if (!ok()) return false;
  // The first unknown key in file order.
  const toml::key* unknown = nullptr;
  for (auto&& [k, v] : table_) {
    (void)v;
    if (std::find(read_.begin(), read_.end(), k.str()) != read_.end()) continue;
    if (unknown == nullptr || k.source().begin < unknown->source().begin) unknown = &k;
  }
  if (unknown == nullptr) return true;
  // The keys this table was asked for are exactly the valid ones.
  std::string known;
  for (const std::string& k : read_)
    if (known.find("'" + k + "'") == std::string::npos) known += (known.empty() ? "'" : ", '") + k + "'";
  const std::string name(unknown->str());
  return FailAt({unknown->source().begin.line, unknown->source().begin.column}, KeyPath(name.c_str()),
                "unknown key (known here: " + known + ")");
}

}  // namespace model_file
}  // namespace mote
