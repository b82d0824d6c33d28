// The engine's Context: each call forwards into the Simulator that owns the
// node, at the node's handler time.
#include <string>
#include <string_view>
#include <utility>

#include "sim/simulator.h"

namespace dsim {

// Every node's context encodes into the simulator's two buffers.
EngineContext::EngineContext(Simulator* sim, NodeState* node, NodeId id)
    : Context(&sim->send_buf_, &sim->broadcast_buf_), sim_(sim), node_(node), id_(id) {}

int EngineContext::num_servers() const { return sim_->num_servers(); }
int EngineContext::num_nodes() const { return sim_->num_nodes(); }
uint32_t EngineContext::incarnation() const { return node_->incarnation; }
int64_t EngineContext::Now() const { return node_->clock.Wall(sim_->HandlerNow(*node_)); }
int64_t EngineContext::Monotonic() const { return node_->clock.Mono(sim_->HandlerNow(*node_)); }
void EngineContext::EndSend(NodeId to, uint16_t type, const char* name) {
  sim_->EndSend(id_, to, type, name);
}
TimerId EngineContext::SetTimer(int64_t delay_ns, uint64_t tag) {
  return sim_->SetTimer(id_, delay_ns, tag);
}
void EngineContext::CancelTimer(TimerId& id) { sim_->CancelTimer(id); }
Rng& EngineContext::rng() { return node_->rng; }
void EngineContext::Charge(int64_t ns) {
  DSIM_ASSERT(ns >= 0);
  node_->charged_ns += ns;
}
void EngineContext::Note(std::string_view kind, int64_t a, int64_t b, int64_t c) {
  sim_->Note(id_, kind, a, b, c);
}
void EngineContext::Record(HistoryEvent e) { sim_->Record(id_, std::move(e)); }
ObservationStamp EngineContext::Stamp() const { return sim_->MakeStamp(id_); }
Context::ObservePoint EngineContext::Observing() {
  return {sim_->observations_, sim_->now_, sim_->HandlerNow(*node_), id_, node_->incarnation};
}
const std::string* EngineContext::DiskGet(std::string_view key) { return node_->disk.Get(key); }
const Disk::Map& EngineContext::DiskContents() { return node_->disk.contents(); }
void EngineContext::DiskScan(std::string_view prefix,
                             absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) {
  node_->disk.ScanPrefix(prefix, fn);
}
void EngineContext::DiskPut(std::string_view key, std::string_view value) {
  node_->disk.Put(key, value);
  Charge(sim_->options_.disk.write_ns);
}
void EngineContext::DiskDelete(std::string_view key) {
  node_->disk.Delete(key);
  Charge(sim_->options_.disk.write_ns);
}
void EngineContext::DiskSync() {
  Charge(sim_->options_.disk.sync_ns);
  node_->disk.Sync(sim_->now(), sim_->HandlerNow(*node_));
}

}  // namespace dsim
