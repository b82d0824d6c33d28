// Consistency models and transactional anomalies, and how they relate: which
// anomalies imply which (a G0 write cycle is also a G1c), which models imply
// which (serializable implies repeatable read), and which anomalies each
// model forbids. The isolation checker uses these relations to decide which
// anomalies a run must not show (`AnomaliesProhibitedBy`) and, from the
// anomalies it found, the weakest models the history rules out
// (`Boundary`). The relations follow Adya's and Bailis et al.'s definitions
// as Elle (Kingsbury and Alvaro) arranges them, so that dsim's verdicts and
// Elle's can be compared name for name.
//
//   std::set<std::string> bad = AnomaliesProhibitedBy({"serializable"});
//   ModelBoundary b = Boundary({"G2-item"});   // b.not_models = {"repeatable-read"}
#ifndef DSIM_SIM_CHECK_ISOLATION_MODELS_H_
#define DSIM_SIM_CHECK_ISOLATION_MODELS_H_

#include <set>
#include <string>
#include <vector>

namespace dsim {

// Whether `name` is a consistency model dsim knows (friendly or canonical
// name: "serializable", "PL-3", "snapshot-isolation", ...).
bool IsKnownModel(const std::string& name);
// Every model name, friendly names first, sorted: for error messages.
std::vector<std::string> KnownModelNames();
// Whether `name` is an anomaly dsim knows ("G0", "G1a", "lost-update", ...).
bool IsKnownAnomaly(const std::string& name);

// The anomalies that cannot occur if every one of `models` holds, closed
// under implication (an anomaly implying a prohibited one is prohibited).
// REQUIRES: every model IsKnownModel.
std::set<std::string> AnomaliesProhibitedBy(const std::vector<std::string>& models);
// `anomalies` and every anomaly that implies one of them.
std::set<std::string> AnomaliesImplying(const std::vector<std::string>& anomalies);
// `anomalies` and every anomaly they imply.
std::set<std::string> ImpliedAnomalies(const std::vector<std::string>& anomalies);

// The canonical names of the models that cannot hold given `anomalies`.
std::set<std::string> ImpossibleModels(const std::vector<std::string>& anomalies);
// `models` (canonical) and every model stronger than one of them.
std::set<std::string> ModelsStrongerOrEqual(const std::vector<std::string>& models);
std::string CanonicalModel(const std::string& name);
std::string FriendlyModel(const std::string& canonical);

// What a set of anomalies rules out: `not_models`, the weakest models that
// cannot hold, and `also_not`, every stronger one. Friendly names, sorted.
struct ModelBoundary {
  std::set<std::string> not_models;
  std::set<std::string> also_not;
};
ModelBoundary Boundary(const std::vector<std::string>& anomalies);

// The models, weakest first, of the SQL / Adya ladder the checker names
// when it says which model a history satisfies: read-uncommitted,
// read-committed, repeatable-read, snapshot-isolation, serializable,
// strict-serializable.
const std::vector<std::string>& IsolationLadder();

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_ISOLATION_MODELS_H_
