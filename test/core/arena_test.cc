#include "mote/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace mote {
namespace {

TEST(Arena, AlignsEveryBlock) {
  alignas(64) uint8_t buffer[1024];
  Arena arena(buffer + 3, sizeof(buffer) - 3);  // deliberately misaligned base
  void* a = nullptr;
  void* b = nullptr;
  void* c = nullptr;
  ASSERT_TRUE(arena.Allocate(5, 16, &a).ok());
  ASSERT_TRUE(arena.Allocate(7, 64, &b).ok());
  ASSERT_TRUE(arena.Allocate(1, 4, &c).ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % 4, 0u);
  EXPECT_GE(static_cast<uint8_t*>(b), static_cast<uint8_t*>(a) + 5);
  EXPECT_GE(static_cast<uint8_t*>(c), static_cast<uint8_t*>(b) + 7);
  EXPECT_LE(static_cast<uint8_t*>(c) + 1, buffer + sizeof(buffer));
}

TEST(Arena, FullArenaReportsOutOfMemoryAndStaysUnchanged) {
  alignas(64) uint8_t buffer[256];
  Arena arena(buffer, sizeof(buffer));
  float* first = nullptr;
  ASSERT_TRUE(arena.AllocateArray(48, &first).ok());  // 192 bytes
  const size_t used = arena.used();
  float* second = reinterpret_cast<float*>(0x1);
  const Status s = arena.AllocateArray(17, &second);  // 68 bytes: does not fit
  EXPECT_EQ(s.code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(second, reinterpret_cast<float*>(0x1));
  EXPECT_EQ(arena.used(), used);
  float* third = nullptr;
  EXPECT_TRUE(arena.AllocateArray(16, &third).ok());  // exactly the rest
  EXPECT_EQ(arena.used(), sizeof(buffer));
}

TEST(Arena, RejectsBadArguments) {
  uint8_t buffer[64];
  Arena arena(buffer, sizeof(buffer));
  void* p = nullptr;
  EXPECT_EQ(arena.Allocate(8, 3, &p).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(arena.Allocate(8, 0, &p).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(arena.Allocate(8, 8, nullptr).code(), StatusCode::kInvalidArgument);
  float* f = nullptr;
  EXPECT_EQ(arena.AllocateArray(SIZE_MAX / 2, &f).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(arena.Allocate(SIZE_MAX, 8, &p).code(), StatusCode::kOutOfMemory);
}

TEST(Arena, MeasuringArenaSizesARealOne) {
  // Plan with a measuring arena, then bind the same requests into a buffer of
  // exactly the measured size at an arbitrary offset: everything must fit.
  const size_t requests[][2] = {{100, 64}, {3, 4}, {4096, 64}, {1, 1}, {77, 16}};
  Arena measure;
  for (const auto& r : requests) {
    void* p = reinterpret_cast<void*>(0x1);
    ASSERT_TRUE(measure.Allocate(r[0], r[1], &p).ok());
    EXPECT_EQ(p, nullptr);
  }
  EXPECT_TRUE(measure.measuring());
  for (size_t offset = 0; offset < 64; offset += 7) {
    std::vector<uint8_t> storage(measure.used() + 64);
    Arena real(storage.data() + offset, measure.used());
    for (const auto& r : requests) {
      void* p = nullptr;
      ASSERT_TRUE(real.Allocate(r[0], r[1], &p).ok()) << "offset " << offset;
    }
  }
}

TEST(Arena, ResetReusesAndPeakRemembers) {
  uint8_t buffer[128];
  Arena arena(buffer, sizeof(buffer));
  void* p = nullptr;
  ASSERT_TRUE(arena.Allocate(100, 1, &p).ok());
  arena.Reset();
  EXPECT_EQ(arena.used(), 0u);
  void* q = nullptr;
  ASSERT_TRUE(arena.Allocate(10, 1, &q).ok());
  EXPECT_EQ(q, p);
  EXPECT_EQ(arena.peak(), 100u);
}

}  // namespace
}  // namespace mote
