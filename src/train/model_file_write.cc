// DescribeModel: a model built in C++ -> its model file, from the Describe
// hooks of its layers, losses and optimizer; and writing model files.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mote/describe.h"
#include "src/train/file_io.h"
#include "src/train/model_file_impl.h"

namespace mote {
namespace {

// The shortest decimal that reads back as the same float (files stay
// readable: 0.99, not 0.99000001).
std::string FloatText(double value) {
  const float f = float(value);
  char text[48];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, double(f));
    if (std::strtof(text, nullptr) == f) break;
  }
  std::string s = text;
  // TOML floats need a '.' or an exponent; integers would read as integers.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  if (s.find('e') != std::string::npos && s.find('.') == std::string::npos)
    s.insert(s.find('e'), ".0");  // 1e-08 -> 1.0e-08
  return s;
}

std::string Quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", unsigned(c));
      q += esc;
    } else {
      q += c;
    }
  }
  return q + "\"";
}

// Collects "key = value" lines; the type separately (it goes first).
class TomlOptions final : public OptionWriter {
 public:
  void Type(const char* name) override { type = name; }
  void Number(const char* key, double value) override { Line(key, FloatText(value)); }
  void Integer(const char* key, uint64_t value) override { Line(key, std::to_string(value)); }
  void Boolean(const char* key, bool value) override { Line(key, value ? "true" : "false"); }
  void String(const char* key, const char* value) override { Line(key, Quoted(value)); }
  void Pair(const char* key, size_t first, size_t second) override {
    Line(key, first == second ? std::to_string(first)
                              : "[" + std::to_string(first) + ", " + std::to_string(second) + "]");
  }
  void Init(const char* key, const InitSpec& init) override {
    const InitSpec plain{init.kind};
    std::string fields;
    if (init.value != plain.value) fields += ", value = " + FloatText(init.value);
    if (init.gain != plain.gain) fields += ", gain = " + FloatText(init.gain);
    if (init.sparse_k != plain.sparse_k) fields += ", sparse_k = " + std::to_string(init.sparse_k);
    if (init.block_begin != 0 || init.block_end != 0)
      fields += ", block_begin = " + std::to_string(init.block_begin) + ", block_end = " + std::to_string(init.block_end);
    const std::string kind = Quoted(InitKindName(init.kind));
    Line(key, fields.empty() ? kind : "{ kind = " + kind + fields + " }");
  }
  void Line(const std::string& key, const std::string& value) { lines += key + " = " + value + "\n"; }

  std::string type, lines;
};

std::string NameList(const Model& model, const std::vector<NodeId>& nodes) {
  std::string list = "[";
  for (size_t i = 0; i < nodes.size(); ++i) list += (i ? ", " : "") + Quoted(model.node_name(nodes[i]));
  return list + "]";
}

}  // namespace

