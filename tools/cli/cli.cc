#include "tools/cli/cli.h"

#include <algorithm>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sim/swarm.h"
#include "tools/cli/flags.h"

ABSL_FLAG(std::string, seed, "", "run with this seed instead of the scenario's (0 to 18446744073709551615)");
ABSL_FLAG(std::string, trace, "", "write the run's trace as JSON lines to this file");
ABSL_FLAG(std::string, perfetto, "",
          "write the run as Chrome trace-event JSON (open it in ui.perfetto.dev or chrome://tracing)");
ABSL_FLAG(std::string, report, "",
          "write the run as one self-contained HTML file: space-time diagram, history, witness");
ABSL_FLAG(std::string, history, "", "write the client history as dsim JSON to this file");
ABSL_FLAG(bool, json, false, "print one JSON object instead of the text summary");
ABSL_FLAG(std::string, seeds, "", "the seeds to run: A..B (inclusive) or N");
ABSL_FLAG(int32_t, jobs, 1, "independent simulations run in parallel (threads)");
ABSL_FLAG(std::string, out, "", "write one JSON object per seed to this file (JSON lines)");
ABSL_FLAG(int32_t, context, 3, "events of context to show before the first difference");
ABSL_FLAG(bool, progress, true,
          "show progress with an ETA: a line kept up to date on a terminal, a line every 10 s otherwise");
ABSL_FLAG(std::string, shard, "",
          "run the K-th (from 0) of N equal slices of --seeds: K/N, or auto/N to take K from "
          "JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID");
ABSL_FLAG(std::string, for, "", "stop taking new seeds after this long (such as \"600s\"); a summary follows");
ABSL_FLAG(bool, swarm, false,
          "draw each seed's nemesis fault mix (every family's weight from 0, 1, 3) when the scenario "
          "declares no \"swarm\" of its own");
ABSL_FLAG(int32_t, streams, 20, "independent seed streams (stream k: seeds k*1000000+1, ...)");
ABSL_FLAG(int64_t, max_seeds, 1000, "seeds a stream runs before it gives up");
ABSL_FLAG(std::string, find, "",
          "count a seed as found only when this check fails on evidence (not undecided); default: any "
          "unmet expectation");
ABSL_FLAG(std::string, budget, "500",
          "how long to shrink: a number of runs (deterministic) or a wall-clock duration such as \"60s\"");
ABSL_FLAG(bool, resume, false, "skip the seeds already in --out and append the rest to it");
ABSL_FLAG(std::string, model, "",
          "the sequential specification: register, cas-register, multi-register, kv, mutex, zookeeper; "
          "or a transactional workload for the isolation checker: list-append, rw-register");
ABSL_FLAG(std::string, consistency_models, "strict-serializable",
          "isolation checker: the models the history must satisfy, comma-separated (none: only "
          "--anomalies)");
ABSL_FLAG(std::string, anomalies, "",
          "isolation checker: anomalies that must not appear, comma-separated (such as G0,G1)");
ABSL_FLAG(bool, wfr_keys, false, "rw-register: a transaction's writes follow its reads (orders versions)");
ABSL_FLAG(bool, sequential_keys, false, "rw-register: each key is sequentially consistent (orders versions)");
ABSL_FLAG(bool, linearizable_keys, false, "rw-register: each key is linearizable (orders versions)");
ABSL_FLAG(int64_t, cycle_budget, int64_t{1} << 24,
          "isolation checker: search steps per strongly connected component before it reports "
          "cycle-search-timeout");
ABSL_FLAG(std::string, timeout, "",
          "give up after this long (such as \"10s\") and answer unknown (exit 3)");
ABSL_FLAG(std::string, memory, "4GiB",
          "give up when the search tables of all keys together pass this (such as \"512MiB\") "
          "and answer unknown (exit 3)");
ABSL_FLAG(std::string, init, "",
          "initial value of every register (default nil; kv default \"\"); Knossos uses 0");
ABSL_FLAG(bool, check, false, "only report whether the file is up to date (exit 1 if not)");
ABSL_FLAG(std::string, nil_read, "absent",
          "what a read of nil means: absent (the register was nil) or unknown (Knossos)");
ABSL_FLAG(std::string, failed_cas, "",
          "what a failed cas means: observed (the register was not the expected value; "
          "Porcupine's etcd model, the default for Jepsen logs) or dropped (it did not happen; "
          "Knossos, the default for EDN and dsim histories)");

