// A protocol's scenario keys, declared once.
//
// Each key of a protocol's "options" or "workload" object is one declaration:
// its name, a one-line doc, the config field it sets and its range. The
// default is whatever the config struct holds before reading. The same
// declarations read the scenario (strictly, with the JSON pointer in every
// error), print `dsim protocols` and generate the protocol's part of
// scenarios/schema.json, so the three cannot drift apart.
//
//   OptionSet<ZabConfig> o;
//   o.Duration("tick", "ZooKeeper's tickTime", Field(&ZabConfig::server, &ServerOptions::tick_ns))
//       .Range(1, kForever);
//   o.Int("init_limit", "ticks to establish a leader", Field(&ZabConfig::server,
//         &ServerOptions::init_limit), 1, 1000);
//   ...
//   o.Read(options_object, info, config);
#ifndef DSIM_SIM_OPTIONS_H_
#define DSIM_SIM_OPTIONS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "sim/assert.h"
#include "sim/json_reader.h"
#include "sim/process.h"
#include "sim/scenario_info.h"
#include "sim/scenario_readers.h"
#include "sim/time.h"

namespace dsim {

// A config field reached through a chain of members:
//   Field(&ZabConfig::client, &ClientOptions::think_ns)  ->  c.client.think_ns
template <typename C, typename T, typename... M>
auto Field(T C::*first, M... rest) {
  return [first, rest...](auto& c) -> auto& { return ((c.*first) .* ... .* rest); };
}

// What `dsim protocols` prints for one key.
struct OptionDoc {
  std::string name;
  std::string doc;
  std::string default_text;  // "" when there is no default to show
};

// The schema of a duration with this lower bound.
nlohmann::ordered_json DurationSchema(int64_t min_ns);
// " " or ": " between "default" and its text.
const char* DefaultSeparator(const std::string& default_text);
// `doc` with " (default X)" appended when there is a default to show.
std::string DescribeOption(const std::string& doc, const std::string& default_text);
// How a default value is shown: durations quoted ("100ms"), 0 bare.
std::string DurationDefaultText(int64_t ns);

template <typename C>
class OptionSet {
 public:
  // One declared key. The modifiers apply to the declaration just made:
  //   o.Duration("stop", ...).UpToRunEnd().DefaultText("the run's end");
  class Item {
   public:
    // Inclusive bounds for a number or duration.
    Item& Range(int64_t min, int64_t max) {
      DSIM_ASSERT(min <= max);
      min_ = min;
      max_ = max;
      return *this;
    }
    Item& AtLeast(int64_t min) { return Range(min, max_); }
    // A duration no later than the run's end (and 0..duration by default).
    Item& UpToRunEnd() {
      up_to_run_end_ = true;
      return *this;
    }
    // A bound that depends on the scenario or on keys read before this one.
    Item& AtMost(std::function<int64_t(const ScenarioInfo&, const C&)> bound) {
      at_most_ = std::move(bound);
      return *this;
    }
    // Shown instead of the struct's default, when that is computed
    // ("the run's end", "all servers").
    Item& DefaultText(std::string text) {
      default_text_ = std::move(text);
      return *this;
    }

   private:
    friend class OptionSet;
    int64_t Max(const ScenarioInfo& info, const C& c) const {
      int64_t max = max_;
      if (up_to_run_end_) max = std::min(max, info.duration_ns);
      if (at_most_) max = std::min(max, at_most_(info, c));
      return max;
    }

    std::string name_;
    std::string doc_;
    std::optional<std::string> default_text_;
    int64_t min_ = 0;
    int64_t max_ = std::numeric_limits<int64_t>::max();
    bool up_to_run_end_ = false;
    std::function<int64_t(const ScenarioInfo&, const C&)> at_most_;
    std::function<void(const Item&, JsonObject&, const ScenarioInfo&, C&)> read_;
    std::function<nlohmann::ordered_json(const Item&)> schema_;
    std::function<std::string(C&)> format_default_;  // C&: fields reach through std::function too
  };

