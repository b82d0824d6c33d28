#include "sim/protocol.h"

#include "sim/assert.h"

namespace dsim {

std::vector<std::string> Protocol::default_checks() const {
  std::vector<std::string> names;
  for (const NamedItem& c : checks()) names.push_back(c.name);
  return names;
}

void ProtocolRegistry::Add(std::unique_ptr<Protocol> p) {
  const std::string name = p->name();
  DSIM_ASSERT_MSG(!protocols_.count(name), "protocol %s registered twice", name);
  protocols_.emplace(name, std::move(p));
}

const Protocol* ProtocolRegistry::Find(std::string_view name) const {
  auto it = protocols_.find(name);
  return it == protocols_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ProtocolRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, p] : protocols_) names.push_back(name);
  return names;
}

}  // namespace dsim
