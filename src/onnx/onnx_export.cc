// ExportOnnx (include/mote/onnx_export.h): a model's layers -> ONNX nodes,
// written with the classes Debian's libonnx-dev generated from onnx.proto.
// Each layer is read through its Describe hook (include/mote/describe.h),
// i.e. by its model-file type and options (docs/model-file.md), and its
// parameters by name, so one table below maps model-file types to ONNX ops
// and no layer depends on ONNX. Without the ONNX libraries (MOTE_HAVE_ONNX
// unset) the calls say so.
#include "mote/onnx_export.h"

#ifndef MOTE_HAVE_ONNX
#define MOTE_HAVE_ONNX 0
#endif

#include "src/core/status_format.h"
#include "src/train/file_io.h"

#if MOTE_HAVE_ONNX
#include <cmath>
#include <cstring>
#include <map>
#include <utility>

#include "mote/describe.h"
#include "mote/layer.h"
// ONNX_ML (src/onnx/meson.build): the ML profile's classes, the ones
// libonnx_proto holds (onnx/onnx_pb.h picks onnx-ml.pb.h by it and defines
// the ONNX_API that header uses).
#include <onnx/onnx_pb.h>
#endif

namespace mote {

bool OnnxSupported() { return MOTE_HAVE_ONNX != 0; }

#if MOTE_HAVE_ONNX
namespace {

// A layer's model-file description: its type and options by key.
class Description final : public OptionWriter {
 public:
  void Type(const char* name) override { type = name; }
  void Number(const char* key, double value) override { numbers[key] = value; }
  void Integer(const char* key, uint64_t value) override { numbers[key] = double(value); }
  void Boolean(const char* key, bool value) override { numbers[key] = value ? 1.0 : 0.0; }
  void String(const char* key, const char* value) override { strings[key] = value ? value : ""; }
  void Pair(const char* key, size_t first, size_t second) override { pairs[key] = {int64_t(first), int64_t(second)}; }
  void Init(const char*, const InitSpec&) override {}  // initializers do not matter to a trained graph

  double number(const char* key, double fallback) const {
    const auto it = numbers.find(key);
    return it == numbers.end() ? fallback : it->second;
  }
  std::pair<int64_t, int64_t> pair(const char* key) const {
    const auto it = pairs.find(key);
    return it == pairs.end() ? std::pair<int64_t, int64_t>{1, 1} : it->second;
  }
  std::string string(const char* key) const {
    const auto it = strings.find(key);
    return it == strings.end() ? std::string() : it->second;
  }

  std::string type;
  std::map<std::string, double> numbers;  // numbers, integers and booleans (0 / 1)
  std::map<std::string, std::pair<int64_t, int64_t>> pairs;
  std::map<std::string, std::string> strings;
};

using Ints = std::vector<int64_t>;

class OnnxWriter {
 public:
  OnnxWriter(const Model& model, const OnnxExportOptions& options, onnx::GraphProto* graph)
      : model_(model), options_(options), g_(*graph) {}

  Status Run(NodeId* failed) {
    const size_t n = model_.node_count();
    value_.assign(n, std::string());
    chw_image_.assign(n, Shape());
    CountReaders();
    for (int i = 0; i < model_.input_count(); ++i) {
      const NodeId node = model_.input_node(i);
      value_[size_t(node)] = model_.node_name(node);
      AddValueInfo(g_.add_input(), node, value_[size_t(node)]);
    }
    for (NodeId node = 0; node < NodeId(n); ++node) {
      const Layer* layer = model_.layer(node);
      if (layer == nullptr) continue;
      *failed = node;
      if (layer->identity_at_inference()) {
        value_[size_t(node)] = value_[size_t(In(node, 0))];
        chw_image_[size_t(node)] = chw_image_[size_t(In(node, 0))];
        continue;
      }
      node_ = node;
      MOTE_TRY(WriteLayer(*layer));
    }
    for (int i = 0; i < model_.output_count(); ++i) {
      const NodeId node = model_.output_node(i);
      *failed = node;
      // A graph output is a node's output under the output node's name
      // (under "<input>/output" for a model input that is an output).
      const std::string& name = model_.node_name(node);
      std::string value = value_[size_t(node)];
      if (value != name) {
        value = AddNode("Identity", {value}, name, name + "/identity");
      } else if (model_.layer(node) == nullptr) {
        value = AddNode("Identity", {value}, name + "/output", name + "/identity");
      }
      AddValueInfo(g_.add_output(), node, value);
    }
    *failed = -1;
    return Status::Ok();
  }