  using Rule = std::function<void(JsonObject&, const ScenarioInfo&, C&)>;

  template <typename F>
  Item& Duration(std::string name, std::string doc, F field) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [field](const Item& i, JsonObject& o, const ScenarioInfo& info, C& c) {
      auto& f = field(c);
      f = o.Duration(i.name_, f, i.min_, i.Max(info, c));
    };
    item.schema_ = [](const Item& i) { return DurationSchema(i.min_); };
    item.format_default_ = [field](C& c) {
      return DurationDefaultText(field(c));
    };
    return item;
  }

  template <typename F>
  Item& Int(std::string name, std::string doc, F field, int64_t min, int64_t max) {
    using T = std::remove_reference_t<std::invoke_result_t<F, C&>>;
    static_assert(std::is_integral_v<T>);
    DSIM_ASSERT(static_cast<long double>(min) >= static_cast<long double>(std::numeric_limits<T>::min()));
    DSIM_ASSERT(static_cast<long double>(max) <= static_cast<long double>(std::numeric_limits<T>::max()));
    Item& item = Add(std::move(name), std::move(doc));
    item.Range(min, max);
    item.read_ = [field](const Item& i, JsonObject& o, const ScenarioInfo& info, C& c) {
      auto& f = field(c);
      f = static_cast<T>(o.Int(i.name_, static_cast<int64_t>(f), i.min_, i.Max(info, c)));
    };
    item.schema_ = [](const Item& i) {
      nlohmann::ordered_json s = {{"type", "integer"}, {"minimum", i.min_}};
      if (i.max_ != std::numeric_limits<int64_t>::max()) s["maximum"] = i.max_;
      return s;
    };
    item.format_default_ = [field](C& c) { return absl::StrCat(field(c)); };
    return item;
  }

