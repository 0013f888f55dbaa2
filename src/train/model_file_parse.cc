// A model file -> a Model: inputs, the layer graph (sequential by default,
// named inputs for residual / multi-input / multi-head models), outputs,
// losses, optimizer and regularizers. Training settings: model_file_settings.cc.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mote/loss.h"
#include "mote/optimizers.h"
#include "src/train/model_file_impl.h"

namespace mote {
namespace model_file {

Status ReadSettings(const std::string& source, TableReader& root, const Shape& input_shape, Settings* settings);
Status ReadOptimizer(const std::string& source, TableReader& root, Model* model, Settings* settings);
bool MakeLoss(TableReader& r, std::unique_ptr<Loss>* loss);

namespace {

using Range = TableReader::Range;

std::string ShapeText(const Shape& s) {
  std::string t = "[";
  for (int i = 0; i < s.rank(); ++i) t += (i ? ", " : "") + std::to_string(s.dim(i));
  return t + "]";
}

// Plan with shapes only (batch 1): what a layer's Plan needs to check its
// inputs and compute its output, without memory.
class ShapeContext final : public PlanContext {
 public:
  explicit ShapeContext(std::vector<Shape> inputs) : inputs_(std::move(inputs)) {}
  int input_count() const override { return int(inputs_.size()); }
  const Shape& input_shape(int i) const override { return inputs_[size_t(i)]; }
  size_t max_batch() const override { return 1; }
  ParamHandle AddParam(const char*, const Shape&, ParamRole, const InitSpec&, size_t, size_t) override {
    return ParamHandle{params_++};
  }
  BufferHandle AddState(const char*, size_t, float) override { return BufferHandle{buffers_++}; }
  BufferHandle AddBuffer(size_t) override { return BufferHandle{buffers_++}; }
  void RequestScratch(size_t) override {}

