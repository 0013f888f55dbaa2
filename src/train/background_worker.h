// BackgroundWorker: one long-lived thread that runs one job at a time while
// its owner does something else (Fit's next batch, an ensemble member).
//
// - The thread is created with the worker (at the start of Fit or of
//   TrainEnsemble), never per job; Start and Wait allocate nothing.
// - An idle worker, and an owner waiting in Wait, block on a condition
//   variable: nothing spins, however long the job or the wait.
// - One job at a time: Start after the previous job's Wait (or the first).
//   The destructor waits for a job still running, then stops the thread.
// Host only (src/train), like the rest of the training library.
#pragma once
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mote {

class BackgroundWorker {
 public:
  BackgroundWorker();
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Runs job(context) on the worker's thread and returns at once.
  void Start(void (*job)(void* context), void* context);
  // Returns once the job last started has finished (at once when none runs).
  void Wait();

  // The same for a callable that outlives the job (held by pointer).
  template <class F>
  void Start(F* f) {
    Start([](void* context) { (*static_cast<F*>(context))(); }, f);
  }

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable job_ready_, job_done_;
  void (*job_)(void*) = nullptr;  // under mutex_
  void* context_ = nullptr;
  bool busy_ = false;  // a job is started and not finished
  bool stop_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace mote
