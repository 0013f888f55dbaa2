// Model: graph building and accessors (the rest: model_impl.h lists the
// parts). See include/mote/model.h for the contract.
#include "mote/model.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote/arena.h"
#include "mote/init.h"
#include "mote/kernels.h"
#include "mote/math.h"

#include "src/train/model_impl.h"

namespace mote {

using namespace model_detail;

// ---- Model ----------------------------------------------------------------------

Model::Model() : impl_(new Impl) {}
Model::~Model() = default;

NodeId Model::Input(const Shape& per_item, const std::string& name) {
  Impl::Node n;
  n.name = name.empty() ? "input_" + std::to_string(impl_->inputs.size()) : name;
  n.per_item = per_item;
  n.input_index = int(impl_->inputs.size());
  impl_->nodes.push_back(std::move(n));
  impl_->inputs.push_back(NodeId(impl_->nodes.size() - 1));
  impl_->prepared = false;
  return NodeId(impl_->nodes.size() - 1);
}

NodeId Model::Add(std::unique_ptr<Layer> layer, std::vector<NodeId> inputs, const std::string& name) {
  Impl& m = *impl_;
  m.prepared = false;
  if (!layer) {
    m.build_error = "model: Add got a null layer";
    return -1;
  }
  if (inputs.empty()) {
    if (m.nodes.empty()) {
      m.build_error = "model: add an Input before the first layer";
      return -1;
    }
    inputs.push_back(NodeId(m.nodes.size() - 1));
  }
  for (NodeId in : inputs)
    if (in < 0 || size_t(in) >= m.nodes.size()) {
      m.build_error = "model: a layer input names a node that does not exist (yet)";
      return -1;
    }
  Impl::Node n;
  n.name = name.empty() ? std::string(layer->type()) + "_" + std::to_string(m.nodes.size()) : name;
  if (find(n.name) >= 0) {
    m.build_error = "model: layer names must be unique: " + n.name;
    return -1;
  }
  n.layer = std::move(layer);
  n.inputs = std::move(inputs);
  m.nodes.push_back(std::move(n));
  return NodeId(m.nodes.size() - 1);
}

Status Model::SetOutputs(std::vector<NodeId> outputs) {
  if (outputs.empty()) return InvalidArgument("model: at least one output");
  for (NodeId o : outputs)
    if (o < 0 || size_t(o) >= impl_->nodes.size()) return InvalidArgument("model: output names no node");
  impl_->outputs = std::move(outputs);
  impl_->prepared = false;
  return Status::Ok();
}

void Model::SetLoss(std::unique_ptr<Loss> loss, float weight) {
  impl_->loss = std::move(loss);
  impl_->main_weight = weight;
  impl_->prepared = false;
}

Status Model::AddHead(NodeId node, std::unique_ptr<Loss> loss, float weight) {
  if (!loss) return InvalidArgument("model: AddHead needs a loss");
  if (!(weight >= 0.0f)) return InvalidArgument("model: head weights must be >= 0");
  impl_->heads.push_back({node, std::move(loss), weight});
  impl_->prepared = false;
  return Status::Ok();
}

size_t Model::head_count() const { return 1 + impl_->heads.size(); }
void Model::SetOptimizer(std::unique_ptr<Optimizer> optimizer) {
  impl_->optimizer = std::move(optimizer);
  impl_->prepared = false;
}

const float* Model::output(int i) const {
  if (!impl_->prepared || i < 0 || size_t(i) >= impl_->outputs.size()) return nullptr;
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].activation;
}
size_t Model::output_size(int i) const {
  if (i < 0 || size_t(i) >= impl_->outputs.size()) return 0;
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].item_size;
}
Shape Model::output_shape(int i) const {
  if (i < 0 || size_t(i) >= impl_->outputs.size()) return Shape();
  return impl_->nodes[size_t(impl_->outputs[size_t(i)])].per_item;
}
const float* Model::input_grad(int i) const {
  if (!impl_->prepared || i < 0 || size_t(i) >= impl_->inputs.size()) return nullptr;
  return impl_->nodes[size_t(impl_->inputs[size_t(i)])].grad;
}
size_t Model::input_size(int i) const {
  if (i < 0 || size_t(i) >= impl_->inputs.size()) return 0;
  return impl_->nodes[size_t(impl_->inputs[size_t(i)])].per_item.elements();
}
int Model::input_count() const { return int(impl_->inputs.size()); }
size_t Model::node_count() const { return impl_->nodes.size(); }
const std::string& Model::node_name(NodeId node) const { return impl_->nodes[size_t(node)].name; }
const Layer* Model::layer(NodeId node) const { return impl_->nodes[size_t(node)].layer.get(); }
NodeId Model::find(const std::string& name) const {
  for (size_t i = 0; i < impl_->nodes.size(); ++i)
    if (impl_->nodes[i].name == name) return NodeId(i);
  return -1;
}
Shape Model::node_shape(NodeId node) const { return impl_->nodes[size_t(node)].per_item; }
const std::vector<NodeId>& Model::node_inputs(NodeId node) const { return impl_->nodes[size_t(node)].inputs; }
NodeId Model::input_node(int i) const {
  return i >= 0 && size_t(i) < impl_->inputs.size() ? impl_->inputs[size_t(i)] : -1;
}
NodeId Model::output_node(int i) const {
  return i >= 0 && size_t(i) < impl_->outputs.size() ? impl_->outputs[size_t(i)] : -1;
}
int Model::output_count() const { return int(impl_->outputs.size()); }
const float* Model::node_output(NodeId node) const {
  return impl_->prepared ? impl_->nodes[size_t(node)].activation : nullptr;
}
const float* Model::node_param(NodeId node, const char* name) const {
  if (!impl_->prepared) return nullptr;
  for (const ParamDecl& d : impl_->param_decls)
    if (d.node == node && d.name == name) return impl_->params + d.offset;
  return nullptr;
}
const float* Model::node_state(NodeId node, const char* name) const {
  if (!impl_->prepared) return nullptr;
  for (const FloatBlockDecl& s : impl_->state_decls)
    if (s.node == node && s.name == name) return impl_->state + s.offset;
  return nullptr;
}
Model::Writer::Writer(Impl* impl, float* data, size_t size) : impl_(impl), data_(data), size_(size) {
  ++impl_->open_writers;
}
Model::Writer::Writer(Writer&& other) noexcept : impl_(other.impl_), data_(other.data_), size_(other.size_) {
  other.impl_ = nullptr;
}
Model::Writer::~Writer() {
  if (impl_ == nullptr) return;
  --impl_->open_writers;
  ++impl_->params_version;  // Predict's copies in other layouts are redone once
}
const float* Model::params() const { return impl_->params; }
Model::Writer Model::mutable_params() { return Writer(impl_.get(), impl_->params, impl_->param_count); }
float* Model::grads() { return impl_->grads; }
size_t Model::param_count() const {
  size_t n = 0;
  for (const ParamInfo& p : impl_->param_infos) n += p.size;  // tied tensors are listed once
  return n;
}
size_t Model::param_buffer_floats() const { return impl_->param_count; }
const std::vector<ParamInfo>& Model::param_infos() const { return impl_->param_infos; }
const float* Model::state() const { return impl_->state; }
Model::Writer Model::mutable_state() { return Writer(impl_.get(), impl_->state, impl_->state_count); }
size_t Model::state_count() const { return impl_->state_count; }
const std::vector<StateInfo>& Model::state_infos() const { return impl_->state_infos; }
float* Model::optimizer_state() { return impl_->optimizer_state; }
size_t Model::optimizer_state_count() const { return impl_->optimizer_state_count; }
uint64_t Model::step() const { return impl_->step; }
void Model::set_step(uint64_t step) { impl_->step = step; }
Rng& Model::rng() { return impl_->rng; }
size_t Model::arena_bytes() const { return impl_->arena.bytes; }
Loss* Model::loss() const { return impl_->loss.get(); }
Optimizer* Model::optimizer() const { return impl_->optimizer.get(); }

