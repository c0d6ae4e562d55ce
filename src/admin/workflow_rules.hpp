#pragma once
// The rules of workflows that the admin API and `workflow import|publish` share, so both
// refuse and record the same things. Each runs inside the caller's store transaction.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/problem.hpp"
#include "store/repositories.hpp"

namespace popflow::admin {

// The definition validated (workflows/definition.hpp) under the configured limits, in its
// canonical form (what is stored and exported).
Checked<std::string> validated_definition(std::string_view text, const Config& config);

// 400 unknown_event when the instance has no such event, with "did you mean" for a near miss;
// otherwise `how_to_add` (default: the admin API's POST …/events).
std::optional<Problem> unknown_event(store::Repositories& repos, const std::string& customer,
                                     const std::string& crm_id, const std::string& event,
                                     std::string_view how_to_add = {});

bool is_published(store::Repositories& repos, const workflows::Workflow& workflow);

struct Frozen {
  int number = 0;
  bool created = false;  // false: the draft was the latest version already
};
// The draft as the next version, unless it equals the latest one.
Frozen freeze(store::Repositories& repos, const workflows::Workflow& workflow,
              const std::string& actor, std::int64_t now);

// "profiles": "all" or a list of profile names; nullopt means all profiles.
Checked<std::optional<std::vector<std::string>>> publication_profiles(
    const boost::json::object& body);

// A publishing change: the audit's before/after (the publications of the workflow's event)
// and the API's answer.
struct PublicationChange {
  std::string before;
  std::string after;
  boost::json::object answer;
};
Checked<PublicationChange> publish(store::Repositories& repos, const workflows::Workflow& workflow,
                                   int version,
                                   const std::optional<std::vector<std::string>>& profiles,
                                   const std::string& actor, std::int64_t now);
// All of the workflow's publications, or the one for `profile` ("all" for all profiles).
Checked<PublicationChange> unpublish(store::Repositories& repos,
                                     const workflows::Workflow& workflow,
                                     const std::optional<std::string>& profile);

// What each profile of an instance gets for each event: its own publication, else "all".
boost::json::object publication_view(store::Repositories& repos, const std::string& customer,
                                     const std::string& crm_id);

}  // namespace popflow::admin