namespace dsim {
namespace {

struct Command {
  std::string usage;
  std::string summary;
  std::vector<std::string> flags;
};

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"run",
       {"dsim run FILE [--seed=N] [--trace=FILE.jsonl] [--history=FILE.json] [--perfetto=FILE.json]\n"
        "         [--report=FILE.html] [--json] [--swarm]",
        "Runs one scenario and prints a summary ending in the verdict and the trace\n"
        "hash. Exit 0 when the scenario's expectations hold, 1 when a check or an\n"
        "expectation fails, 2 on bad input.",
        {"seed", "trace", "history", "perfetto", "report", "json", "swarm"}}},
      {"report",
       {"dsim report FILE [--seed=N] --out=RUN.html [--swarm]",
        "Runs one seed and writes it as one self-contained HTML file (no network\n"
        "access): a space-time diagram with a lane per node, messages, drops,\n"
        "duplicates, handler time, crashes, pauses and network faults, each node's\n"
        "local clock on hover; the client history and its latency over time with the\n"
        "fault periods shaded; the checks' witness drawn on both. Zoom with the wheel,\n"
        "pan by dragging, search by node or message type. Exit as dsim run.",
        {"seed", "out", "swarm"}}},
      {"fuzz",
       {"dsim fuzz FILE --seeds=A..B [--jobs=J] [--out=FILE.jsonl] [--shard=K/N] [--for=DURATION] [--resume]\n"
        "          [--swarm]",
        "Runs the scenario once per seed, J independent simulations at a time, and\n"
        "lists the failing seeds with the command that replays each. A seed's result\n"
        "is the same alone or in a batch, with any J, in any shard. --out gets one\n"
        "whole line per finished seed as it finishes; SIGINT or SIGTERM (or the end of\n"
        "--for) lets the seeds under way finish and prints the summary so far. Exit 0\n"
        "when every seed run met expectations, 1 otherwise, 2 on bad input, 128+signal\n"
        "when a signal stopped a run that found no failure.",
        {"seeds", "jobs", "out", "progress", "shard", "for", "resume", "swarm"}}},
      {"hunt",
       {"dsim hunt FILE [--streams=K] [--max-seeds=N] [--jobs=J] [--swarm] [--find=CHECK]",
        "Seeds-to-find: runs K independent streams of seeds (stream k: seeds\n"
        "k*1000000+1, ...) until each finds a seed that fails the scenario, and reports\n"
        "the median and the worst seeds-to-find and the CPU time per find. Exit 0 when\n"
        "every stream found a failure within --max-seeds, 1 otherwise, 2 on bad input.",
        {"streams", "max_seeds", "jobs", "swarm", "find"}}},
      {"shrink",
       {"dsim shrink FILE --seed=N [--find=CHECK] [--out=MIN.json] [--budget=RUNS|DURATION] [--swarm]",
        "Shrinks a failing seed to a small standalone scenario: the nemesis becomes the\n"
        "explicit plan of faults it applied, then faults are dropped and shortened, the\n"
        "run cut, clients, keys and servers taken away and the network simplified, as\n"
        "long as the same check (--find, or the run's first violation) still fails on\n"
        "evidence on the same seed. Writes the scenario (with its seed and an expect\n"
        "naming the violation) to --out or stdout, and what it removed. The same input\n"
        "and a budget of runs give the same output. Exit 0 when shrunk, 2 on bad input\n"
        "or a seed that does not fail.",
        {"seed", "find", "out", "budget", "progress", "swarm"}}},
      {"merge",
       {"dsim merge A.jsonl B.jsonl ... [--seeds=A..B]",
        "Merges the --out files of fuzz shards into the summary one machine would have\n"
        "printed: seeds run, failing seeds with their replay commands, the rate per\n"
        "worker, and the seeds of the range (--seeds, or the lowest to the highest\n"
        "seed found) that no file holds. A seed in two files must be the same run.\n"
        "Exit 0 when every seed is there and passed, 1 when a seed failed, 3 when\n"
        "seeds are missing, 2 on bad input.",
        {"seeds"}}},
      {"replay",
       {"dsim replay FILE.tsv",
        "Replays a table of regression seeds: scenario<TAB>seed<TAB>check per line, the\n"
        "check that must fail on that seed, or - for a seed that must meet the\n"
        "scenario's expectations; # starts a comment. Exit 0 when every row is as\n"
        "recorded, 1 otherwise, 2 on bad input.",
        {}}},
      {"diff",
       {"dsim diff A.jsonl B.jsonl [--context=N]",
        "For two traces of what should be the same run, prints the first event where\n"
        "they differ, with the events before it: the tool that finds a determinism\n"
        "leak. Exit 0 when identical, 1 when they differ, 2 on bad input.",
        {"context"}}},
      {"check",
       {"dsim check --model=MODEL FILE [--json] [--timeout=DURATION] [--memory=SIZE] [--init=V] [--nil-read=unknown]\n"
        "           [--failed-cas=observed|dropped]\n"
        "dsim check --model=list-append|rw-register FILE [--json] [--consistency-models=M,...] [--anomalies=A,...]\n"
        "           [--wfr-keys] [--sequential-keys] [--linearizable-keys] [--cycle-budget=STEPS]",
        "Checks that a history is linearizable. FILE is Jepsen/Knossos EDN, a Jepsen log\n"
        "(as in Porcupine's etcd data) or a dsim JSON history (dsim run --history); the\n"
        "format is detected. A violation prints a minimal witness. Exit 0 linearizable,\n"
        "1 not linearizable, 3 unknown within the time budget, 2 bad input.\n"
        "With a transactional model, checks isolation instead (Elle's method): the\n"
        "anomalies found (G0, G1a, G1b, G1c, G-single, G2-item, lost-update, ... with\n"
        "-process and -realtime variants), each cycle explained step by step, and the\n"
        "weakest models they rule out. Exit 0 valid for the models, 1 not, 3 unknown\n"
        "(no dependencies at all, or the cycle search ran out of budget), 2 bad input.",
        {"model", "json", "timeout", "memory", "init", "nil_read", "failed_cas", "consistency_models",
         "anomalies", "wfr_keys", "sequential_keys", "linearizable_keys", "cycle_budget"}}},
      {"protocols",
       {"dsim protocols",
        "Lists the registered protocols with their checks, planted bugs, facts and the\n"
        "keys of their \"options\" and \"workload\", with each key's default.",
        {}}},
      {"schema",
       {"dsim schema FILE [--check]",
        "Rewrites the protocols' parts of the scenario schema FILE (scenarios/schema.json:\n"
        "each protocol's options, workload, checks, bugs and facts) from their\n"
        "declarations. With --check, changes nothing and exits 1 if FILE is out of date.",
        {"check"}}},
  };
  return *commands;
}

