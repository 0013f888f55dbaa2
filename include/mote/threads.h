// ThreadPool: a fixed set of worker threads for the training library (host
// only; the freestanding runtime never links it).
//
// - Workers are created once (constructor or SetThreads), never per call.
// - ParallelFor(chunks, f) calls f(chunk, worker) for every chunk in
//   [0, chunks) on the caller (worker 0) and the pool's threads (workers 1 ..
//   threads() - 1), and returns when all are done. Worker w first runs the
//   w-th of `threads` equal blocks of consecutive chunks, in order, then
//   takes chunks left in the others' blocks. So loops over the same data cut
//   alike give each thread the same part of it, which stays in its core's
//   cache (a line another core wrote costs several times a local one), and a
//   late or descheduled worker's chunks still get done. Which worker runs
//   which chunk still varies, so results must depend on the chunk only:
//   callers split work into a number of chunks that does not depend on the
//   thread count (deterministic results for every thread count), and use
//   per-worker memory for scratch only.
// - A dispatch allocates nothing and takes no lock on the fast path: idle
//   workers spin briefly on the dispatch counter, then block on a condition
//   variable, so an idle pool uses no CPU.
// - ParallelFor is not reentrant: f must not call ParallelFor on the same pool.
// - When a worker did not get a core in time (the caller ran out of chunks
//   and then waited for it longer than 200 us and longer than a quarter of
//   what it computed: more runnable threads than cores), the next loops run on
//   the caller alone, 64 of them, doubling each time it happens again, up to
//   4096 (threads.cc).
//   Results do not change: they depend on the chunks only.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace mote {

class ThreadPool {
 public:
  // `threads` workers in all, the caller included (0 or 1: no threads).
  explicit ThreadPool(size_t threads = 1);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Stops the old threads and starts threads - 1 new ones (allocates).
  void SetThreads(size_t threads);
  size_t threads() const { return threads_; }

  // What the pool did since it started (for profiles: StepProfile).
  struct Stats {
    uint64_t loops = 0;         // parallel loops of more than one chunk
    uint64_t inline_loops = 0;  // of them, run on the caller alone (a worker was late before)
    uint64_t late_loops = 0;    // loops whose caller waited too long for a worker
    double wait_seconds = 0;    // the caller's wait for the workers' last chunks
    uint64_t blocked = 0;       // times a worker stopped spinning and blocked (with timing on)
  };
  const Stats& stats() const { return stats_; }
  // With timing on, every chunk of a parallel loop is timed: busy_seconds()
  // is their sum over all workers (profiles only: two clock reads a chunk).
  void set_timing(bool on) { timing_ = on; }
  double busy_seconds() const;

  template <class F>
  void ParallelFor(size_t chunks, const F& f) {
    Run(chunks, &Call<F>, &f);
  }

 private:
  using Fn = void (*)(const void* context, size_t chunk, size_t worker);
  template <class F>
  static void Call(const void* context, size_t chunk, size_t worker) {
    (*static_cast<const F*>(context))(chunk, worker);
  }
  void Run(size_t chunks, Fn fn, const void* context);
  void Work(size_t worker);
  void RunChunks(size_t worker);
  void Stop();

  size_t threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // The current job; written by the caller before `generation_` moves.
  Fn fn_ = nullptr;
  const void* context_ = nullptr;
  size_t chunks_ = 0;
  // Each worker's block of the current job's chunks: worker w runs chunks
  // [next, end) of block w first, in order, then takes what is left of the
  // others' blocks (threads.cc).
  struct alignas(64) Block {
    std::atomic<size_t> next{0};
    size_t end = 0;
  };
  std::unique_ptr<Block[]> blocks_;
  std::atomic<size_t> done_{0};          // chunks finished
  std::atomic<size_t> active_{0};        // workers inside the current job
  std::atomic<uint64_t> generation_{0};  // odd: a job is open (threads.cc)
  std::atomic<bool> stop_{false};
  std::atomic<size_t> started_{0};       // workers that have begun Work()
  size_t sleepers_ = 0;                  // under mutex_
  uint64_t blocked_ = 0;                 // under mutex_: Stats::blocked
  size_t inline_loops_ = 0;              // loops left to run on the caller alone
  size_t inline_backoff_ = 0;            // their count after the last late loop
  size_t loops_on_time_ = 0;             // since then, in a row
  Stats stats_;
  bool timing_ = false;
  struct alignas(64) Busy {
    double seconds = 0;
  };
  std::vector<Busy> busy_;  // per worker, with timing_
};

// Chunks of `grain` items over n items (the last one shorter): a number that
// depends on the work only, never on the thread count.
inline size_t ChunkCount(size_t n, size_t grain) { return grain == 0 ? 0 : (n + grain - 1) / grain; }

// f(chunk, worker) for every chunk in [0, chunks): on the pool, or on the
// caller in chunk order (worker 0) when `pool` is null. For work whose
// results depend on the chunking (partial sums reduced in chunk order), so
// one thread computes exactly what many do.
template <class F>
void ForEachChunk(ThreadPool* pool, size_t chunks, const F& f) {
  if (pool != nullptr) return pool->ParallelFor(chunks, f);
  for (size_t c = 0; c < chunks; ++c) f(c, size_t(0));
}

// f(begin, end) over [0, n) in pieces of `grain` on the pool, or once for
// the whole range without one. Only for element-wise work, whose results do
// not depend on where the range is cut.
template <class F>
void ForEachRange(ThreadPool* pool, size_t n, size_t grain, const F& f) {
  if (n == 0) return;
  if (pool == nullptr || n <= grain) return f(size_t(0), n);
  pool->ParallelFor(ChunkCount(n, grain), [&](size_t chunk, size_t) {
    const size_t begin = chunk * grain;
    f(begin, n - begin < grain ? n : begin + grain);
  });
}

// Worker threads for a model by default: MOTE_NUM_THREADS when set to a
// positive integer, else the CPUs in the process's affinity mask
// (sched_getaffinity), else std::thread::hardware_concurrency(), at least 1.
size_t DefaultThreadCount();

}  // namespace mote
