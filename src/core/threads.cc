// ThreadPool (include/mote/threads.h). Host only: src/meson.build adds it
// outside runtime_only, like status_format.cc.
#include "mote/threads.h"

#include <chrono>
#include <algorithm>
#include <cstdlib>

#if defined(__linux__)
#include <sched.h>
#endif

namespace mote {

namespace {
// Spin iterations of a caller waiting for the workers' last chunks before it
// yields.
constexpr int kSpinIterations = 1 << 14;
// How long an idle worker spins before it blocks: long enough to bridge the
// serial parts between two parallel loops of one training step, short enough
// that an idle pool soon stops using the CPU (a pause takes 10 to 200 ns,
// depending on the CPU and the hypervisor, hence a time).
constexpr double kWorkerSpinSeconds = 200e-6;

// A loop whose caller, out of chunks, then waits longer than this and longer
// than a quarter of what it computed (a loop on time waits for one chunk at
// most), had a worker that did not run (more runnable threads than cores:
// other processes, or pools side by side). The following loops then run on
// the caller alone, first kMinInlineLoops of them (a training step has about
// 40), twice as many after every late loop, at most kMaxInlineLoops;
// kMinInlineLoops loops on time in a row halve the count again. Results are
// the same either way: they depend on the chunks only.
constexpr double kLateSeconds = 200e-6;
constexpr size_t kMinInlineLoops = 64, kMaxInlineLoops = 4096;

inline double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}
}  // namespace

ThreadPool::ThreadPool(size_t threads) { SetThreads(threads); }

ThreadPool::~ThreadPool() { Stop(); }

void ThreadPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  stop_.store(false, std::memory_order_relaxed);
}

void ThreadPool::SetThreads(size_t threads) {
  if (threads == 0) threads = 1;
  if (threads == threads_ && workers_.size() + 1 == threads) return;
  Stop();
  threads_ = threads;
  workers_.reserve(threads - 1);
  busy_.assign(threads, Busy{});
  blocks_.reset(new Block[threads]);
  started_.store(0, std::memory_order_relaxed);
  for (size_t w = 1; w < threads; ++w) workers_.emplace_back([this, w] { Work(w); });
  // Wait until every worker runs: a thread's start-up may allocate (glibc's
  // and the sanitizers' per-thread set-up), and that belongs to Prepare, not
  // to the first step that happens to overlap it.
  while (started_.load(std::memory_order_acquire) + 1 < threads) std::this_thread::yield();
}

void ThreadPool::RunChunks(size_t worker) {
  const Fn fn = fn_;
  const void* context = context_;
  const bool timing = timing_;
  // Its own block first, then the others' in turn.
  for (size_t i = 0; i < threads_; ++i) {
    Block& block = blocks_[(worker + i) % threads_];
    for (;;) {
      const size_t c = block.next.fetch_add(1, std::memory_order_relaxed);
      if (c >= block.end) break;
      const double start = timing ? Seconds() : 0;
      fn(context, c, worker);
      if (timing) busy_[worker].seconds += Seconds() - start;
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }
}

double ThreadPool::busy_seconds() const {
  double sum = 0;
  for (const Busy& b : busy_) sum += b.seconds;
  return sum;
}

// Jobs: generation_ is odd while a job is open, even once it is closed. A
// worker joins an open job by raising active_ and then checking that the job
// is still open; the caller closes the job and then waits until active_ is 0
// before it writes the next one. So the caller never waits for a worker that
// did not join (a sleeping or descheduled one: more threads than cores), and a
// late worker never reads a job being written.
void ThreadPool::Work(size_t worker) {
  started_.fetch_add(1, std::memory_order_release);
  uint64_t seen = generation_.load();
  for (;;) {
    uint64_t g = seen;
    const double spin_end = Seconds() + kWorkerSpinSeconds;
    for (int i = 1; g == seen; ++i) {
      if (stop_.load(std::memory_order_relaxed)) return;
      CpuRelax();
      g = generation_.load();
      if (i % 64 == 0 && Seconds() > spin_end) break;
    }
    if (g == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleepers_;
      ++blocked_;
      wake_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
      --sleepers_;
      if (stop_.load()) return;
      g = generation_.load();
    }
    seen = g;
    if ((g & 1) == 0) continue;  // closed already
    active_.fetch_add(1);
    if (generation_.load() == g) RunChunks(worker);
    active_.fetch_sub(1);
  }
}

void ThreadPool::Run(size_t chunks, Fn fn, const void* context) {
  if (chunks == 0) return;
  if (chunks > 1) ++stats_.loops;
  if (workers_.empty() || chunks == 1 || inline_loops_ > 0) {
    if (inline_loops_ > 0 && chunks > 1) {
      --inline_loops_;
      ++stats_.inline_loops;
    }
    for (size_t c = 0; c < chunks; ++c) fn(context, c, 0);
    return;
  }
  fn_ = fn;
  context_ = context;
  chunks_ = chunks;
  // Worker w's block: chunks [w * chunks / threads, (w + 1) * chunks / threads).
  for (size_t w = 0; w < threads_; ++w) {
    blocks_[w].next.store(w * chunks / threads_, std::memory_order_relaxed);
    blocks_[w].end = (w + 1) * chunks / threads_;
  }
  done_.store(0, std::memory_order_relaxed);
  generation_.fetch_add(1);  // open
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sleepers_ != 0) wake_.notify_all();
  }
  const double start = Seconds();
  RunChunks(0);
  const double caller_done = Seconds();
  for (int i = 0; done_.load(std::memory_order_acquire) != chunks; ++i) {
    if (i < kSpinIterations)
      CpuRelax();
    else
      std::this_thread::yield();
  }
  generation_.fetch_add(1);  // closed
  while (active_.load() != 0) CpuRelax();
  const double waited = Seconds() - caller_done;
  if (timing_) {  // profiles only
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.blocked = blocked_;
  }
  stats_.wait_seconds += waited;
  if (waited > kLateSeconds && 4 * waited > caller_done - start) {
    ++stats_.late_loops;
    inline_backoff_ = inline_backoff_ == 0 ? kMinInlineLoops : std::min(2 * inline_backoff_, kMaxInlineLoops);
    inline_loops_ = inline_backoff_;
    loops_on_time_ = 0;
  } else if (++loops_on_time_ == kMinInlineLoops) {
    inline_backoff_ /= 2;
    loops_on_time_ = 0;
  }
}

size_t DefaultThreadCount() {
  if (const char* env = std::getenv("MOTE_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0) return size_t(n);
  }
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return size_t(n);
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? size_t(n) : 1;
}

}  // namespace mote