float Model::loss_weight() const { return impl_->main_weight; }
NodeId Model::head_node(size_t i) const {
  if (i == 0) return output_node(0) >= 0 ? output_node(0) : NodeId(impl_->nodes.size()) - 1;
  return i - 1 < impl_->heads.size() ? impl_->heads[i - 1].node : -1;
}
const Loss* Model::head_loss(size_t i) const {
  if (i == 0) return impl_->loss.get();
  return i - 1 < impl_->heads.size() ? impl_->heads[i - 1].loss.get() : nullptr;
}
float Model::head_weight(size_t i) const {
  if (i == 0) return impl_->main_weight;
  return i - 1 < impl_->heads.size() ? impl_->heads[i - 1].weight : 0.0f;
}
float Model::regularization_l1() const { return impl_->global_l1; }
float Model::regularization_l2() const { return impl_->global_l2; }
bool Model::layer_regularization(NodeId node, float* l1, float* l2) const {
  if (node < 0 || size_t(node) >= impl_->nodes.size()) return false;
  const Impl::Node& n = impl_->nodes[size_t(node)];
  if (!n.has_layer_regularization) return false;
  *l1 = n.l1;
  *l2 = n.l2;
  return true;
}
bool Model::frozen(NodeId node) const {
  return node >= 0 && size_t(node) < impl_->nodes.size() && impl_->nodes[size_t(node)].frozen;
}
size_t Model::tie_count() const { return impl_->ties.size(); }
void Model::tie(size_t i, std::string* layer, std::string* source) const {
  *layer = impl_->ties[i].layer;
  *source = impl_->ties[i].source;
}
size_t Model::tying_penalty_count() const { return impl_->tying_penalties.size(); }
void Model::tying_penalty(size_t i, std::string* a, std::string* b, float* lambda) const {
  *a = impl_->tying_penalties[i].a;
  *b = impl_->tying_penalties[i].b;
  *lambda = impl_->tying_penalties[i].lambda;
}
float Model::weight_noise() const { return impl_->weight_noise; }

}  // namespace mote