Status DescribeModel(const Model& model, ModelDescription* out, const InputNormalization& normalization) {
  if (out == nullptr) return InvalidArgument("describe: null description");
  if (model.input_count() == 0 || model.node_count() == size_t(model.input_count()))
    return InvalidArgument("describe: a model without inputs or layers");
  if (model.loss() == nullptr || model.optimizer() == nullptr)
    return InvalidArgument("describe: SetLoss and SetOptimizer first");
  std::string text = "# Written by mote::DescribeModel.\n\n";
  const bool single = model.input_count() == 1;
  for (int i = 0; i < model.input_count(); ++i) {
    const NodeId node = model.input_node(i);
    const Shape s = model.node_shape(node);
    std::string shape = "[";
    for (int d = 0; d < s.rank(); ++d) shape += (d ? ", " : "") + std::to_string(s.dim(d));
    text += std::string(single ? "[input]" : "[[inputs]]") + "\nname = " + Quoted(model.node_name(node)) +
            "\nshape = " + shape + "]\n";
    // 17 digits of the float's exact value read back to the same float.
    char number[40];
    if (i == 0 && normalization.scale != 1.0f) {
      snprintf(number, sizeof(number), "%.17g", double(normalization.scale));
      text += std::string("scale = ") + number + "\n";
    }
    if (i == 0 && normalization.offset != 0.0f) {
      snprintf(number, sizeof(number), "%.17g", double(normalization.offset));
      text += std::string("offset = ") + number + "\n";
    }
    text += "\n";
  }
  // Layers in node order (the builder adds them in this order again, so
  // parameters initialise identically).
  NodeId previous = -1;
  for (size_t n = 0; n < model.node_count(); ++n) {
    const NodeId node = NodeId(n);
    const Layer* layer = model.layer(node);
    if (layer == nullptr) {
      if (previous < 0) previous = node;
      continue;
    }
    TomlOptions options;
    MOTE_TRY(layer->Describe(options));
    text += "[[layers]]\ntype = " + Quoted(options.type) + "\nname = " + Quoted(model.node_name(node)) + "\n";
    const std::vector<NodeId>& inputs = model.node_inputs(node);
    const bool sequential = inputs.size() == 1 && inputs[0] == previous &&
                            (model.layer(previous) != nullptr || previous == model.input_node(0));
    if (!sequential) text += "inputs = " + NameList(model, inputs) + "\n";
    text += options.lines;
    float l1 = 0, l2 = 0;
    if (model.layer_regularization(node, &l1, &l2)) text += "l1 = " + FloatText(l1) + "\nl2 = " + FloatText(l2) + "\n";
    if (model.frozen(node)) text += "frozen = true\n";
    for (size_t t = 0; t < model.tie_count(); ++t) {
      std::string tied, source;
      model.tie(t, &tied, &source);
      if (tied == model.node_name(node)) text += "tied_to = " + Quoted(source) + "\n";
    }
    text += "\n";
    previous = node;
  }
  // Outputs: output 0 carries the main loss, the others the heads (in order).
  std::vector<NodeId> expected{model.output_node(0)};
  for (size_t h = 1; h < model.head_count(); ++h) {
    const NodeId node = model.head_node(h);
    bool listed = false;
    for (NodeId e : expected) listed = listed || e == node;
    if (!listed) expected.push_back(node);
  }
  if (model.output_count() > 0 && int(expected.size()) != model.output_count())
    return Unsupported("describe: outputs without a loss have no model-file form");
  for (int i = 0; i < model.output_count(); ++i)
    if (model.output_node(i) != expected[size_t(i)])
      return Unsupported("describe: outputs without a loss have no model-file form");
  TomlOptions loss;
  MOTE_TRY(model.loss()->Describe(loss));
  text += "[loss]\ntype = " + Quoted(loss.type) + "\n" + loss.lines;
  if (model.output_node(0) >= 0 && model.output_node(0) != NodeId(model.node_count() - 1))
    text += "output = " + Quoted(model.node_name(model.output_node(0))) + "\n";
  if (model.loss_weight() != 1.0f) text += "weight = " + FloatText(model.loss_weight()) + "\n";
  text += "\n";
  for (size_t h = 1; h < model.head_count(); ++h) {
    TomlOptions head;
    MOTE_TRY(model.head_loss(h)->Describe(head));
    text += "[[heads]]\noutput = " + Quoted(model.node_name(model.head_node(h))) + "\ntype = " + Quoted(head.type) +
            "\n" + head.lines + "weight = " + FloatText(model.head_weight(h)) + "\n\n";
  }
  TomlOptions optimizer;
  MOTE_TRY(model.optimizer()->Describe(optimizer));
  text += "[optimizer]\ntype = " + Quoted(optimizer.type) + "\n" + optimizer.lines;
  if (model.gradient_clip_norm() > 0.0f) text += "clip_norm = " + FloatText(model.gradient_clip_norm()) + "\n";
  text += "\n[regularization]\nl1 = " + FloatText(model.regularization_l1()) +
          "\nl2 = " + FloatText(model.regularization_l2()) + "\nweight_noise = " + FloatText(model.weight_noise()) +
          "\n";
  for (size_t p = 0; p < model.tying_penalty_count(); ++p) {
    std::string a, b;
    float lambda = 0;
    model.tying_penalty(p, &a, &b, &lambda);
    text += "\n[[regularization.tying_penalties]]\nlayers = [" + Quoted(a) + ", " + Quoted(b) +
            "]\nstrength = " + FloatText(lambda) + "\n";
  }
  if (model.prepared()) text += "\n[training]\nbatch_size = " + std::to_string(model.max_batch()) + "\n";
  return ParseModelDescription(text, "(DescribeModel)", out);
}

Status SaveModelFile(const ModelDescription& d, const std::string& path) {
  if (d.empty()) return InvalidArgument("model file: an empty description");
  const Status s = file_io::WriteFileAtomically(path, reinterpret_cast<const uint8_t*>(d.text().data()),
                                                d.text().size());
  if (s.ok()) return s;
  static thread_local char message[160];
  std::snprintf(message, sizeof message, "model file: %s", s.message());
  return Status(s.code(), message);
}

Status SaveModelFile(const Model& model, const std::string& path, const InputNormalization& normalization) {
  ModelDescription d;
  MOTE_TRY(DescribeModel(model, &d, normalization));
  return SaveModelFile(d, path);
}

}  // namespace mote
