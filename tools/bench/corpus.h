// The shared corpus of histories with known verdicts (../shared/corpus):
// its manifest, and how each of its model names maps to a dsim model with
// options. Used by the corpus test and the checker benchmark.
#ifndef DSIM_TOOLS_BENCH_CORPUS_H_
#define DSIM_TOOLS_BENCH_CORPUS_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"

namespace dsim {

struct CorpusEntry {
  std::string path;        // relative to the corpus directory
  std::string corpus_model;  // the manifest's model column
  std::string model_name;  // the dsim model
  ModelOptions options;
  Verdict expected = Verdict::kUnknown;
  int64_t ops = 0;
};

// The corpus directory: $DSIM_CORPUS, else the one the build found
// (../shared/corpus next to the source tree or next to its origin).
inline std::string CorpusDir() {
  if (const char* env = std::getenv("DSIM_CORPUS")) return env;
#ifdef DSIM_CORPUS_DIR
  return DSIM_CORPUS_DIR;
#else
  return "../shared/corpus";
#endif
}

// The corpus' model names with the dsim model and options that reproduce
// the verdicts of the project each history comes from (see the corpus
// README): Porcupine's etcd register starts nil, a nil read means nil and a
// failed cas is an observation; Knossos' registers start at 0, a nil read
// says nothing and a failed operation did not happen.
inline bool MapCorpusModel(const std::string& name, CorpusEntry& e) {
  e.options = ModelOptions{};
  if (name == "porcupine-etcd-register") {
    e.model_name = "cas-register";
    e.options.failed_cas_observed = true;
  } else if (name == "porcupine-kv") {
    e.model_name = "kv";
  } else if (name == "knossos-cas-register(init=0)") {
    e.model_name = "cas-register";
    e.options.init = Value::Int(0);
    e.options.nil_read_unknown = true;
  } else if (name == "knossos-multi-register(x=0,y=0)") {
    e.model_name = "multi-register";
    e.options.init = Value::Int(0);
    e.options.nil_read_unknown = true;
  } else if (name == "knossos-mutex") {
    e.model_name = "mutex";
  } else {
    return false;
  }
  return true;
}

inline absl::StatusOr<std::vector<CorpusEntry>> ReadCorpusManifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.tsv");
  if (!in) return absl::NotFoundError(absl::StrFormat("%s/manifest.tsv: cannot open the file", dir));
  std::vector<CorpusEntry> entries;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() < 4) return absl::InvalidArgumentError("manifest.tsv: short row: " + line);
    CorpusEntry e;
    e.path = cols[0];
    e.corpus_model = cols[1];
    if (!MapCorpusModel(cols[1], e)) {
      return absl::InvalidArgumentError("manifest.tsv: unknown model " + cols[1]);
    }
    e.expected = cols[2] == "linearizable"       ? Verdict::kLinearizable
                 : cols[2] == "not-linearizable" ? Verdict::kNotLinearizable
                                                 : Verdict::kUnknown;
    e.ops = std::stoll(cols[3]);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace dsim

#endif  // DSIM_TOOLS_BENCH_CORPUS_H_