 private:
  std::vector<Shape> inputs_;
  int params_ = 0, buffers_ = 0;
};

Shape WithBatch1(const Shape& s) {
  switch (s.rank()) {
    case 1: return Shape(1, s.dim(0));
    case 2: return Shape(1, s.dim(0), s.dim(1));
    default: return Shape(1, s.dim(0), s.dim(1), s.dim(2));
  }
}
Shape WithoutBatch(const Shape& s) {
  switch (s.rank()) {
    case 2: return Shape(s.dim(1));
    case 3: return Shape(s.dim(1), s.dim(2));
    default: return Shape(s.dim(1), s.dim(2), s.dim(3));
  }
}

struct NodeSpec {
  std::string name;
  std::unique_ptr<Layer> layer;  // null for an input
  std::vector<int> inputs;       // indices into the node list
  Position where;                // the table
  std::string path;              // "layers[3]"
  float l1 = 0, l2 = 0;
  bool has_regularization = false, frozen = false;
  std::string tied_to;
  Position tied_where;
  Shape shape;                   // per example
  NodeId id = -1;
};

}  // namespace

Status Construct(const std::string& source, const toml::table& root_table, Model* model, Settings* settings,
                 bool validate) {
  TableReader root(source, root_table, "");
  // Where the checks of Model::Prepare (ties, tying penalties, heads) point.
  Position tie_where{1, 1}, penalty_where{1, 1}, head_where{1, 1};
  std::string tie_key = "layers", penalty_key = "regularization", head_key = "heads";
  std::string ignored;
  if (!root.String("name", &ignored) || !root.String("description", &ignored)) return root.status();

  // Inputs: [input] or [[inputs]].
  std::vector<NodeSpec> nodes;
  std::vector<const toml::table*> input_tables;
  const bool single = root.Has("input");
  if (single && root.Has("inputs")) {
    root.Fail("inputs", "give either [input] or [[inputs]], not both");
    return root.status();
  }
  if (!single && !root.Has("inputs")) {
    root.FailAt({1, 1}, "input", "missing: the input, e.g. [input] shape = [28, 28, 1]");
    return root.status();
  }
  root.Accept("inputs");
  if (single) {
    if (const toml::table* t = root.Table("input")) input_tables.push_back(t);
  } else if (const toml::array* a = root.TableArray("inputs")) {
    for (const toml::node& n : *a) input_tables.push_back(n.as_table());
  }
  if (!root.ok()) return root.status();
  for (size_t i = 0; i < input_tables.size(); ++i) {
    TableReader r(source, *input_tables[i], single ? "input" : "inputs[" + std::to_string(i) + "]");
    NodeSpec n;
    n.name = single ? "input" : "input" + std::to_string(i);
    std::vector<size_t> dims;
    InputNormalization norm;
    if (!r.String("name", &n.name) || !r.Require("shape", "the shape of one example, e.g. [28, 28, 1]"))
      return r.status();
    const toml::node* shape = r.table().get("shape");
    const toml::array* a = shape->as_array();
    r.Accept("shape");
    if (a == nullptr || a->empty() || a->size() > 3) {
      r.Fail("shape", "expected an array of 1 to 3 integers >= 1 (one example, no batch dim)");
      return r.status();
    }
    for (const toml::node& d : *a) {
      const auto* v = d.as_integer();
      if (v == nullptr || v->get() < 1 || v->get() > (int64_t(1) << 31)) {
        r.FailAt(At(d), r.KeyPath("shape"), "expected an array of 1 to 3 integers >= 1");
        return r.status();
      }
      dims.push_back(size_t(v->get()));
    }
    if (!r.Float("scale", &norm.scale) || !r.Float("offset", &norm.offset) || !r.Finish()) return r.status();
    n.shape = dims.size() == 1 ? Shape(dims[0]) : dims.size() == 2 ? Shape(dims[0], dims[1]) : Shape(dims[0], dims[1], dims[2]);
    n.where = r.position();
    n.path = r.path();
    if (i == 0) settings->normalization = norm;
    settings->input_shapes.push_back(n.shape);
    nodes.push_back(std::move(n));
  }
  const size_t input_count = nodes.size();

  // Global regularization first: per-layer l1 / l2 default to it.
  float global_l1 = 0, global_l2 = 0, weight_noise = 0;
  const toml::table* regularization = root.Table("regularization");
  if (!root.ok()) return root.status();
  std::unique_ptr<TableReader> reg;
  if (regularization != nullptr) {
    reg = std::make_unique<TableReader>(source, *regularization, "regularization");
    if (!reg->Float("l1", &global_l1, Range::kNonNegative) || !reg->Float("l2", &global_l2, Range::kNonNegative) ||
        !reg->Float("weight_noise", &weight_noise, Range::kNonNegative))
      return reg->status();
  }

  // Layers.
  if (!root.Require("layers", "the layers, e.g. [[layers]] type = \"dense\" units = 10")) return root.status();
  const toml::array* layers = root.TableArray("layers");
  if (layers == nullptr) return root.status();
  std::vector<std::vector<std::string>> refs;
  std::vector<bool> explicit_inputs;
  for (size_t i = 0; i < layers->size(); ++i) {
    TableReader r(source, *layers->get(i)->as_table(), "layers[" + std::to_string(i) + "]");
    NodeSpec n;
    std::string type;
    std::vector<std::string> in;
    n.l1 = global_l1;
    n.l2 = global_l2;
    if (!r.Require("type", "the layer type, e.g. \"dense\"") || !r.String("type", &type) || !r.String("name", &n.name) ||
        !r.Strings("inputs", &in) || !r.Float("l1", &n.l1, Range::kNonNegative) ||
        !r.Float("l2", &n.l2, Range::kNonNegative) || !r.Bool("frozen", &n.frozen) || !r.String("tied_to", &n.tied_to))
      return r.status();
    n.has_regularization = r.Has("l1") || r.Has("l2");
    n.tied_where = r.KeyPosition("tied_to");
    if (!MakeLayer(type, r, &n.layer) || !r.Finish()) return r.status();
    n.where = r.position();
    n.path = r.path();
    if (r.Has("inputs") && int(in.size()) != n.layer->input_count())
      return Error(source, r.KeyPosition("inputs"), r.KeyPath("inputs"),
                   "a layer of type " + type + " takes " + std::to_string(n.layer->input_count()) + " input(s), got " +
                       std::to_string(in.size()));
    if (!r.Has("inputs") && n.layer->input_count() != 1)
      return Error(source, n.where, r.KeyPath("inputs"),
                   "missing: a layer of type " + type + " takes " + std::to_string(n.layer->input_count()) +
                       " inputs, e.g. inputs = [\"a\", \"b\"]");
    refs.push_back(in);
    explicit_inputs.push_back(r.Has("inputs"));
    nodes.push_back(std::move(n));
  }
  if (layers->empty()) return Error(source, root.KeyPosition("layers"), "layers", "expected at least one layer");
  settings->layers = layers->size();

  // Names are unique; references resolve.
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name.empty()) continue;
    auto [it, fresh] = by_name.emplace(nodes[i].name, int(i));
    if (!fresh) {
      const toml::node* where = i < input_count ? nullptr : layers->get(i - input_count)->as_table()->get("name");
      return Error(source, where ? At(*where) : nodes[i].where, nodes[i].path + ".name",
                   "duplicate name \"" + nodes[i].name + "\" (first at line " +
                       std::to_string(nodes[size_t(it->second)].where.line) + ")");
    }
  }
  for (size_t l = 0; l < refs.size(); ++l) {
    NodeSpec& n = nodes[input_count + l];
    const toml::table& t = *layers->get(l)->as_table();
    if (!explicit_inputs[l]) {
      n.inputs.push_back(l == 0 ? 0 : int(input_count + l - 1));
      continue;
    }
    const toml::array& a = *t.get("inputs")->as_array();
    for (size_t k = 0; k < refs[l].size(); ++k) {
      auto it = by_name.find(refs[l][k]);
      if (it == by_name.end())
        return Error(source, At(*a.get(k)), n.path + ".inputs",
                     "unknown node \"" + refs[l][k] + "\" (an input or a named layer)");
      if (it->second == int(input_count + l))
        return Error(source, At(*a.get(k)), n.path + ".inputs", "a layer cannot be its own input (a cycle)");
      n.inputs.push_back(it->second);
    }
  }

