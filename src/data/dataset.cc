#include <string.h>

#include <algorithm>
#include <utility>

#include "mote/data.h"
#include "mote/rng.h"

namespace mote {

Status ValidateDataset(const Dataset& d) {
  const size_t per_item = d.item_shape.elements();
  if (d.item_shape.rank() == 0 || per_item == 0) {
    if (!d.x.empty() || !d.labels.empty()) return CorruptData("dataset: data without an item shape");
    return Status::Ok();
  }
  if (d.x.size() % per_item != 0) return CorruptData("dataset: x is not a whole number of items");
  if (!d.labels.empty() && d.labels.size() != d.x.size() / per_item)
    return CorruptData("dataset: label count differs from item count");
  for (int32_t l : d.labels)
    if (l < 0) return CorruptData("dataset: negative label");
  return Status::Ok();
}

int64_t NumClasses(const Dataset& d) {
  int64_t top = -1;
  for (int32_t l : d.labels) top = std::max<int64_t>(top, l);
  return top + 1;
}

namespace {

// Copies items of `all` chosen by index(i), i < count, into a fresh set.
template <typename IndexFn>
Dataset Gather(const Dataset& all, size_t count, IndexFn index) {
  Dataset out;
  out.item_shape = all.item_shape;
  const size_t per_item = all.item_shape.elements();
  const bool labelled = !all.labels.empty();
  out.x.resize(count * per_item);
  if (labelled) out.labels.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t j = index(i);
    if (per_item != 0) memcpy(out.x.data() + i * per_item, all.x.data() + j * per_item, per_item * sizeof(float));
    if (labelled) out.labels[i] = all.labels[j];
  }
  return out;
}

}  // namespace

Status Slice(const Dataset& all, size_t begin, size_t end, Dataset* out) {
  if (out == nullptr) return InvalidArgument("dataset: null output");
  MOTE_TRY(ValidateDataset(all));
  if (begin > end || end > all.size()) return OutOfRange("dataset: slice outside the items");
  *out = Gather(all, end - begin, [begin](size_t i) { return begin + i; });
  return Status::Ok();
}

Status Subset(const Dataset& all, const std::vector<size_t>& indices, Dataset* out) {
  if (out == nullptr) return InvalidArgument("dataset: null output");
  MOTE_TRY(ValidateDataset(all));
  const size_t n = all.size();
  for (size_t i : indices)
    if (i >= n) return OutOfRange("dataset: subset index beyond the items");
  *out = Gather(all, indices.size(), [&indices](size_t i) { return indices[i]; });
  return Status::Ok();
}

void ShuffledIndices(size_t n, uint64_t seed, std::vector<size_t>* out) {
  out->resize(n);
  for (size_t i = 0; i < n; ++i) (*out)[i] = i;
  Rng rng(seed);
  for (size_t i = n; i > 1; --i) {
    const size_t j = rng.Below(static_cast<uint32_t>(i));
    std::swap((*out)[i - 1], (*out)[j]);
  }
}

Status SplitIndices(size_t n, float fraction, uint64_t seed, std::vector<size_t>* train,
                    std::vector<size_t>* validation) {
  if (train == nullptr || validation == nullptr) return InvalidArgument("split: null output");
  if (train == validation) return InvalidArgument("split: train and validation are the same object");
  if (!(fraction >= 0.0f && fraction <= 1.0f)) return InvalidArgument("split: fraction outside [0, 1]");
  if (n > UINT32_MAX) return Unsupported("split: more than 2^32 - 1 items");
  size_t n_val = static_cast<size_t>(static_cast<double>(fraction) * static_cast<double>(n) + 0.5);
  if (n_val > n) n_val = n;
  std::vector<size_t> order;
  ShuffledIndices(n, seed, &order);
  validation->assign(order.begin(), order.begin() + n_val);
  train->assign(order.begin() + n_val, order.end());
  std::sort(validation->begin(), validation->end());
  std::sort(train->begin(), train->end());
  return Status::Ok();
}

Status SplitValidation(const Dataset& all, float fraction, uint64_t seed, Dataset* train, Dataset* validation) {
  if (train == nullptr || validation == nullptr) return InvalidArgument("split: null output");
  if (train == validation) return InvalidArgument("split: train and validation are the same object");
  if (!(fraction >= 0.0f && fraction <= 1.0f)) return InvalidArgument("split: fraction outside [0, 1]");
  MOTE_TRY(ValidateDataset(all));
  std::vector<size_t> train_idx, val_idx;
  MOTE_TRY(SplitIndices(all.size(), fraction, seed, &train_idx, &val_idx));
  // Build both before writing either: all may alias an output.
  Dataset t = Gather(all, train_idx.size(), [&train_idx](size_t i) { return train_idx[i]; });
  Dataset v = Gather(all, val_idx.size(), [&val_idx](size_t i) { return val_idx[i]; });
  *train = std::move(t);
  *validation = std::move(v);
  return Status::Ok();
}

}  // namespace mote
