#include "src/train/background_worker.h"

namespace mote {

BackgroundWorker::BackgroundWorker() : thread_([this] { Loop(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    job_done_.wait(lock, [this] { return !busy_; });
    stop_ = true;
  }
  job_ready_.notify_one();
  thread_.join();
}

void BackgroundWorker::Start(void (*job)(void*), void* context) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = job;
    context_ = context;
    busy_ = true;
  }
  job_ready_.notify_one();
}

void BackgroundWorker::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  job_done_.wait(lock, [this] { return !busy_; });
}

void BackgroundWorker::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    job_ready_.wait(lock, [this] { return stop_ || job_ != nullptr; });
    if (job_ == nullptr) return;  // stop_, and no job left
    void (*job)(void*) = job_;
    void* context = context_;
    job_ = nullptr;
    lock.unlock();
    job(context);
    lock.lock();
    busy_ = false;
    job_done_.notify_one();
  }
}

}  // namespace mote
