// The flags of every subcommand (absl flags: the single source of their
// names, defaults and help text).
#ifndef DSIM_TOOLS_CLI_FLAGS_H_
#define DSIM_TOOLS_CLI_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, seed);
ABSL_DECLARE_FLAG(std::string, trace);
ABSL_DECLARE_FLAG(std::string, history);
ABSL_DECLARE_FLAG(std::string, perfetto);
ABSL_DECLARE_FLAG(std::string, report);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(std::string, seeds);
ABSL_DECLARE_FLAG(int32_t, jobs);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(int32_t, context);
ABSL_DECLARE_FLAG(bool, progress);
ABSL_DECLARE_FLAG(std::string, shard);
ABSL_DECLARE_FLAG(std::string, for);
ABSL_DECLARE_FLAG(bool, resume);
ABSL_DECLARE_FLAG(std::string, budget);
ABSL_DECLARE_FLAG(bool, swarm);
ABSL_DECLARE_FLAG(int32_t, streams);
ABSL_DECLARE_FLAG(int64_t, max_seeds);
ABSL_DECLARE_FLAG(std::string, find);
ABSL_DECLARE_FLAG(std::string, model);
ABSL_DECLARE_FLAG(std::string, timeout);
ABSL_DECLARE_FLAG(std::string, init);
ABSL_DECLARE_FLAG(std::string, memory);
ABSL_DECLARE_FLAG(std::string, nil_read);
ABSL_DECLARE_FLAG(std::string, failed_cas);
ABSL_DECLARE_FLAG(bool, check);
ABSL_DECLARE_FLAG(std::string, consistency_models);
ABSL_DECLARE_FLAG(std::string, anomalies);
ABSL_DECLARE_FLAG(bool, wfr_keys);
ABSL_DECLARE_FLAG(bool, sequential_keys);
ABSL_DECLARE_FLAG(bool, linearizable_keys);
ABSL_DECLARE_FLAG(int64_t, cycle_budget);

#endif  // DSIM_TOOLS_CLI_FLAGS_H_
