// Writes the mqtt_codec fuzzer's seed corpus: every packet type in both versions, encoded
// by the codec itself, plus one stream of several packets as a client sends them.
//   build-fuzz/fuzz/mqtt_seeds fuzz/corpus/mqtt_codec
// Not a fuzzer; run it again after changing the packets below.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "mqtt/codec.hpp"

using namespace popflow::mqtt;

namespace {

struct Seed {
  std::string name;
  ProtocolVersion version;
  Packet packet;
};

Properties user(std::string name, std::string value) {
  Properties p;
  p.user_properties.push_back({std::move(name), std::move(value)});
  return p;
}

std::vector<Seed> seeds() {
  const auto v3 = ProtocolVersion::v311;
  const auto v5 = ProtocolVersion::v5;
  std::vector<Seed> out;

  Connect c3{.version = v3,
             .client_id = "agent-1001",
             .clean_start = true,
             .keep_alive = 60,
             .username = "agent",
             .password = "eyJhbGciOiJIUzI1NiJ9.e30.sig"};
  c3.will = Will{.topic = "CTI/acme/1001/status", .payload = "offline", .qos = 1, .retain = true};
  out.push_back({"connect", v3, c3});

  Connect c5{.version = v5,
             .client_id = "",
             .clean_start = false,
             .keep_alive = 30,
             .username = "agent",
             .password = "token"};
  c5.properties.session_expiry_interval = 3600;
  c5.properties.receive_maximum = 20;
  c5.properties.maximum_packet_size = 65536;
  c5.properties.topic_alias_maximum = 10;
  c5.properties.request_problem_information = 1;
  c5.properties.user_properties.push_back({"crm", "salesforce"});
  Will w5{.topic = "CTI/acme/1001", .payload = "bye", .qos = 0};
  w5.properties.will_delay_interval = 5;
  w5.properties.content_type = "text/plain";
  c5.will = w5;
  out.push_back({"connect", v5, c5});
  out.push_back({"connect_minimal", v5, Connect{.version = v5, .client_id = "x"}});

  out.push_back({"connack", v3, Connack{.session_present = true}});
  out.push_back(
      {"connack_refused", v3, Connack{.reason_code = ReasonCode::bad_user_name_or_password}});
  Connack k5{.session_present = false};
  k5.properties.assigned_client_identifier = "auto-7f3a";
  k5.properties.topic_alias_maximum = 10;
  k5.properties.maximum_qos = 1;
  k5.properties.retain_available = 1;
  k5.properties.wildcard_subscription_available = 1;
  k5.properties.shared_subscription_available = 0;
  k5.properties.server_keep_alive = 30;
  out.push_back({"connack", v5, k5});

  const std::string message =
      R"({"id":"01a2245b-537f-7000-a43d-4f526b660503","channel":"CTI","customerId":"acme",)"
      R"("agentId":"1001","event":"On Ring","data":{"ani":"5551234567"}})";
  for (auto v : {v3, v5}) {
    out.push_back({"publish_qos0", v, Publish{.topic = "CTI/acme/1001", .payload = message}});
    out.push_back({"publish_qos1", v,
                   Publish{.topic = "CRM/acme/h.example/1001",
                           .payload = "{}",
                           .qos = 1,
                           .retain = true,
                           .packet_id = 7}});
    out.push_back({"publish_qos2_dup", v,
                   Publish{.topic = "CTI/acme/env-1/1001",
                           .payload = "",
                           .qos = 2,
                           .dup = true,
                           .packet_id = 65535}});
  }
  Publish p5{.topic = "CTI/acme/1001", .payload = message, .qos = 1, .packet_id = 9};
  p5.properties.payload_format_indicator = 1;
  p5.properties.message_expiry_interval = 60;
  p5.properties.content_type = "application/json";
  p5.properties.response_topic = "CTI/acme/1001/reply";
  p5.properties.correlation_data = std::string("\x00\x01\x02", 3);
  p5.properties.topic_alias = 3;
  p5.properties.subscription_identifiers = {1, 268435455};
  p5.properties.user_properties.push_back({"source", "pbx"});
  out.push_back({"publish_properties", v5, p5});
  Publish alias{.topic = "", .payload = "x"};
  alias.properties.topic_alias = 3;
  out.push_back({"publish_alias", v5, alias});

  for (auto type :
       {PacketType::puback, PacketType::pubrec, PacketType::pubrel, PacketType::pubcomp}) {
    std::string n(name(type));
    for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.push_back({n, v3, Ack{.type = type, .packet_id = 7}});
    out.push_back({n, v5, Ack{.type = type, .packet_id = 7}});
    Ack a{.type = type,
          .packet_id = 8,
          .reason_code = type == PacketType::pubrel || type == PacketType::pubcomp
                             ? ReasonCode::packet_identifier_not_found
                             : ReasonCode::no_matching_subscribers};
    a.properties.reason_string = "nobody listens";
    out.push_back({n + "_reason", v5, a});
  }

  Subscribe s3{.packet_id = 1,
               .subscriptions = {{.filter = "CTI/acme/1001", .qos = 1},
                                 {.filter = "CTI/acme/+/1001", .qos = 1},
                                 {.filter = "#", .qos = 0}}};
  out.push_back({"subscribe", v3, s3});
  Subscribe s5{.packet_id = 2,
               .subscriptions = {{.filter = "CTI/acme/1001",
                                  .qos = 2,
                                  .no_local = true,
                                  .retain_as_published = true,
                                  .retain_handling = 2},
                                 {.filter = "$share/agents/CRM/acme/+/1001", .qos = 1}}};
  s5.properties.subscription_identifiers = {42};
  s5.properties.user_properties.push_back({"k", "v"});
  out.push_back({"subscribe", v5, s5});

  out.push_back({"suback", v3,
                 Suback{.packet_id = 1,
                        .reason_codes = {ReasonCode::granted_qos_1, ReasonCode::granted_qos_0,
                                         ReasonCode::unspecified_error}}});
  Suback k{.packet_id = 2,
           .reason_codes = {ReasonCode::granted_qos_2, ReasonCode::not_authorized,
                            ReasonCode::topic_filter_invalid}};
  k.properties.reason_string = "CRM/other is not yours";
  out.push_back({"suback", v5, k});

  out.push_back({"unsubscribe", v3,
                 Unsubscribe{.packet_id = 3, .filters = {"CTI/acme/1001", "CTI/acme/+/1001"}}});
  out.push_back(
      {"unsubscribe", v5,
       Unsubscribe{
           .packet_id = 3, .filters = {"$share/g/#"}, .properties = user("why", "logout")}});
  out.push_back({"unsuback", v3, Unsuback{.packet_id = 3}});
  out.push_back(
      {"unsuback", v5,
       Unsuback{.packet_id = 3,
                .reason_codes = {ReasonCode::success, ReasonCode::no_subscription_existed}}});

  for (auto v : {v3, v5}) {
    out.push_back({"pingreq", v, Pingreq{}});
    out.push_back({"pingresp", v, Pingresp{}});
    out.push_back({"disconnect", v, Disconnect{}});
  }
  Disconnect d{.reason_code = ReasonCode::disconnect_with_will_message};
  d.properties.session_expiry_interval = 0;
  d.properties.reason_string = "shift over";
  out.push_back({"disconnect_reason", v5, d});
  Disconnect moved{.reason_code = ReasonCode::server_moved};
  moved.properties.server_reference = "mqtt2.example:1883";
  out.push_back({"disconnect_moved", v5, moved});

  Auth auth{.reason_code = ReasonCode::continue_authentication};
  auth.properties.authentication_method = "SCRAM-SHA-256";
  auth.properties.authentication_data = "n,,n=agent,r=abc";
  out.push_back({"auth", v5, auth});
  return out;
}

bool write(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
  return static_cast<bool>(file);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<std::uint8_t> stream3, stream5;
  for (const auto& seed : seeds()) {
    std::vector<std::uint8_t> bytes;
    if (auto ok = encode(seed.version, seed.packet, bytes); !ok) {
      std::fprintf(stderr, "%s: %s\n", seed.name.c_str(), ok.error().message().c_str());
      return 1;
    }
    const bool v5 = seed.version == ProtocolVersion::v5;
    if (!write(dir + "/" + (v5 ? "v5_" : "v311_") + seed.name, bytes)) return 1;
    auto& stream = v5 ? stream5 : stream3;
    const auto type = packet_type(seed.packet);
    // A client's side of a session: CONNECT, SUBSCRIBE, PUBLISH, PINGREQ, DISCONNECT.
    if (type == PacketType::connect || type == PacketType::subscribe ||
        type == PacketType::pingreq || type == PacketType::disconnect ||
        seed.name == "publish_qos1")
      stream.insert(stream.end(), bytes.begin(), bytes.end());
  }
  return write(dir + "/v311_session_stream", stream3) && write(dir + "/v5_session_stream", stream5)
             ? 0
             : 1;
}
