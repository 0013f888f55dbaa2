// A small scanner for the subcommands' options: `--name VALUE`, `--flag` and
// positional arguments, with the usage errors every command reports alike.
#pragma once
#include <stdio.h>
#include <stdlib.h>

#include <string>

namespace mote_cli {

// Exit codes every command uses: 0 success, 1 the work failed (bad file, bad
// data, a check that did not hold), 2 the command line itself is wrong.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

class ArgScanner {
 public:
  // argv[0] is the command's name ("train"); scanning starts at argv[1].
  ArgScanner(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false after the last.
  bool Next() { return ++i_ < argc_; }
  const std::string current() const { return argv_[i_]; }
  bool Is(const char* flag) const { return current() == flag; }
  bool IsHelp() const { return Is("--help") || Is("-h"); }
  bool IsPositional() const { return argv_[i_][0] != '-' || current() == "-"; }

  // The current argument is `option` followed by a value: stores it, consumes it.
  bool Value(const char* option, std::string* value) {
    if (!Is(option) || i_ + 1 >= argc_) return false;
    *value = argv_[++i_];
    return true;
  }
  // As Value, for a non-negative integer; a malformed number is a usage error
  // remembered in bad().
  bool Count(const char* option, size_t* value) {
    std::string text;
    if (!Value(option, &text)) return false;
    char* end = nullptr;
    const unsigned long long v = strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0') {
      fprintf(stderr, "%s: expected a non-negative integer, got '%s'\n", option, text.c_str());
      bad_ = true;
    }
    *value = size_t(v);
    return true;
  }
  // --threads N: the model's threads, at least 1 (0 is a usage error
  // remembered in bad()).
  bool Threads(size_t* value) {
    if (!Count("--threads", value)) return false;
    if (*value == 0) {
      fprintf(stderr, "--threads: expected at least 1\n");
      bad_ = true;
    }
    return true;
  }
  bool bad() const { return bad_; }

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
  bool bad_ = false;
};

}  // namespace mote_cli
