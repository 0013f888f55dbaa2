#include "mote/plots.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace mote {
namespace {

Status WriteFile(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError("plots: cannot open the output file");
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return IoError("plots: writing the output file failed");
  return Status::Ok();
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// One panel at (x0, y0) of w x h: axes, tick labels and one polyline per series.
void Panel(std::string& svg, double x0, double y0, double w, double h, const char* title,
           const std::vector<float>& train, const std::vector<float>& validation) {
  double lo = INFINITY, hi = -INFINITY;
  for (const std::vector<float>* s : {&train, &validation})
    for (float v : *s)
      if (std::isfinite(v)) {
        lo = std::fmin(lo, v);
        hi = std::fmax(hi, v);
      }
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (hi - lo < 1e-9) hi = lo + 1e-9;
  const size_t n = train.size();
  auto px = [&](size_t i) { return x0 + (n > 1 ? w * double(i) / double(n - 1) : w / 2); };
  auto py = [&](double v) { return y0 + h - h * (v - lo) / (hi - lo); };
  svg += "<text x=\"" + Num(x0 + w / 2) + "\" y=\"" + Num(y0 - 10) + "\" text-anchor=\"middle\">" + title +
         "</text>\n";
  svg += "<rect x=\"" + Num(x0) + "\" y=\"" + Num(y0) + "\" width=\"" + Num(w) + "\" height=\"" + Num(h) +
         "\" fill=\"none\" stroke=\"#888\"/>\n";
  svg += "<text x=\"" + Num(x0 - 6) + "\" y=\"" + Num(y0 + 4) + "\" text-anchor=\"end\">" + Num(hi) + "</text>\n";
  svg += "<text x=\"" + Num(x0 - 6) + "\" y=\"" + Num(y0 + h) + "\" text-anchor=\"end\">" + Num(lo) + "</text>\n";
  svg += "<text x=\"" + Num(x0 + w / 2) + "\" y=\"" + Num(y0 + h + 20) + "\" text-anchor=\"middle\">epoch (1.." +
         std::to_string(n) + ")</text>\n";
  auto line = [&](const std::vector<float>& s, const char* color, const char* dash, const char* name) {
    std::string points;
    for (size_t i = 0; i < s.size(); ++i)
      if (std::isfinite(s[i])) points += Num(px(i)) + "," + Num(py(s[i])) + " ";
    if (points.empty()) return;
    svg += std::string("<polyline class=\"") + name + "\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"2\" stroke-dasharray=\"" + dash + "\" points=\"" + points + "\"/>\n";
  };
  line(train, "#1f77b4", "none", "train");
  line(validation, "#d62728", "6,4", "validation");
}

}  // namespace

Status WriteLearningCurvesSvg(const History& history, const std::string& path) {
  if (history.size() == 0) return InvalidArgument("plots: empty history");
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"360\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"900\" height=\"360\" fill=\"white\"/>\n";
  Panel(svg, 70, 50, 330, 250, "loss", history.loss, history.val_loss);
  Panel(svg, 530, 50, 330, 250, "accuracy", history.accuracy, history.val_accuracy);
  svg += "<text x=\"450\" y=\"350\" text-anchor=\"middle\">solid: training, dashed: validation</text>\n</svg>\n";
  return WriteFile(path, svg);
}

Status ConfusionMatrix(const float* outputs, const int32_t* labels, size_t n, size_t classes,
                       std::vector<uint32_t>* counts) {
  if (outputs == nullptr || labels == nullptr || counts == nullptr || classes == 0)
    return InvalidArgument("plots: null argument or zero classes");
  for (size_t i = 0; i < n; ++i)
    if (labels[i] < 0 || size_t(labels[i]) >= classes) return InvalidArgument("plots: label out of range");
  counts->assign(classes * classes, 0);
  for (size_t i = 0; i < n; ++i) {
    const float* row = outputs + i * classes;
    size_t best = 0;
    for (size_t k = 1; k < classes; ++k)
      if (row[k] > row[best]) best = k;
    ++(*counts)[size_t(labels[i]) * classes + best];
  }
  return Status::Ok();
}

Status WriteConfusionMatrixSvg(const std::vector<uint32_t>& counts, size_t classes,
                               const std::vector<std::string>& class_names, const std::string& path) {
  if (classes == 0 || counts.size() != classes * classes)
    return InvalidArgument("plots: counts must hold classes x classes entries");
  if (!class_names.empty() && class_names.size() != classes)
    return InvalidArgument("plots: one name per class, or none");
  const double cell = 44, left = 120, top = 60;
  const double width = left + cell * double(classes) + 20, height = top + cell * double(classes) + 20;
  uint32_t peak = 1;
  for (uint32_t c : counts) peak = c > peak ? c : peak;
  auto name = [&](size_t k) { return class_names.empty() ? std::to_string(k) : class_names[k]; };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(width) + "\" height=\"" +
                    Num(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" "
                    "height=\"100%\" fill=\"white\"/>\n<text x=\"" + Num(left) + "\" y=\"20\">confusion matrix "
                    "(rows: true class, columns: predicted)</text>\n";
  for (size_t t = 0; t < classes; ++t) {
    svg += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(top + cell * double(t) + cell / 2 + 4) +
           "\" text-anchor=\"end\">" + name(t) + "</text>\n";
    svg += "<text x=\"" + Num(left + cell * double(t) + cell / 2) + "\" y=\"" + Num(top - 6) +
           "\" text-anchor=\"middle\">" + name(t) + "</text>\n";
    for (size_t p = 0; p < classes; ++p) {
      const uint32_t c = counts[t * classes + p];
      const int shade = 255 - int(200.0 * double(c) / double(peak));
      const std::string color = "rgb(" + std::to_string(shade) + "," + std::to_string(shade) + ",255)";
      const double x = left + cell * double(p), y = top + cell * double(t);
      svg += "<rect class=\"cell\" x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(cell) + "\" height=\"" +
             Num(cell) + "\" fill=\"" + color + "\" stroke=\"white\"/>\n";
      svg += "<text x=\"" + Num(x + cell / 2) + "\" y=\"" + Num(y + cell / 2 + 4) + "\" text-anchor=\"middle\">" +
             std::to_string(c) + "</text>\n";
    }
  }
  svg += "</svg>\n";
  return WriteFile(path, svg);
}

}  // namespace mote