  template <typename F>
  Item& Double(std::string name, std::string doc, F field, double min, double max) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [field, min, max](const Item& i, JsonObject& o, const ScenarioInfo&, C& c) {
      auto& f = field(c);
      f = o.Double(i.name_, f, min, max);
    };
    item.schema_ = [min, max](const Item&) {
      if (min == 0 && max == 1) return nlohmann::ordered_json{{"$ref", "#/$defs/probability"}};
      return nlohmann::ordered_json{{"type", "number"}, {"minimum", min}, {"maximum", max}};
    };
    item.format_default_ = [field](C& c) { return absl::StrCat(field(c)); };
    return item;
  }

  template <typename F>
  Item& Bool(std::string name, std::string doc, F field) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [field](const Item& i, JsonObject& o, const ScenarioInfo&, C& c) {
      auto& f = field(c);
      f = o.Bool(i.name_, f);
    };
    item.schema_ = [](const Item&) { return nlohmann::ordered_json{{"type", "boolean"}}; };
    item.format_default_ = [field](C& c) {
      return std::string(field(c) ? "true" : "false");
    };
    return item;
  }

  // A string from a fixed list, stored as the value paired with it.
  template <typename F, typename T>
  Item& Enum(std::string name, std::string doc, F field, std::vector<std::pair<std::string, T>> choices) {
    DSIM_ASSERT(!choices.empty());
    Item& item = Add(std::move(name), std::move(doc));
    auto name_of = [choices](const T& v) -> std::string {
      for (const auto& [n, value] : choices) {
        if (value == v) return n;
      }
      DSIM_ASSERT(false && "the default is none of the choices");
      return "";
    };
    item.read_ = [field, choices](const Item& i, JsonObject& o, const ScenarioInfo&, C& c) {
      std::optional<JsonValue> v = o.Value(i.name_);
      if (!v) return;
      std::vector<std::string_view> names;
      for (const auto& choice : choices) names.push_back(choice.first);
      std::optional<std::string> s = v->AsEnum(names);
      if (!s) return;
      for (const auto& [n, value] : choices) {
        if (n == *s) field(c) = value;
      }
    };
    item.schema_ = [choices](const Item&) {
      nlohmann::ordered_json names = nlohmann::ordered_json::array();
      for (const auto& choice : choices) names.push_back(choice.first);
      return nlohmann::ordered_json{{"enum", names}};
    };
    item.format_default_ = [field, name_of](C& c) { return name_of(field(c)); };
    return item;
  }

  // A list of servers: ids 1..nodes, no repeats.
  template <typename F>
  Item& Nodes(std::string name, std::string doc, F field) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [field](const Item& i, JsonObject& o, const ScenarioInfo& info, C& c) {
      auto& f = field(c);
      if (std::optional<JsonValue> v = o.Value(i.name_)) {
        f = ReadNodeList(*v, info.num_servers).value_or(f);
      }
    };
    item.schema_ = [](const Item&) { return nlohmann::ordered_json{{"$ref", "#/$defs/nodes"}}; };
    item.format_default_ = [field](C& c) {
      return absl::StrCat("[", absl::StrJoin(field(c), ", "), "]");
    };
    return item;
  }

  // A latency distribution: "250us" or {"dist": "uniform", ...}.
  template <typename F>
  Item& Latency(std::string name, std::string doc, F field) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [field](const Item& i, JsonObject& o, const ScenarioInfo&, C& c) {
      auto& f = field(c);
      if (std::optional<JsonValue> v = o.Value(i.name_)) f = ReadLatency(*v).value_or(f);
    };
    item.schema_ = [](const Item&) { return nlohmann::ordered_json{{"$ref", "#/$defs/latency"}}; };
    item.format_default_ = [field](C& c) { return field(c).ToString(); };
    return item;
  }

  // A nested object whose keys are declared by `inner` and set fields of the
  // same config ("mix": {"read": 5, ...}).
  Item& Object(std::string name, std::string doc, OptionSet inner) {
    Item& item = Add(std::move(name), std::move(doc));
    auto shared = std::make_shared<const OptionSet>(std::move(inner));
    item.read_ = [shared](const Item& i, JsonObject& o, const ScenarioInfo& info, C& c) {
      if (std::optional<JsonObject> sub = o.Object(i.name_)) {
        shared->Read(*sub, info, c);
        sub->Finish();
      }
    };
    item.schema_ = [shared](const Item&) { return shared->Schema(); };
    item.format_default_ = [shared](C& c) {
      std::vector<std::string> parts;
      for (const OptionDoc& d : shared->DocsOf(c)) parts.push_back(absl::StrCat(d.name, " ", d.default_text));
      return absl::StrJoin(parts, ", ");
    };
    return item;
  }

  // Anything else (a list of objects, of durations): its own schema and
  // reader, still declared here beside the rest.
  Item& Custom(std::string name, std::string doc, nlohmann::ordered_json schema,
               std::function<void(const JsonValue&, const ScenarioInfo&, C&)> read) {
    Item& item = Add(std::move(name), std::move(doc));
    item.read_ = [read](const Item& i, JsonObject& o, const ScenarioInfo& info, C& c) {
      if (std::optional<JsonValue> v = o.Value(i.name_)) read(*v, info, c);
    };
    item.schema_ = [schema](const Item&) { return schema; };
    item.format_default_ = [](C&) { return std::string(); };
    return item;
  }

  // Defaults that apply only when the scenario has this object at all (set
  // before its keys are read).
  void WhenPresent(std::function<void(const ScenarioInfo&, C&)> defaults) {
    when_present_.push_back(std::move(defaults));
  }

  // A condition over the whole object, checked after its keys are read
  // when the scenario has the object (and the keys read without error).
  void Check(Rule rule) { rules_.push_back(std::move(rule)); }

  bool empty() const { return items_.empty(); }

  // Reads every declared key of `o` into `c`, in declaration order, then
  // checks the rules. Keys not declared are left for o.Finish().
  void Read(JsonObject& o, const ScenarioInfo& info, C& c) const {
    for (const auto& d : when_present_) d(info, c);
    for (const Item& i : items_) i.read_(i, o, info, c);
    if (!o.ctx()->ok()) return;
    for (const Rule& r : rules_) {
      r(o, info, c);
      if (!o.ctx()->ok()) return;
    }
  }

  // {"type": "object", "additionalProperties": false, "properties": {...}}
  // with each key's description and default taken from a default `C`.
  nlohmann::ordered_json Schema() const {
    C defaults{};
    nlohmann::ordered_json props = nlohmann::ordered_json::object();
    for (const Item& i : items_) {
      // The description before any nested "properties", as people read it.
      const nlohmann::ordered_json s = i.schema_(i);
      nlohmann::ordered_json described = nlohmann::ordered_json::object();
      for (auto it = s.begin(); it != s.end(); ++it) {
        if (it.key() != "properties") described[it.key()] = it.value();
      }
      described["description"] = DescribeOption(i.doc_, DefaultOf(i, defaults));
      if (s.contains("properties")) described["properties"] = s["properties"];
      props[i.name_] = std::move(described);
    }
    return {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
  }

  std::vector<OptionDoc> Docs() const {
    C defaults{};
    return DocsOf(defaults);
  }

 private:
  std::vector<OptionDoc> DocsOf(C& defaults) const {
    std::vector<OptionDoc> docs;
    for (const Item& i : items_) docs.push_back({i.name_, i.doc_, DefaultOf(i, defaults)});
    return docs;
  }

  Item& Add(std::string name, std::string doc) {
    for (const Item& i : items_) DSIM_ASSERT(i.name_ != name && "an option is declared twice");
    Item& item = items_.emplace_back();
    item.name_ = std::move(name);
    item.doc_ = std::move(doc);
    return item;
  }

  static std::string DefaultOf(const Item& i, C& defaults) {
    return i.default_text_ ? *i.default_text_ : i.format_default_(defaults);
  }

  std::deque<Item> items_;
  std::vector<std::function<void(const ScenarioInfo&, C&)>> when_present_;
  std::vector<Rule> rules_;
};

