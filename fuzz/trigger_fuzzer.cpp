// The Connect API's trigger parsing, as connect_api.cpp's read_fields() drives it: a query
// string read as form fields, then a JSON or form body into the same FieldSet, then
// make_trigger() on what is left once the key is taken out.
//
// Input: one flags byte (bit 0 channel, bit 1 form body instead of JSON, bit 2 tight limits),
// a query string (FuzzedDataProvider's length-prefixed string), and the body (the rest).
// Checks beyond "no crash, no UB, no leak":
//   - every Problem and every message is valid JSON (no raw non-UTF-8 bytes echoed back);
//   - an accepted trigger's topic is a valid MQTT topic name with the expected level count.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/fields.hpp"
#include "topics/topic.hpp"
#include "triggers/trigger.hpp"

namespace {

using namespace popflow;
using namespace popflow::http;
using namespace popflow::triggers;

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

void check_problem(const Problem& problem) {
  require(problem.status >= 400 && problem.status < 500);
  require(!problem.code.empty());
  require(is_json(problem.to_json()));
}

std::size_t levels(std::string_view topic) {
  return 1 + static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const auto flags = input.ConsumeIntegral<std::uint8_t>();
  const auto channel = (flags & 1) ? Channel::crm : Channel::cti;
  const bool form_body = flags & 2;
  const FieldLimits limits = (flags & 4) ? FieldLimits{4, 2, 16} : FieldLimits{};
  const std::string query = input.ConsumeRandomLengthString(1024);
  const std::string body = input.ConsumeRemainingBytesAsString();

  FieldSet fields;
  if (auto added = add_form_fields(query, limits, fields); !added) {
    check_problem(added.error());
    return 0;
  }
  auto added =
      form_body ? add_form_fields(body, limits, fields) : add_json_fields(body, limits, fields);
  if (!added) {
    check_problem(added.error());
    return 0;
  }
  require(fields.fields().size() <= limits.max_fields);
  fields.take("jwt");
  require(fields.find("jwt") == nullptr);

  auto trigger = make_trigger(channel, std::move(fields));
  if (!trigger) {
    check_problem(trigger.error());
    return 0;
  }
  const std::string topic = topic_of(*trigger, "acme");
  require(is_valid_topic_name(topic));
  const bool extra_level = trigger->cti_id.has_value() || trigger->crm_id.has_value();
  require(levels(topic) == (extra_level ? 4u : 3u));
  require(topic_matches(channel == Channel::cti ? "CTI/acme/#" : "CRM/acme/+/+", topic));
  require(is_json(message_json(*trigger, "acme", "01a2245b-537f-7000-a43d-4f526b660503",
                               "2026-11-28T22:51:34.655Z")));
  (void)subscription_hint(*trigger, "acme");
  return 0;
}
