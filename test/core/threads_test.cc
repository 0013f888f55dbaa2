#include "mote/threads.h"
#if defined(__linux__)
#include <sched.h>
#endif

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace mote {
namespace {

TEST(ThreadPool, RunsEveryChunkOnceForEveryThreadCount) {
  for (size_t threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t chunks : {0, 1, 2, 5, 64, 1000}) {
      std::vector<int> hits(chunks, 0);
      std::vector<std::atomic<int>> per_worker(threads);
      pool.ParallelFor(chunks, [&](size_t chunk, size_t worker) {
        ++hits[chunk];  // each chunk runs on exactly one worker: no race
        ASSERT_LT(worker, threads);
        per_worker[worker].fetch_add(1);
      });
      int total = 0;
      for (auto& w : per_worker) total += w.load();
      EXPECT_EQ(size_t(total), chunks);
      for (size_t c = 0; c < chunks; ++c) EXPECT_EQ(hits[c], 1) << threads << " threads, chunk " << c;
    }
  }
}

TEST(ThreadPool, ManyDispatchesAndResizes) {
  ThreadPool pool(3);
  std::vector<double> out(97, 0.0);
  for (int round = 0; round < 2000; ++round)
    pool.ParallelFor(out.size(), [&](size_t chunk, size_t) { out[chunk] += double(chunk); });
  for (size_t c = 0; c < out.size(); ++c) EXPECT_EQ(out[c], 2000.0 * double(c));
  pool.SetThreads(2);
  EXPECT_EQ(pool.threads(), 2u);
  pool.SetThreads(0);  // no threads: the caller alone
  EXPECT_EQ(pool.threads(), 1u);
  size_t sum = 0;
  pool.ParallelFor(10, [&](size_t chunk, size_t worker) {
    EXPECT_EQ(worker, 0u);
    sum += chunk;
  });
  EXPECT_EQ(sum, 45u);
}

// Many short loops back to back with odd chunk counts (fewer chunks than
// workers, one more than a multiple, primes): every chunk of every loop runs
// once and its writes are visible to the caller when ParallelFor returns. The
// job handshake's races show here (and under ThreadSanitizer) if anywhere.
TEST(ThreadPool, StressManyShortLoops) {
  for (size_t threads : {2, 3, 8}) {
    ThreadPool pool(threads);
    std::vector<uint32_t> out(37, 0);
    uint64_t expected = 0, checked = 0;
    for (uint32_t round = 1; round <= 3000; ++round) {
      const size_t chunks = 1 + (round * 7) % out.size();  // 1..37
      pool.ParallelFor(chunks, [&](size_t chunk, size_t) { out[chunk] = round * 64 + uint32_t(chunk); });
      for (size_t c = 0; c < chunks; ++c) checked += out[c] == round * 64 + c ? 1 : 0;
      expected += chunks;
    }
    EXPECT_EQ(checked, expected) << threads << " threads";
  }
}

TEST(ThreadPool, IdleWorkersBlockAndWakeUp) {
  // Workers that ran out of spinning sleep on the condition variable; a later
  // dispatch wakes them. (No timing is asserted: the dispatch just completes.)
  ThreadPool pool(4);
  std::atomic<int> n{0};
  pool.ParallelFor(16, [&](size_t, size_t) { n.fetch_add(1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pool.ParallelFor(16, [&](size_t, size_t) { n.fetch_add(1); });
  EXPECT_EQ(n.load(), 32);
}

// A worker that holds a chunk long after the caller ran out of them (as a
// thread without a core does) makes the next loops run on the caller alone.
// The probe loop's chunks take 100 us each, so a worker that is used takes
// some of them; retried, since a loaded machine can delay the caller too.
// (No timing is asserted: only which worker ran the chunks.)
TEST(ThreadPool, ALateWorkerMakesTheNextLoopsRunOnTheCaller) {
  ThreadPool pool(2);
  bool caller_alone = false;
  for (int attempt = 0; attempt < 20 && !caller_alone; ++attempt) {
    std::atomic<bool> held{false};
    pool.ParallelFor(64, [&](size_t, size_t worker) {
      if (worker != 0 && !held.exchange(true))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      else  // 20 us of work: time for the worker to join
        for (auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
             std::chrono::steady_clock::now() < end;) {
        }
    });
    if (!held.load()) continue;  // the worker took no chunk: not late
    std::atomic<int> elsewhere{0};
    pool.ParallelFor(64, [&](size_t, size_t worker) {
      if (worker != 0) elsewhere.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    });
    caller_alone = elsewhere.load() == 0;
  }
  EXPECT_TRUE(caller_alone);
}

// The CPUs this process may run on (what DefaultThreadCount() falls back to).
size_t CpusOfTheAffinityMask() {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return size_t(CPU_COUNT(&set));
#endif
  return std::thread::hardware_concurrency() > 0 ? std::thread::hardware_concurrency() : 1;
}

TEST(ThreadPool, DefaultThreadCountHonoursTheEnvironment) {
  const char* old = std::getenv("MOTE_NUM_THREADS");
  std::string saved = old ? old : "";
  setenv("MOTE_NUM_THREADS", "3", 1);
  EXPECT_EQ(DefaultThreadCount(), 3u);
  setenv("MOTE_NUM_THREADS", "zero", 1);  // not a positive integer: the affinity mask
  EXPECT_GE(DefaultThreadCount(), 1u);
  unsetenv("MOTE_NUM_THREADS");
  EXPECT_EQ(DefaultThreadCount(), CpusOfTheAffinityMask());
  if (old) setenv("MOTE_NUM_THREADS", saved.c_str(), 1);
}

#if defined(__linux__)
// One CPU in the mask: the default follows the mask, not the machine's count
// (a process pinned with taskset, or a container's cpuset).
TEST(ThreadPool, DefaultThreadCountFollowsANarrowedAffinityMask) {
  const char* old = std::getenv("MOTE_NUM_THREADS");
  std::string saved = old ? old : "";
  unsetenv("MOTE_NUM_THREADS");
  cpu_set_t before;
  ASSERT_EQ(sched_getaffinity(0, sizeof(before), &before), 0);
  int first = 0;
  while (!CPU_ISSET(first, &before)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const size_t narrowed = DefaultThreadCount();
  ASSERT_EQ(sched_setaffinity(0, sizeof(before), &before), 0);
  EXPECT_EQ(narrowed, 1u);
  EXPECT_EQ(DefaultThreadCount(), size_t(CPU_COUNT(&before)));
  if (old) setenv("MOTE_NUM_THREADS", saved.c_str(), 1);
}
#endif

}  // namespace
}  // namespace mote
