#include "workflows/resolver.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <memory>
#include <unordered_map>

#include "workflows/did_you_mean.hpp"

namespace popflow::workflows {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

// Looked up by string_view without building a std::string (C++20 heterogeneous lookup).
template <class V>
using Map = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

template <class V>
const V* find(const Map<V>& map, std::string_view key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

struct Pub {
  std::string workflow_id;
  std::string name;
  int version = 0;
  std::string definition;
  // ResolvedWorkflow::json, serialized once per snapshot; shared, so a timeline keeps it
  // without copying it.
  std::shared_ptr<const std::string> answer_json;
};

struct EventPubs {
  std::optional<Pub> all;
  Map<Pub> by_profile;
};

struct InstanceData {
  std::string crm_id;
  Instance record;              // its type and URL templates, for agents' clients
  Map<std::string> profile_of;  // agent id → profile
  Map<EventPubs> events;
  std::vector<std::string> event_names;                  // sorted: published_for's order
  std::vector<std::pair<std::string, int>> stale_after;  // sorted by event
};

struct CustomerData {
  std::size_t digest = 0;  // of what its agents' clients get: Snapshot::digest()
  Map<InstanceData> instances;
  Map<std::vector<std::string>> published_in;  // event → instances publishing it
  Map<std::vector<std::string>> listed_in;     // agent id → instances listing it
  std::vector<std::string> published_events;   // did_you_mean's candidates, sorted
};

std::atomic<std::uint64_t> generations{0};

}  // namespace

struct Snapshot::Data {
  Map<CustomerData> customers;
};

std::string_view to_string(Unresolved reason) {
  switch (reason) {
    case Unresolved::no_instance:
      return "no_instance";
    case Unresolved::no_publication:
      return "no_publication";
    case Unresolved::not_published_here:
      return "not_published_here";
    case Unresolved::profile_mismatch:
      return "profile_mismatch";
    case Unresolved::ambiguous_instance:
      return "ambiguous_instance";
  }
  return "no_publication";
}

Snapshot::Snapshot(const SnapshotData& input) : generation_(++generations) {
  auto data = std::make_unique<Data>();
  for (const auto& instance : input.instances) {
    auto& entry = data->customers[instance.customer_id].instances[instance.crm_id];
    entry.crm_id = instance.crm_id;
    entry.record = instance;
  }
  const auto instance_of = [&](const std::string& customer,
                               const std::string& crm_id) -> InstanceData* {
    const auto c = data->customers.find(customer);
    if (c == data->customers.end()) return nullptr;
    const auto i = c->second.instances.find(crm_id);
    return i == c->second.instances.end() ? nullptr : &i->second;
  };
  for (const auto& agent : input.agents) {
    auto* instance = instance_of(agent.customer_id, agent.crm_id);
    if (instance == nullptr) continue;
    instance->profile_of[agent.agent_id] = agent.profile;
    data->customers[agent.customer_id].listed_in[agent.agent_id].push_back(agent.crm_id);
  }
  for (const auto& event : input.events) {
    auto* instance = instance_of(event.customer_id, event.crm_id);
    if (instance != nullptr && event.stale_after)
      instance->stale_after.emplace_back(event.name, *event.stale_after);
  }
  for (const auto& entry : input.published) {
    const auto& p = entry.publication;
    auto* instance = instance_of(p.customer_id, p.crm_id);
    if (instance == nullptr) continue;
    auto& pubs = instance->events[p.event];
    Pub pub{p.workflow_id, entry.workflow_name, p.version, entry.definition,
            std::make_shared<const std::string>(
                boost::json::serialize(boost::json::object{{"id", p.workflow_id},
                                                           {"name", entry.workflow_name},
                                                           {"version", p.version},
                                                           {"instance", p.crm_id}}))};
    if (p.profile)
      pubs.by_profile[*p.profile] = std::move(pub);
    else
      pubs.all = std::move(pub);
  }
  // Per customer, a canonical text of what its clients see (sorted lines), hashed.
  Map<std::vector<std::string>> lines;
  for (const auto& i : input.instances)
    lines[i.customer_id].push_back(
        "i\x1f" + i.crm_id + "\x1f" + std::string(to_string(i.crm_type)) + "\x1f" + i.urls.record +
        "\x1f" + i.urls.new_record + "\x1f" + i.urls.search + "\x1f" + i.supersede_by);
  for (const auto& e : input.events)
    if (e.stale_after)
      lines[e.customer_id].push_back("s\x1f" + e.crm_id + "\x1f" + e.name + "\x1f" +
                                     std::to_string(*e.stale_after));
  for (const auto& a : input.agents)
    lines[a.customer_id].push_back("a\x1f" + a.crm_id + "\x1f" + a.agent_id + "\x1f" + a.profile);
  for (const auto& e : input.published) {
    const auto& p = e.publication;
    lines[p.customer_id].push_back("p\x1f" + p.crm_id + "\x1f" + p.event + "\x1f" +
                                   p.profile.value_or("\x1e") + "\x1f" + p.workflow_id + "\x1f" +
                                   std::to_string(p.version) + "\x1f" + e.workflow_name);
  }
  for (auto& [customer_id, customer_lines] : lines) {
    std::sort(customer_lines.begin(), customer_lines.end());
    std::string text;
    for (const auto& line : customer_lines) text.append(line).push_back('\n');
    if (auto found = data->customers.find(customer_id); found != data->customers.end())
      found->second.digest = std::hash<std::string>{}(text);
  }
  for (auto& [customer_id, customer] : data->customers) {
    for (auto& [crm_id, instance] : customer.instances) {
      for (const auto& [event, pubs] : instance.events) {
        instance.event_names.push_back(event);
        customer.published_in[event].push_back(crm_id);
        customer.published_events.push_back(event);
      }
      std::sort(instance.event_names.begin(), instance.event_names.end());
      std::sort(instance.stale_after.begin(), instance.stale_after.end());
    }
    auto& names = customer.published_events;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (auto& [event, crm_ids] : customer.published_in) std::sort(crm_ids.begin(), crm_ids.end());
    for (auto& [agent, crm_ids] : customer.listed_in) std::sort(crm_ids.begin(), crm_ids.end());
  }
  data_ = std::move(data);
}

Snapshot::~Snapshot() = default;

Resolution Snapshot::resolve(std::string_view customer_id, Channel channel,
                             std::optional<std::string_view> crm_id, std::string_view agent_id,
                             std::string_view event) const {
  Resolution out;
  const auto* customer = find(data_->customers, customer_id);
  const auto unpublished = [&] {
    const bool elsewhere = customer && find(customer->published_in, event);
    out.reason = elsewhere ? Unresolved::not_published_here : Unresolved::no_publication;
    if (!elsewhere && customer) out.did_you_mean = did_you_mean(event, customer->published_events);
    return out;
  };
  const InstanceData* instance = nullptr;
  if (channel == Channel::crm) {
    if (customer && crm_id) instance = find(customer->instances, *crm_id);
    if (instance == nullptr) {
      out.reason = Unresolved::no_instance;
      return out;
    }
  } else {
    if (customer == nullptr) return unpublished();
    const auto* listed = find(customer->listed_in, agent_id);
    const auto* publishing = find(customer->published_in, event);
    if (listed && listed->size() > 1) {
      // Listed in several: those of them publishing the event.
      const std::string* only = nullptr;
      for (const auto& id : *listed) {
        if (!publishing || !std::binary_search(publishing->begin(), publishing->end(), id))
          continue;
        if (only) {
          out.reason = Unresolved::ambiguous_instance;
          return out;
        }
        only = &id;
      }
      if (only == nullptr) return unpublished();
      instance = find(customer->instances, *only);
    } else if (listed) {
      instance = find(customer->instances, listed->front());
    } else {
      if (publishing == nullptr) return unpublished();
      if (publishing->size() > 1) {
        out.reason = Unresolved::ambiguous_instance;
        return out;
      }
      instance = find(customer->instances, publishing->front());
    }
  }
  out.instance = instance->crm_id;
  const auto* profile = find(instance->profile_of, agent_id);
  if (profile) out.profile = *profile;
  const auto* pubs = find(instance->events, event);
  if (pubs == nullptr) return unpublished();
  const Pub* pub = profile ? find(pubs->by_profile, *profile) : nullptr;
  if (pub == nullptr && pubs->all) pub = &*pubs->all;
  if (pub == nullptr) {
    out.reason = Unresolved::profile_mismatch;
    return out;
  }
  out.workflow = ResolvedWorkflow{pub->workflow_id, pub->name,         pub->version,
                                  instance->crm_id, *pub->answer_json, &pub->answer_json};
  return out;
}

std::vector<AgentWorkflow> Snapshot::published_for(std::string_view customer_id,
                                                   std::string_view crm_id,
                                                   std::optional<std::string_view> profile) const {
  std::vector<AgentWorkflow> out;
  const auto* customer = find(data_->customers, customer_id);
  const auto* instance = customer ? find(customer->instances, crm_id) : nullptr;
  if (instance == nullptr) return out;
  for (const auto& event : instance->event_names) {
    const auto& pubs = instance->events.find(event)->second;
    const Pub* own = profile ? find(pubs.by_profile, *profile) : nullptr;
    const Pub* pub = own ? own : (pubs.all ? &*pubs.all : nullptr);
    if (pub == nullptr) continue;
    out.push_back(
        {event, pub->workflow_id, pub->name, pub->version, pub->definition, own != nullptr});
  }
  return out;
}

std::vector<std::string> Snapshot::published_to_others(
    std::string_view customer_id, std::string_view crm_id,
    std::optional<std::string_view> profile) const {
  std::vector<std::string> out;
  const auto* customer = find(data_->customers, customer_id);
  const auto* instance = customer ? find(customer->instances, crm_id) : nullptr;
  if (instance == nullptr) return out;
  for (const auto& event : instance->event_names) {
    const auto& pubs = instance->events.find(event)->second;
    const bool mine = pubs.all || (profile && find(pubs.by_profile, *profile));
    if (!mine && !pubs.by_profile.empty()) out.push_back(event);
  }
  return out;
}

const Instance* Snapshot::instance(std::string_view customer_id, std::string_view crm_id) const {
  const auto* customer = find(data_->customers, customer_id);
  const auto* instance = customer ? find(customer->instances, crm_id) : nullptr;
  return instance ? &instance->record : nullptr;
}

std::optional<std::string_view> Snapshot::profile_of(std::string_view customer_id,
                                                     std::string_view crm_id,
                                                     std::string_view agent_id) const {
  const auto* customer = find(data_->customers, customer_id);
  const auto* instance = customer ? find(customer->instances, crm_id) : nullptr;
  const auto* profile = instance ? find(instance->profile_of, agent_id) : nullptr;
  if (!profile) return std::nullopt;
  return std::string_view(*profile);
}

std::vector<std::string_view> Snapshot::instances_listing(std::string_view customer_id,
                                                          std::string_view agent_id) const {
  std::vector<std::string_view> out;
  const auto* customer = find(data_->customers, customer_id);
  const auto* listed = customer ? find(customer->listed_in, agent_id) : nullptr;
  if (listed)
    for (const auto& crm_id : *listed) out.emplace_back(crm_id);
  return out;
}

std::vector<StaleAfter> Snapshot::stale_after(std::string_view customer_id,
                                              std::string_view crm_id) const {
  std::vector<StaleAfter> out;
  const auto* customer = find(data_->customers, customer_id);
  const auto* instance = customer ? find(customer->instances, crm_id) : nullptr;
  if (instance)
    for (const auto& [event, seconds] : instance->stale_after) out.push_back({event, seconds});
  return out;
}

std::vector<std::string_view> Snapshot::customers() const {
  std::vector<std::string_view> out;
  for (const auto& [id, customer] : data_->customers) out.emplace_back(id);
  return out;
}

std::size_t Snapshot::digest(std::string_view customer_id) const {
  const auto* customer = find(data_->customers, customer_id);
  return customer ? customer->digest : 0;
}

}  // namespace popflow::workflows
