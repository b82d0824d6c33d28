// The `dsim` command: subcommands, their flags, and the exit codes.
//
//   0  the run met its expectations (check: linearizable)
//   1  a check or an expectation failed (check: not linearizable)
//   2  bad input: a scenario, history or flag that could not be used
//   3  (check only) unknown within the time budget
#ifndef DSIM_TOOLS_CLI_CLI_H_
#define DSIM_TOOLS_CLI_CLI_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/protocol.h"
#include "sim/scenario.h"

namespace dsim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitUnknown = 3;

struct CliIo {
  std::ostream& out;
  std::ostream& err;
};

// Runs `dsim` with argv (argv[0] is the program) against `registry`.
int RunCli(const std::vector<std::string>& args, const ProtocolRegistry& registry, CliIo io);

// Subcommands; `positional` excludes the subcommand name. Flags are already
// parsed into the absl flags.
int RunCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
               CliIo io);
int ReportCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io);
int FuzzCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                CliIo io);
int DiffCommand(const std::vector<std::string>& positional, CliIo io);
int HuntCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io);
int ShrinkCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io);
int MergeCommand(const std::vector<std::string>& positional, CliIo io);
int ReplayTableCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                       CliIo io);
int CheckCommand(const std::vector<std::string>& positional, CliIo io);
// The isolation checker, for --model=list-append or rw-register.
bool IsTransactionalModel(const std::string& model);
int CheckTransactionsCommand(const std::string& file, CliIo io);
int ProtocolsCommand(const ProtocolRegistry& registry, CliIo io);
int SchemaCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                       CliIo io);

// The scenario file with what the command's flags add to it (--swarm).
absl::StatusOr<Scenario> LoadScenarioWithFlags(const std::string& path, const ProtocolRegistry& registry);

// "A..B" or "N" into an inclusive range.
// The most seeds one `dsim fuzz` runs; a wider range is an exit-2 error.
inline constexpr uint64_t kMaxSeedsPerBatch = 100'000'000;
absl::StatusOr<std::pair<uint64_t, uint64_t>> ParseSeedRange(const std::string& text);
// --memory=SIZE: "512MiB", "4GiB" (KiB, MiB, GiB, TiB), 1 MiB to 1024 TiB.
absl::StatusOr<uint64_t> ParseByteSize(const std::string& text);
// --seed=N: a seed from 0 to 2^64-1.
absl::StatusOr<uint64_t> ParseSeed(const std::string& text);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_CLI_H_