 private:
  NodeId In(NodeId node, int i) const { return model_.node_inputs(node)[size_t(i)]; }
  // Image tensors ([H, W, C] per example) are NCHW in the graph.
  bool ChannelsFirst(NodeId node) const { return model_.node_shape(node).rank() == 3; }
  const std::string& Name() const { return model_.node_name(node_); }

  // readers_[r]: the non-identity layers reading node r (identity layers
  // seen through); model outputs count as a reader that is not a layer (-1).
  void CountReaders() {
    const size_t n = model_.node_count();
    std::vector<NodeId> rep(n);
    readers_.assign(n, {});
    for (NodeId node = 0; node < NodeId(n); ++node) {
      rep[size_t(node)] = node;
      const Layer* layer = model_.layer(node);
      if (layer == nullptr) continue;
      if (layer->identity_at_inference()) {
        rep[size_t(node)] = rep[size_t(In(node, 0))];
        continue;
      }
      for (NodeId i : model_.node_inputs(node)) readers_[size_t(rep[size_t(i)])].push_back(node);
    }
    for (int i = 0; i < model_.output_count(); ++i) readers_[size_t(rep[size_t(model_.output_node(i))])].push_back(-1);
  }

  // [batch, per-example dims], NCHW for images.
  Ints GraphDims(NodeId node) const {
    const Shape s = model_.node_shape(node);
    Ints dims;
    for (int i = 0; i < s.rank(); ++i) dims.push_back(int64_t(s.dim(i)));
    if (ChannelsFirst(node)) dims = {dims[2], dims[0], dims[1]};
    return dims;
  }

  void AddValueInfo(onnx::ValueInfoProto* info, NodeId node, const std::string& name) const {
    info->set_name(name);
    onnx::TypeProto_Tensor* tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto* shape = tensor->mutable_shape();
    if (options_.batch == 0) {
      shape->add_dim()->set_dim_param("batch");
    } else {
      shape->add_dim()->set_dim_value(int64_t(options_.batch));
    }
    for (int64_t d : GraphDims(node)) shape->add_dim()->set_dim_value(d);
  }

  // ---- building blocks ----------------------------------------------------------
  // A node of the layer being written; returns its (first) output's name.
  std::string AddNode(const char* op, const std::vector<std::string>& inputs, const std::string& output,
                      const std::string& node_name, onnx::NodeProto** out = nullptr) {
    onnx::NodeProto* node = g_.add_node();
    node->set_op_type(op);
    node->set_name(node_name);
    for (const std::string& i : inputs) node->add_input(i);
    node->add_output(output);
    if (out != nullptr) *out = node;
    return output;
  }
  // The layer's main node: named after it, its output the layer's value.
  onnx::NodeProto* LayerNode(const char* op, const std::vector<std::string>& inputs) {
    onnx::NodeProto* node;
    value_[size_t(node_)] = AddNode(op, inputs, Name(), Name(), &node);
    return node;
  }
  // A helper node of the layer (a Transpose, a Squeeze): "<layer>/<what>".
  std::string Helper(const char* op, const std::string& input, const char* what, onnx::NodeProto** out = nullptr) {
    return AddNode(op, {input}, Name() + "/" + what, Name() + "/" + what, out);
  }
  std::string Transpose(const std::string& input, const Ints& perm, const char* what) {
    onnx::NodeProto* node;
    const std::string out = Helper("Transpose", input, what, &node);
    Attr(node, "perm", perm);
    return out;
  }

