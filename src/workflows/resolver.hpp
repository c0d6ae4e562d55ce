#pragma once
// Which published workflow a trigger runs (CONTRACT "What a trigger's answer adds"), from an
// immutable Snapshot of every customer's instances, agent directory and publications. The
// store's loader builds one whenever the data changes (store::PublishedWorkflow converts to
// PublishedEntry one to one) and swaps it in; triggers on every event loop read it at once.
//
// Rules:
// - CRM trigger: the instance of its crmId (none: no_instance).
// - CTI trigger: the agent's instance from the directory; an agent listed in several takes
//   the one of them where the event is published. Unlisted: the only instance of the
//   customer where the event is published (several: ambiguous_instance).
// - In that instance: the publication for the agent's profile there (directory), else the
//   one for all profiles. An unlisted agent gets only the one for all profiles.
// - Nothing for the event in the instance: not_published_here when another instance of the
//   customer has it, else no_publication with did_you_mean (did_you_mean.hpp) over the
//   customer's published event names.
//
// Threads: immutable once built, read by any thread without locks. Cost per resolve: a few
// hash lookups by string_view, no allocation (but did_you_mean's, on the no_publication
// path). Answers hold string_views into the snapshot: keep it alive while using them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/catalog.hpp"

namespace popflow::workflows {

enum class Channel { cti, crm };

struct PublishedEntry {
  Publication publication;
  std::string workflow_name;
  std::string definition;  // JSON text, validated when it was frozen
};

// Entries naming an instance not in `instances` are ignored.
struct SnapshotData {
  std::vector<Instance> instances;
  std::vector<AgentEntry> agents;
  std::vector<PublishedEntry> published;
  std::vector<Event> events;  // for their age limits (the pop rules)
};

// An event's age limit in an instance (Event::stale_after), for agents' clients.
struct StaleAfter {
  std::string_view event;
  int seconds = 0;
};

struct ResolvedWorkflow {
  std::string_view id;
  std::string_view name;
  int version = 0;
  std::string_view instance;  // the CRM id
  // {"id","name","version","instance"} as JSON, made when the snapshot is built: a trigger's
  // answer and timeline append it instead of quoting four strings each time.
  std::string_view json;
  // The same text, shared: a timeline copies the pointer, not the text (null in tests).
  const std::shared_ptr<const std::string>* shared_json = nullptr;
};

enum class Unresolved {
  no_instance,
  no_publication,
  not_published_here,
  profile_mismatch,
  ambiguous_instance
};
std::string_view to_string(Unresolved reason);  // "no_instance", …

struct Resolution {
  std::optional<ResolvedWorkflow> workflow;
  std::optional<Unresolved> reason;          // set exactly when workflow is not
  std::optional<std::string_view> instance;  // the instance the trigger was resolved in
  std::optional<std::string_view> profile;   // the agent's profile there (directory)
  std::optional<std::string> did_you_mean;   // with no_publication only
};

// What an agent's client of one instance and profile runs, per event.
struct AgentWorkflow {
  std::string_view event;
  std::string_view id;
  std::string_view name;
  int version = 0;
  std::string_view definition;
  bool own_profile = false;  // published to the profile itself, not to all profiles
};

class Snapshot {
 public:
  explicit Snapshot(const SnapshotData& data);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Increases with every snapshot built in this process: tells two snapshots apart.
  std::uint64_t generation() const { return generation_; }

  // `crm_id` is the trigger's crmId (CRM triggers; ignored for CTI).
  Resolution resolve(std::string_view customer, Channel channel,
                     std::optional<std::string_view> crm_id, std::string_view agent_id,
                     std::string_view event) const;

  // For agents' clients: an instance's record, an agent's profile in it from the directory,
  // and the instances whose directory lists the agent.
  const Instance* instance(std::string_view customer, std::string_view crm_id) const;
  std::optional<std::string_view> profile_of(std::string_view customer, std::string_view crm_id,
                                             std::string_view agent_id) const;
  std::vector<std::string_view> instances_listing(std::string_view customer,
                                                  std::string_view agent_id) const;
  // The events of that instance with an age limit, sorted by event.
  std::vector<StaleAfter> stale_after(std::string_view customer, std::string_view crm_id) const;
  // The customers that have at least one instance.
  std::vector<std::string_view> customers() const;
  // Changes when what a customer's agents' clients get changes (instances, directory,
  // publications, pop rules); 0 for a customer without instances. Tells whom a new snapshot
  // concerns.
  std::size_t digest(std::string_view customer) const;

  // Sorted by event. `profile` nullopt: an agent of no profile (gets "all" publications).
  std::vector<AgentWorkflow> published_for(std::string_view customer, std::string_view crm_id,
                                           std::optional<std::string_view> profile) const;
  // The events of that instance published only to profiles other than `profile` (all of
  // them when it is nullopt): where the agent's client reports profile_mismatch, not
  // no_publication. Sorted.
  std::vector<std::string> published_to_others(std::string_view customer, std::string_view crm_id,
                                               std::optional<std::string_view> profile) const;

 private:
  struct Data;
  std::unique_ptr<const Data> data_;
  std::uint64_t generation_;
};

}  // namespace popflow::workflows