  // Topological order, stable: file order wherever the file allows it.
  std::vector<int> order;
  std::vector<bool> placed(nodes.size(), false);
  for (size_t i = 0; i < input_count; ++i) {
    order.push_back(int(i));
    placed[i] = true;
  }
  while (order.size() < nodes.size()) {
    bool progress = false;
    for (size_t i = input_count; i < nodes.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (int in : nodes[i].inputs) ready = ready && placed[size_t(in)];
      if (!ready) continue;
      placed[i] = true;
      order.push_back(int(i));
      progress = true;
      break;  // restart from the first: keeps file order
    }
    if (!progress) {
      std::string cycle;
      size_t first = 0;
      for (size_t i = input_count; i < nodes.size(); ++i)
        if (!placed[i]) {
          if (cycle.empty()) first = i;
          cycle += (cycle.empty() ? "\"" : ", \"") + nodes[i].name + "\"";
        }
      const toml::node* where = layers->get(first - input_count)->as_table()->get("inputs");
      return Error(source, where ? At(*where) : nodes[first].where, nodes[first].path + ".inputs",
                   "the inputs form a cycle (through " + cycle + ")");
    }
  }

  // Shapes, layer by layer (batch 1), so a misfit names its layer.
  for (size_t k = input_count; k < order.size(); ++k) {
    NodeSpec& n = nodes[size_t(order[k])];
    std::vector<Shape> in;
    std::string in_text;
    for (int i : n.inputs) {
      in.push_back(WithBatch1(nodes[size_t(i)].shape));
      in_text += (in_text.empty() ? "" : " and ") + ShapeText(nodes[size_t(i)].shape);
    }
    ShapeContext ctx(in);
    Shape out;
    const Status s = n.layer->Plan(ctx, &out);
    if (!s.ok())
      return Error(source, n.where, n.path, "does not fit its input " + in_text + ": " + s.message());
    if (out.rank() < 2) return Error(source, n.where, n.path, "gives an output without a batch dim");
    n.shape = WithoutBatch(out);
  }

  // Into the model, in topological order.
  for (size_t k = 0; k < order.size(); ++k) {
    NodeSpec& n = nodes[size_t(order[k])];
    if (!n.layer) {
      n.id = model->Input(n.shape, n.name);
      continue;
    }
    std::vector<NodeId> ids;
    for (int i : n.inputs) ids.push_back(nodes[size_t(i)].id);
    n.id = model->Add(std::move(n.layer), ids, n.name);
    if (n.id < 0) return Error(source, n.where, n.path, "cannot be added to the model");
    if (n.name.empty()) n.name = model->node_name(n.id);
  }
  model->SetRegularization(global_l1, global_l2);
  for (size_t i = input_count; i < nodes.size(); ++i) {
    const NodeSpec& n = nodes[i];
    if (n.has_regularization) MOTE_TRY(model->SetLayerRegularization(n.name, n.l1, n.l2));
    if (n.frozen) MOTE_TRY(model->Freeze(n.name));
    if (n.tied_to.empty()) continue;
    auto it = by_name.find(n.tied_to);
    if (it == by_name.end() || size_t(it->second) < input_count || it->second == int(i))
      return Error(source, n.tied_where, n.path + ".tied_to", "expected the name of another layer");
    MOTE_TRY(model->TieParameters(n.name, n.tied_to));
    if (tie_key == "layers") {
      tie_where = n.tied_where;
      tie_key = n.path + ".tied_to";
    }
  }
  auto node_of = [&](TableReader& r, const char* key, int* index) {
    std::string name;
    if (!r.String(key, &name)) return false;
    auto it = by_name.find(name);
    if (it == by_name.end() || size_t(it->second) < input_count)
      return r.Fail(key, "unknown layer \"" + name + "\"");
    *index = it->second;
    return true;
  };
  if (reg) {
    MOTE_TRY(model->SetWeightNoise(weight_noise));
    if (const toml::array* penalties = reg->TableArray("tying_penalties")) {
      for (size_t i = 0; i < penalties->size(); ++i) {
        TableReader r(source, *penalties->get(i)->as_table(), "regularization.tying_penalties[" + std::to_string(i) + "]");
        std::vector<std::string> pair;
        float strength = 0;
        if (!r.Require("layers", "the two layers, e.g. layers = [\"a\", \"b\"]") || !r.Strings("layers", &pair) ||
            !r.Require("strength", "lambda of lambda * ||w_a - w_b||^2") ||
            !r.Float("strength", &strength, Range::kNonNegative) || !r.Finish())
          return r.status();
        for (const std::string& name : pair)
          if (pair.size() != 2 || by_name.count(name) == 0 || size_t(by_name[name]) < input_count) {
            r.Fail("layers", "expected the names of two layers");
            return r.status();
          }
        MOTE_TRY(model->AddTyingPenalty(pair[0], pair[1], strength));
        if (i == 0) {
          penalty_where = r.position();
          penalty_key = r.path();
        }
      }
    }
    if (!reg->Finish()) return reg->status();
  }

