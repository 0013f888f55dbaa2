// One console line built without printf (the firmware links no libc):
// `Line() << "x = " << 1.5f;` writes "x = 1.500000e0" plus a newline through
// mote_port_log when the temporary dies. Shared by the port's firmwares.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote_port.h"

class Line {
 public:
  Line& operator<<(const char* s) {
    while (*s) Put(*s++);
    return *this;
  }
  Line& operator<<(uint32_t v) {
    char d[10];
    int i = 0;
    do {
      d[i++] = char('0' + v % 10);
      v /= 10;
    } while (v);
    while (i) Put(d[--i]);
    return *this;
  }
  Line& operator<<(int v) {
    if (v < 0) {
      Put('-');
      return *this << uint32_t(0u - uint32_t(v));
    }
    return *this << uint32_t(v);
  }
  Line& operator<<(size_t v) { return *this << uint32_t(v); }
  // 7 significant digits, scientific: -1.234567e-05.
  Line& operator<<(float f) {
    uint32_t bits;
    __builtin_memcpy(&bits, &f, 4);
    if (bits & 0x80000000u) Put('-');
    bits &= 0x7fffffffu;
    if (bits > 0x7f800000u) return *this << "nan";
    if (bits == 0x7f800000u) return *this << "inf";
    float a;
    __builtin_memcpy(&a, &bits, 4);
    if (a == 0.0f) return *this << "0";
    double x = a;  // double keeps the scaling below exact enough
    int e = 0;
    while (x >= 10.0) x /= 10.0, ++e;
    while (x < 1.0) x *= 10.0, --e;
    uint32_t digits = uint32_t(x * 1e6 + 0.5);
    if (digits >= 10000000u) digits /= 10, ++e;
    Put(char('0' + digits / 1000000u));
    Put('.');
    char frac[6];
    for (int i = 5; i >= 0; --i) frac[i] = char('0' + digits % 10), digits /= 10;
    for (char c : frac) Put(c);
    Put('e');
    return *this << e;
  }
  Line& operator<<(double d) { return *this << float(d); }
  void Hex(uint32_t v) {
    *this << "0x";
    for (int i = 7; i >= 0; --i) Put("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
  }
  ~Line() {
    Put('\n');
    Flush();
  }

 private:
  void Put(char c) {
    if (len_ + 1 >= sizeof(buf_)) Flush();
    buf_[len_++] = c;
  }
  void Flush() {
    buf_[len_] = '\0';
    mote_port_log(buf_);
    len_ = 0;
  }
  char buf_[128];
  size_t len_ = 0;
};

