// dsim diff A.jsonl B.jsonl [--context=N]
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"

namespace dsim {
namespace {

bool ReadLines(const std::string& path, std::vector<std::string>& lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return true;
}

}  // namespace

int DiffCommand(const std::vector<std::string>& positional, CliIo io) {
  if (positional.size() != 2) {
    io.err << "dsim diff: expected two trace files (see dsim diff --help)\n";
    return kExitBadInput;
  }
  std::vector<std::string> a, b;
  for (int k = 0; k < 2; ++k) {
    if (!ReadLines(positional[k], k == 0 ? a : b)) {
      io.err << positional[k] << ": cannot open the file\n";
      return kExitBadInput;
    }
  }
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) {
    io.out << absl::StrFormat("identical: %d events\n", a.size());
    return kExitOk;
  }
  const size_t context = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_context)));
  io.out << absl::StrFormat("traces differ at event %d (line %d)\n", i, i + 1);
  for (size_t k = i >= context ? i - context : 0; k < i; ++k) {
    io.out << absl::StrFormat("  %6d  %s\n", k + 1, a[k]);
  }
  io.out << absl::StrFormat("- %6d  %s\n", i + 1, i < a.size() ? a[i] : "(end of " + positional[0] + ")");
  io.out << absl::StrFormat("+ %6d  %s\n", i + 1, i < b.size() ? b[i] : "(end of " + positional[1] + ")");
  return kExitFailed;
}

}  // namespace dsim