  // Losses: the main one on output 0, heads on other ends of the graph.
  int main_output = int(nodes.size()) - 1;
  {
    const toml::table* t = root.Table("loss");
    if (!root.ok()) return root.status();
    const toml::table empty;
    TableReader r(source, t ? *t : empty, "loss");
    std::unique_ptr<Loss> loss;
    float weight = 1.0f;
    if ((r.Has("output") && !node_of(r, "output", &main_output)) || !MakeLoss(r, &loss) ||
        !r.Float("weight", &weight, Range::kNonNegative) || !r.Finish())
      return r.status();
    const Position where = t ? r.position() : Position{1, 1};
    const Status s = loss->Check(nodes[size_t(main_output)].shape.elements());
    if (!s.ok())
      return Error(source, where, "loss", "does not fit output " + ShapeText(nodes[size_t(main_output)].shape) +
                                              " of \"" + nodes[size_t(main_output)].name + "\": " + s.message());
    settings->classes = loss->uses_labels() ? nodes[size_t(main_output)].shape.elements() : 0;
    model->SetLoss(std::move(loss), weight);
  }
  std::vector<NodeId> outputs{nodes[size_t(main_output)].id};
  if (const toml::array* heads = root.TableArray("heads")) {
    for (size_t i = 0; i < heads->size(); ++i) {
      TableReader r(source, *heads->get(i)->as_table(), "heads[" + std::to_string(i) + "]");
      int node = -1;
      std::unique_ptr<Loss> loss;
      float weight = 1.0f;
      if (!r.Require("output", "the layer the head's loss applies to") || !node_of(r, "output", &node) ||
          !MakeLoss(r, &loss) || !r.Float("weight", &weight, Range::kNonNegative) || !r.Finish())
        return r.status();
      const Status s = loss->Check(nodes[size_t(node)].shape.elements());
      if (!s.ok()) return Error(source, r.position(), r.path(), std::string("does not fit its output: ") + s.message());
      MOTE_TRY(model->AddHead(nodes[size_t(node)].id, std::move(loss), weight));
      if (i == 0) {
        head_where = r.position();
        head_key = r.path();
      }
      if (std::find(outputs.begin(), outputs.end(), nodes[size_t(node)].id) == outputs.end())
        outputs.push_back(nodes[size_t(node)].id);
    }
  }
  if (!root.ok()) return root.status();
  MOTE_TRY(model->SetOutputs(outputs));

  MOTE_TRY(ReadOptimizer(source, root, model, settings));
  MOTE_TRY(ReadSettings(source, root, settings->input_shapes[0], settings));
  if (!root.Finish()) return root.status();
  if (!validate) return Status::Ok();
  // Everything else was checked above; Prepare checks what spans layers.
  const Status s = model->Prepare(1, settings->training.seed);
  if (s.ok()) return s;
  const std::string why = s.message();
  if (why.find("tying penalty") != std::string::npos) return Error(source, penalty_where, penalty_key, why);
  if (why.find("tie") != std::string::npos) return Error(source, tie_where, tie_key, why);
  if (why.find("head") != std::string::npos) return Error(source, head_where, head_key, why);
  return Error(source, Position{1, 1}, "layers", "the model does not build: " + why);
}

}  // namespace model_file
}  // namespace mote