std::vector<std::string> AllFlagNames() {
  std::vector<std::string> names;
  for (const auto& [name, cmd] : Commands()) {
    for (const std::string& f : cmd.flags) {
      if (std::find(names.begin(), names.end(), f) == names.end()) names.push_back(f);
    }
  }
  return names;
}

void PrintUsage(std::ostream& out) {
  out << "dsim - a deterministic simulator for distributed protocols\n\nusage:\n";
  for (const auto& [name, cmd] : Commands()) out << "  " << cmd.usage << "\n";
  out << "  dsim <command> --help\n\n"
         "exit codes: 0 expectations held (check: linearizable), 1 a check or expectation\n"
         "            failed (check: not linearizable), 2 bad input (scenario, history or\n"
         "            flags), 3 unknown within the budget (check)\n";
}

void PrintCommandHelp(const Command& cmd, std::ostream& out) {
  out << "usage: " << cmd.usage << "\n\n" << cmd.summary << "\n";
  if (cmd.flags.empty()) return;
  out << "\nflags:\n";
  for (const std::string& f : cmd.flags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(f);
    out << absl::StrFormat("  --%-10s %s (default: %s)\n", f, flag->Help(),
                           flag->DefaultValue().empty() ? "none" : flag->DefaultValue());
  }
}

void ResetFlags() {
  for (const std::string& name : AllFlagNames()) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    flag->ParseFrom(flag->DefaultValue(), &error);
  }
}

}  // namespace

absl::StatusOr<Scenario> LoadScenarioWithFlags(const std::string& path, const ProtocolRegistry& registry) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(path, registry);
  if (s.ok() && absl::GetFlag(FLAGS_swarm)) {
    if (absl::Status st = AddDefaultSwarm(*s, registry); !st.ok()) return st;
  }
  return s;
}

absl::StatusOr<uint64_t> ParseSeed(const std::string& text) {
  uint64_t seed = 0;
  if (text.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(text[0])) || !absl::SimpleAtoi(text, &seed)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--seed=%s: expected a seed from 0 to 18446744073709551615", text));
  }
  return seed;
}