  static void Attr(onnx::NodeProto* node, const char* name, int64_t value) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }
  static void Attr(onnx::NodeProto* node, const char* name, float value) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
  }
  static void Attr(onnx::NodeProto* node, const char* name, const Ints& values) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
  }
  static void Attr(onnx::NodeProto* node, const char* name, const char* value) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
  }

  // Initializers of the layer: "<layer>/<what>".
  std::string Constant(const char* what, const Ints& dims, const std::vector<float>& values) {
    onnx::TensorProto* t = g_.add_initializer();
    t->set_name(Name() + "/" + what);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    t->mutable_float_data()->Add(values.begin(), values.end());
    return t->name();
  }
  std::string IntConstant(const char* what, const Ints& values) {
    onnx::TensorProto* t = g_.add_initializer();
    t->set_name(Name() + "/" + what);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(int64_t(values.size()));
    t->mutable_int64_data()->Add(values.begin(), values.end());
    return t->name();
  }
  // The layer's parameter or state `name` (count floats), or `fallback`
  // repeated when it has none (no bias, no gamma).
  std::vector<float> Floats(const char* name, size_t count, bool state, float fallback) const {
    const float* p = state ? model_.node_state(node_, name) : model_.node_param(node_, name);
    return p == nullptr ? std::vector<float>(count, fallback) : std::vector<float>(p, p + count);
  }

  // Window attributes of Conv / MaxPool / AveragePool from the model-file options.
  static void Window(onnx::NodeProto* node, const Description& d, const char* size_key) {
    const auto size = d.pair(size_key);
    const auto strides = d.pair("strides");
    Attr(node, "kernel_shape", Ints{size.first, size.second});
    Attr(node, "strides", Ints{strides.first, strides.second});
    const std::string padding = d.string("padding");
    if (padding == "same") {
      Attr(node, "auto_pad", "SAME_UPPER");  // TensorFlow's rule: the extra pixel after
    } else if (padding == "explicit") {
      const auto pad = d.pair("pad");
      Attr(node, "pads", Ints{pad.first, pad.second, pad.first, pad.second});
    }
  }

  // ---- the layers -------------------------------------------------------------------
  Status WriteLayer(const Layer& layer) {
    Description d;
    if (!layer.Describe(d).ok() || d.type.empty())
      return FormattedStatus(StatusCode::kUnsupported,
                             "onnx export: layer '%s' (%s) has no model-file description, so no ONNX form",
                             Name().c_str(), layer.type());
    using Writer = Status (OnnxWriter::*)(const Description&);
    static const std::pair<const char*, Writer> kWriters[] = {
        {"conv2d", &OnnxWriter::Conv},
        {"depthwise_conv2d", &OnnxWriter::Conv},
        {"dense", &OnnxWriter::Dense},
        {"batch_norm", &OnnxWriter::BatchNorm},
        {"relu", &OnnxWriter::Elementwise},
        {"leaky_relu", &OnnxWriter::Elementwise},
        {"sigmoid", &OnnxWriter::Elementwise},
        {"tanh", &OnnxWriter::Elementwise},
        {"softmax", &OnnxWriter::Elementwise},
        {"add", &OnnxWriter::Elementwise},
        {"max_pool2d", &OnnxWriter::Pool},
        {"avg_pool2d", &OnnxWriter::Pool},
        {"global_average_pool", &OnnxWriter::GlobalAveragePool},
        {"flatten", &OnnxWriter::Flatten},
        {"simple_rnn", &OnnxWriter::Recurrent},
        {"lstm", &OnnxWriter::Recurrent},
        {"gru", &OnnxWriter::Recurrent},
    };
    for (const auto& w : kWriters)
      if (d.type == w.first) return (this->*w.second)(d);
    return FormattedStatus(StatusCode::kUnsupported, "onnx export: layer '%s' of type '%s' has no ONNX form",
                           Name().c_str(), d.type.c_str());
  }

  Status Conv(const Description& d) {
    const Shape in = model_.node_shape(In(node_, 0));  // [H, W, C]
    const auto kernel = d.pair("kernel");
    const size_t kh = size_t(kernel.first), kw = size_t(kernel.second), c = in.c();
    const bool depthwise = d.type == "depthwise_conv2d";
    const size_t filters = depthwise ? c : size_t(d.number("filters", 0));
    const size_t cin = depthwise ? 1 : c;
    // mote: [F][ky][kx][C] (depthwise [ky][kx][C]); ONNX: [F][C][ky][kx].
    const std::vector<float> k = Floats("kernel", filters * kh * kw * cin, false, 0.0f);
    std::vector<float> w(k.size());
    for (size_t f = 0; f < filters; ++f)
      for (size_t ci = 0; ci < cin; ++ci)
        for (size_t y = 0; y < kh; ++y)
          for (size_t x = 0; x < kw; ++x)
            w[((f * cin + ci) * kh + y) * kw + x] =
                depthwise ? k[(y * kw + x) * c + f] : k[((f * kh + y) * kw + x) * cin + ci];
    std::vector<std::string> inputs = {value_[size_t(In(node_, 0))],
                                       Constant("kernel", {int64_t(filters), int64_t(cin), int64_t(kh), int64_t(kw)}, w)};
    if (model_.node_param(node_, "bias") != nullptr)
      inputs.push_back(Constant("bias", {int64_t(filters)}, Floats("bias", filters, false, 0.0f)));
    onnx::NodeProto* node = LayerNode("Conv", inputs);
    Window(node, d, "kernel");
    if (depthwise) Attr(node, "group", int64_t(c));
    return Status::Ok();
  }

  Status Dense(const Description& d) {
    const NodeId input = In(node_, 0);
    const Shape in = model_.node_shape(input);
    const size_t units = size_t(d.number("units", 0)), features = in.elements();
    std::vector<float> k = Floats("kernel", units * features, false, 0.0f);
    std::string x = value_[size_t(input)];
    // The image x holds flattened in (c, h, w) order (rank 0: none).
    Shape image = ChannelsFirst(input) ? in : chw_image_[size_t(input)];
    if (in.rank() > 1) x = Helper("Flatten", x, "flatten");  // axis 1 (the default)
    if (image.rank() == 3) {
      // Columns from mote's (h, w, c) order to ONNX's (c, h, w) one.
      const size_t h = image.dim(0), w = image.dim(1), c = image.dim(2);
      const std::vector<float> hwc = k;
      for (size_t u = 0; u < units; ++u)
        for (size_t ci = 0; ci < c; ++ci)
          for (size_t p = 0; p < h * w; ++p) k[u * features + ci * h * w + p] = hwc[u * features + p * c + ci];
    }
    std::vector<std::string> inputs = {x, Constant("kernel", {int64_t(units), int64_t(features)}, k)};
    if (model_.node_param(node_, "bias") != nullptr)
      inputs.push_back(Constant("bias", {int64_t(units)}, Floats("bias", units, false, 0.0f)));
    Attr(LayerNode("Gemm", inputs), "transB", int64_t(1));  // B is [units][features], mote's layout
    return Status::Ok();
  }

  Status BatchNorm(const Description& d) {
    const NodeId input = In(node_, 0);
    const Shape in = model_.node_shape(input);
    const size_t c = in.c();
    std::vector<std::string> inputs = {value_[size_t(input)],
                                       Constant("gamma", {int64_t(c)}, Floats("gamma", c, false, 1.0f)),
                                       Constant("beta", {int64_t(c)}, Floats("beta", c, false, 0.0f)),
                                       Constant("moving_mean", {int64_t(c)}, Floats("moving_mean", c, true, 0.0f)),
                                       Constant("moving_variance", {int64_t(c)}, Floats("moving_variance", c, true, 1.0f))};
    // ONNX normalizes over dim 1: [N, T, F] goes through [N, F, T].
    const bool sequence = in.rank() == 2;
    if (sequence) inputs[0] = Transpose(inputs[0], {0, 2, 1}, "to_nft");
    onnx::NodeProto* node;
    const std::string out = AddNode("BatchNormalization", inputs, sequence ? Name() + "/nft" : Name(), Name(), &node);
    Attr(node, "epsilon", float(d.number("epsilon", 1e-3)));
    Attr(node, "momentum", float(d.number("momentum", 0.99)));  // Keras's convention, as ONNX's
    value_[size_t(node_)] = out;
    if (sequence) {
      value_[size_t(node_)] = AddNode("Transpose", {out}, Name(), Name() + "/to_ntf", &node);
      Attr(node, "perm", Ints{0, 2, 1});
    }
    return Status::Ok();
  }

  // relu (Clip with a max_value), leaky_relu, sigmoid, tanh, softmax, add: one node, same shape.
  Status Elementwise(const Description& d) {
    static const std::pair<const char*, const char*> kOps[] = {
        {"relu", "Relu"}, {"leaky_relu", "LeakyRelu"}, {"sigmoid", "Sigmoid"},
        {"tanh", "Tanh"}, {"softmax", "Softmax"},      {"add", "Add"}};
    const char* op = nullptr;
    for (const auto& o : kOps)
      if (d.type == o.first) op = o.second;
    std::vector<std::string> inputs;
    for (NodeId i : model_.node_inputs(node_)) inputs.push_back(value_[size_t(i)]);
    // A bounded ReLU (max_value; ReLU6) is Clip(x, 0, max), both bounds scalar inputs (opset 11 on).
    const double max_value = d.type == "relu" ? d.number("max_value", INFINITY) : INFINITY;
    if (std::isfinite(max_value)) {
      op = "Clip";
      inputs.push_back(Constant("min", {}, {0.0f}));
      inputs.push_back(Constant("max", {}, {float(max_value)}));
    }
    onnx::NodeProto* node = LayerNode(op, inputs);
    if (d.type == "leaky_relu") Attr(node, "alpha", float(d.number("alpha", 0.01)));
    if (d.type == "softmax") Attr(node, "axis", int64_t(ChannelsFirst(node_) ? 1 : -1));  // mote: the last dim
    return Status::Ok();
  }

  Status Pool(const Description& d) {
    onnx::NodeProto* node = LayerNode(d.type == "max_pool2d" ? "MaxPool" : "AveragePool", {value_[size_t(In(node_, 0))]});
    Window(node, d, "pool");
    return Status::Ok();
  }

  Status GlobalAveragePool(const Description&) {
    // [N, C, 1, 1] -> mote's [N, C].
    const std::string pooled = Helper("GlobalAveragePool", value_[size_t(In(node_, 0))], "pool");
    LayerNode("Flatten", {pooled});
    return Status::Ok();
  }

  Status Flatten(const Description&) {
    const NodeId input = In(node_, 0);
    std::string x = value_[size_t(input)];
    if (ChannelsFirst(input)) {
      bool dense_only = true;
      for (NodeId r : readers_[size_t(node_)]) {
        Description rd;
        dense_only = dense_only && r >= 0 && model_.layer(r)->Describe(rd).ok() && rd.type == "dense";
      }
      if (dense_only) {
        chw_image_[size_t(node_)] = model_.node_shape(input);  // the Dense layers permute their columns
      } else {
        x = Transpose(x, {0, 2, 3, 1}, "to_nhwc");  // keep mote's (h, w, c) order
      }
    }
    LayerNode("Flatten", {x});
    return Status::Ok();
  }

  // ONNX gate g takes mote gate kOrder[g]; a negated gate gets -weights.
  Status Recurrent(const Description& d) {
    const NodeId input = In(node_, 0);
    const Shape in = model_.node_shape(input);  // [T, F]
    const size_t hidden = size_t(d.number("units", 0)), features = in.dim(1);
    const char* op = d.type == "simple_rnn" ? "RNN" : d.type == "lstm" ? "LSTM" : "GRU";
    std::vector<size_t> order = {0};
    size_t negated = size_t(-1);
    if (d.type == "lstm") order = {0, 3, 1, 2};  // mote (i, f, g, o) -> ONNX (i, o, f, c)
    if (d.type == "gru") {
      order = {0, 1, 2};  // (z, r, h) both
      negated = 0;        // ONNX's z weighs h_{t-1}, mote's the candidate: z_onnx = 1 - z_mote
    }
    const size_t gates = order.size();
    const std::vector<float> kernel = Floats("kernel", gates * hidden * features, false, 0.0f);
    const std::vector<float> recurrent = Floats("recurrent_kernel", gates * hidden * hidden, false, 0.0f);
    const std::vector<float> bias = Floats("bias", gates * hidden, false, 0.0f);
    std::vector<float> w, r, b;
    for (size_t g = 0; g < gates; ++g) {
      const float sign = g == negated ? -1.0f : 1.0f;
      const size_t m = order[g];
      for (size_t i = 0; i < hidden * features; ++i) w.push_back(sign * kernel[m * hidden * features + i]);
      for (size_t i = 0; i < hidden * hidden; ++i) r.push_back(sign * recurrent[m * hidden * hidden + i]);
      for (size_t i = 0; i < hidden; ++i) b.push_back(sign * bias[m * hidden + i]);
    }
    b.resize(2 * gates * hidden, 0.0f);  // [Wb, Rb]: mote has one bias, Rb = 0
    const int64_t gh = int64_t(gates * hidden);
    std::vector<std::string> inputs = {Transpose(value_[size_t(input)], {1, 0, 2}, "to_tnf"),
                                       Constant("kernel", {1, gh, int64_t(features)}, w),
                                       Constant("recurrent_kernel", {1, gh, int64_t(hidden)}, r)};
    if (model_.node_param(node_, "bias") != nullptr) inputs.push_back(Constant("bias", {1, 2 * gh}, b));
    onnx::NodeProto* node;
    const bool sequences = d.number("return_sequences", 0) != 0;
    AddNode(op, inputs, Name() + "/y", Name() + "/" + d.type, &node);
    node->add_output(Name() + "/y_h");
    Attr(node, "hidden_size", int64_t(hidden));
    if (d.type == "gru") Attr(node, "linear_before_reset", int64_t(0));  // Cho et al.'s form, mote's
    if (sequences) {
      // Y [T, 1, N, H] -> [T, N, H] -> [N, T, H].
      const std::string y =
          AddNode("Squeeze", {Name() + "/y", IntConstant("axes", {1})}, Name() + "/tnh", Name() + "/squeeze");
      onnx::NodeProto* transpose;
      value_[size_t(node_)] = AddNode("Transpose", {y}, Name(), Name(), &transpose);
      Attr(transpose, "perm", Ints{1, 0, 2});
    } else {
      // Y_h [1, N, H] -> [N, H].
      LayerNode("Squeeze", {Name() + "/y_h", IntConstant("axes", {0})});
    }
    return Status::Ok();
  }

  const Model& model_;
  const OnnxExportOptions& options_;
  onnx::GraphProto& g_;
  std::vector<std::string> value_;           // node -> the graph value holding its output
  std::vector<Shape> chw_image_;  // node -> the image its value holds flattened in (c, h, w) order, or rank 0
  std::vector<std::vector<NodeId>> readers_;
  NodeId node_ = -1;  // the layer being written
};

}  // namespace

