// BackgroundWorker (src/train/background_worker.h): jobs run on the worker
// thread one at a time, Wait returns only once the job is done, the
// destructor waits for a running job, and Start / Wait allocate nothing.
#include "src/train/background_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "allocation_counter.h"

namespace mote {
namespace {

struct Counter {
  std::thread::id ran_on;
  int value = 0;
  void operator()() {
    ran_on = std::this_thread::get_id();
    ++value;
  }
};

TEST(BackgroundWorker, RunsEachJobOnItsThreadAndWaitsForIt) {
  BackgroundWorker worker;
  Counter counter;
  worker.Start(&counter);
  worker.Wait();
  EXPECT_EQ(counter.value, 1);
  EXPECT_NE(counter.ran_on, std::this_thread::get_id());
  testing::AllocationScope scope;
  for (int i = 0; i < 1000; ++i) {
    worker.Start(&counter);
    worker.Wait();
  }
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_EQ(counter.value, 1001);  // each Wait saw its job finished
}

struct Slow {
  std::atomic<bool> done{false};
  void operator()() {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    done.store(true);
  }
};

TEST(BackgroundWorker, WaitAndTheDestructorWaitForASlowJob) {
  Slow slow, slower;
  {
    BackgroundWorker worker;
    worker.Wait();  // no job yet: returns at once
    worker.Start(&slow);
    worker.Wait();
    EXPECT_TRUE(slow.done.load());
    worker.Start(&slower);
  }  // joins only after the job
  EXPECT_TRUE(slower.done.load());
}

}  // namespace
}  // namespace mote
