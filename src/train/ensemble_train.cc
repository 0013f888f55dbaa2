// TrainEnsemble (include/mote/ensemble.h): members in rounds of up to
// `groups` at once, one per BackgroundWorker (the caller runs the first).
// Not ThreadPool::ParallelFor: its caller waits by spinning, which suits the
// short loops of a training step, not members that train for minutes.
#include <algorithm>
#include <string>

#include "mote/ensemble.h"
#include "src/core/status_format.h"
#include "src/train/background_worker.h"

namespace mote {

Status TrainEnsemble(size_t train_size, const EnsembleOptions& options, const TrainMemberFn& train_member,
                     std::vector<std::unique_ptr<Model>>* models) {
  if (models == nullptr || !train_member) return InvalidArgument("ensemble: null models or member function");
  if (options.members == 0) return InvalidArgument("ensemble: need at least one member");
  if (options.bootstrap && (train_size == 0 || train_size >= (size_t(1) << 32)))
    return InvalidArgument("ensemble: bagging needs 1 to 2^32 - 1 training items");
  const size_t members = options.members;
  const size_t threads = options.threads != 0 ? options.threads : Model().threads();
  const size_t groups = std::min(threads, members);

  // Everything up front: models, resamples, statuses, the workers.
  models->clear();
  for (size_t m = 0; m < members; ++m) models->emplace_back(new Model());
  std::vector<std::vector<size_t>> samples(options.bootstrap ? members : 0);
  for (size_t m = 0; m < samples.size(); ++m) {
    Rng rng(options.seed + uint64_t(m));
    BootstrapIndices(train_size, rng, &samples[m]);
  }
  // A failure's message is copied at once: it may live in the worker thread's
  // buffers, which its next member reuses.
  std::vector<Status> status(members, Status::Ok());
  std::vector<std::string> messages(members);
  std::vector<std::unique_ptr<BackgroundWorker>> workers;
  for (size_t g = 1; g < groups; ++g) workers.emplace_back(new BackgroundWorker());

  struct Job {
    const TrainMemberFn* train_member;
    EnsembleMember member;
    Model* model;
    Status* status;
    std::string* message;
    void operator()() {
      *status = (*train_member)(member, *model);
      if (!status->ok()) *message = status->message();
    }
  };
  std::vector<Job> jobs(groups);
  for (size_t first = 0; first < members; first += groups) {
    const size_t round = std::min(groups, members - first);
    for (size_t g = 0; g < round; ++g) {
      const size_t m = first + g;
      Job& job = jobs[g];
      job.train_member = &train_member;
      job.member.index = m;
      job.member.threads = threads / round + (g < threads % round ? 1 : 0);
      job.member.sample = options.bootstrap ? &samples[m] : nullptr;
      job.model = (*models)[m].get();
      job.status = &status[m];
      job.message = &messages[m];
    }
    for (size_t g = 1; g < round; ++g) workers[g - 1]->Start(&jobs[g]);
    jobs[0]();
    for (size_t g = 1; g < round; ++g) workers[g - 1]->Wait();
  }
  for (size_t m = 0; m < members; ++m)
    if (!status[m].ok())
      return FormattedStatus(status[m].code(), "ensemble member %zu: %s", m, messages[m].c_str());
  return Status::Ok();
}

}  // namespace mote