// The workload keys every client-driven family shares, with one wording.

// "think": the pause between a client's operations (or transactions).
template <typename C, typename F>
typename OptionSet<C>::Item& ThinkKey(OptionSet<C>& w, F field, const std::string& what = "operations") {
  return w.Duration("think", "Pause between a client's " + what + ", uniform up to this", field);
}

// "timeout": how long a request may go unanswered; the doc says what then.
template <typename C, typename F>
typename OptionSet<C>::Item& TimeoutKey(OptionSet<C>& w, F field, const std::string& doc) {
  return w.Duration("timeout", doc, field).AtLeast(1);
}

// "stop": no new operations from this local time on.
template <typename C, typename F>
typename OptionSet<C>::Item& StopKey(OptionSet<C>& w, F field, const std::string& default_text,
                                     const std::string& what = "operations") {
  return w.Duration("stop", "No new " + what + " from this local time on", field)
      .UpToRunEnd()
      .DefaultText(default_text);
}

// One operation kind of a "mix".
template <typename C>
struct MixWeight {
  std::string name;
  std::string doc;
  std::function<int&(C&)> field;
};

// "mix": relative weights of the operation kinds, each 0..1000, at least
// one of them positive.
template <typename C>
typename OptionSet<C>::Item& MixKey(OptionSet<C>& w, const std::string& doc,
                                    std::vector<MixWeight<C>> weights) {
  OptionSet<C> mix;
  for (const MixWeight<C>& m : weights) mix.Int(m.name, m.doc, m.field, 0, 1000);
  mix.Check([weights](JsonObject& o, const ScenarioInfo&, C& c) {
    int total = 0;
    for (const MixWeight<C>& m : weights) total += m.field(c);
    if (total == 0) o.Fail("the mix needs some operation");
  });
  return w.Object("mix", doc, std::move(mix));
}

}  // namespace dsim

#endif  // DSIM_SIM_OPTIONS_H_