Status ExportOnnx(const Model& model, const OnnxExportOptions& options, std::vector<uint8_t>* bytes,
                  OnnxExportReport* report) {
  if (bytes == nullptr) return InvalidArgument("onnx export: null output");
  if (!model.prepared()) return InvalidArgument("onnx export: Prepare the model first");
  onnx::ModelProto proto;
  proto.set_ir_version(kOnnxIrVersion);
  proto.set_producer_name("mote");
  proto.set_doc_string("mote's training graph in fp32; image tensors NCHW (docs/onnx.md)");
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  if (!options.model_file_text.empty()) {
    onnx::StringStringEntryProto* entry = proto.add_metadata_props();
    entry->set_key("mote.model_file");
    entry->set_value(options.model_file_text);
  }
  onnx::GraphProto* graph = proto.mutable_graph();
  graph->set_name(options.graph_name);
  NodeId failed = -1;
  const Status s = OnnxWriter(model, options, graph).Run(&failed);
  if (!s.ok()) {
    if (report != nullptr && failed >= 0) {
      report->failed_node = model.node_name(failed);
      report->failed_layer_type = model.layer(failed) ? model.layer(failed)->type() : "Input";
    }
    return s;
  }
  const size_t size = proto.ByteSizeLong();
  if (size > size_t(INT32_MAX)) return OutOfRange("onnx export: the model exceeds protobuf's 2 GiB");
  bytes->resize(size);
  if (!proto.SerializeToArray(bytes->data(), int(size))) return Status(StatusCode::kInternal, "onnx export: protobuf serialization failed");
  if (report != nullptr) {
    report->nodes = size_t(graph->node_size());
    report->initializers = size_t(graph->initializer_size());
  }
  return Status::Ok();
}

#else  // !MOTE_HAVE_ONNX

Status ExportOnnx(const Model&, const OnnxExportOptions&, std::vector<uint8_t>*, OnnxExportReport*) {
  return Unsupported("onnx export: this mote was built without ONNX (Debian: libonnx-dev, libprotobuf-dev)");
}

#endif

Status ExportOnnxToFile(const Model& model, const OnnxExportOptions& options, const std::string& path,
                        OnnxExportReport* report) {
  std::vector<uint8_t> bytes;
  MOTE_TRY(ExportOnnx(model, options, &bytes, report));
  return file_io::WriteFileAtomically(path, bytes.data(), bytes.size());
}

}  // namespace mote