absl::StatusOr<uint64_t> ParseByteSize(const std::string& text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40}};
  const absl::Status bad = absl::InvalidArgumentError(absl::StrFormat(
      "--memory=%s: expected a size from 1MiB to 1024TiB such as \"512MiB\" or \"4GiB\"", text));
  for (const auto& [unit, scale] : kUnits) {
    if (text.size() <= unit.size() || text.compare(text.size() - unit.size(), unit.size(), unit) != 0) continue;
    const std::string number = text.substr(0, text.size() - unit.size());
    uint64_t n = 0;
    const bool digits = std::all_of(number.begin(), number.end(),
                                    [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
    if (!digits || !absl::SimpleAtoi(number, &n) ||
        n > (1ull << 50) / scale || n * scale < (1ull << 20)) {
      return bad;
    }
    return n * scale;
  }
  return bad;
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> ParseSeedRange(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, "..");
  uint64_t a = 0, b = 0;
  if (parts.size() == 1 && absl::SimpleAtoi(parts[0], &a)) return std::make_pair(a, a);
  if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &a) && absl::SimpleAtoi(parts[1], &b)) {
    if (a > b) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--seeds=%s: the first seed is above the last", text));
    }
    // b - a cannot overflow; b - a + 1 can (0..2^64-1 is 2^64 seeds).
    if (b - a >= kMaxSeedsPerBatch) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--seeds=%s: at most %d seeds per batch", text, kMaxSeedsPerBatch));
    }
    return std::make_pair(a, b);
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("--seeds=%s: expected A..B (such as 1..1000) or one seed", text));
}

int RunCli(const std::vector<std::string>& args, const ProtocolRegistry& registry, CliIo io) {
  ResetFlags();
  std::vector<std::string> positional;
  std::vector<std::string> given_flags;
  bool help = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h" || a == "-help" || (positional.empty() && a == "help")) {
      help = true;
      continue;
    }
    if (a == "--") {
      positional.insert(positional.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (!absl::StartsWith(a, "-") || a == "-") {
      positional.push_back(a);
      continue;
    }
    std::string body = a.substr(a.rfind('-', 1) == 1 ? 2 : 1);
    std::string name = body, value;
    std::replace(name.begin(), name.end(), '-', '_');
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      std::replace(name.begin(), name.end(), '-', '_');
      value = body.substr(eq + 1);
      has_value = true;
    }
    const std::vector<std::string> known = AllFlagNames();
    bool negated = false;
    if (std::find(known.begin(), known.end(), name) == known.end() &&
        absl::StartsWith(name, "no") &&
        std::find(known.begin(), known.end(), name.substr(2)) != known.end()) {
      name = name.substr(2);
      negated = true;
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      io.err << "dsim: unknown flag --" << name << " (see dsim --help)\n";
      return kExitBadInput;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    const bool is_bool = flag->IsOfType<bool>();
    if (negated) {
      if (!is_bool || has_value) {
        io.err << "dsim: --no" << name << " is only for true/false flags\n";
        return kExitBadInput;
      }
      value = "false";
    } else if (!has_value) {
      if (is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        io.err << "dsim: flag --" << name << " needs a value\n";
        return kExitBadInput;
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      io.err << "dsim: --" << name << "=" << value << ": " << error << "\n";
      return kExitBadInput;
    }
    given_flags.push_back(name);
  }

  if (positional.empty()) {
    PrintUsage(help ? io.out : io.err);
    return help ? kExitOk : kExitBadInput;
  }
  const std::string command = positional[0];
  positional.erase(positional.begin());
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    io.err << "dsim: unknown command \"" << command << "\" (see dsim --help)\n";
    return kExitBadInput;
  }
  if (help) {
    PrintCommandHelp(it->second, io.out);
    return kExitOk;
  }
  for (const std::string& f : given_flags) {
    const auto& allowed = it->second.flags;
    if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
      io.err << "dsim " << command << ": flag --" << f << " does not apply here (see dsim "
             << command << " --help)\n";
      return kExitBadInput;
    }
  }
  if (command == "run") return RunCommand(positional, registry, io);
  if (command == "report") return ReportCommand(positional, registry, io);
  if (command == "fuzz") return FuzzCommand(positional, registry, io);
  if (command == "diff") return DiffCommand(positional, io);
  if (command == "merge") return MergeCommand(positional, io);
  if (command == "hunt") return HuntCommand(positional, registry, io);
  if (command == "shrink") return ShrinkCommand(positional, registry, io);
  if (command == "replay") return ReplayTableCommand(positional, registry, io);
  if (command == "check") return CheckCommand(positional, io);
  if (command == "schema") return SchemaCommand(positional, registry, io);
  return ProtocolsCommand(registry, io);
}

}  // namespace dsim
