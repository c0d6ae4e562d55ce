#include "http/web_pages.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <stdexcept>

#include "http/responses.hpp"
#include "web/assets.hpp"

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

// The sources, each after a space; a source that could end the directive (';', ',', a space
// or a control character) is a start-up error naming the setting.
std::string joined(std::string_view setting, const std::vector<std::string>& sources) {
  std::string text;
  for (const auto& source : sources) {
    const bool breaks_out = std::ranges::any_of(
        source, [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == ';' || c == ','; });
    if (breaks_out)
      throw std::runtime_error(std::string(setting) + ": '" + source +
                               "' is not a Content-Security-Policy source");
    text += " " + source;
  }
  return text;
}

// The target without its query: "/agent" for "/agent?x=1".
std::string_view target_path(const Request& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

Response file_answer(const Request& request, const web::EmbeddedFile& file,
                     const std::string& policy) {
  const bool unchanged = request[bhttp::field::if_none_match] == file.etag;
  auto response = make_response(request, unchanged ? 304 : 200);
  response.set(bhttp::field::content_type, file.content_type);
  response.set(bhttp::field::etag, file.etag);
  response.set(bhttp::field::cache_control, "no-cache");
  response.set("Content-Security-Policy", policy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  // The runtime's modules are public code a CRM add-in on another origin imports (docs/agent.md,
  // "Embedding the runtime"); no credentials go with them.
  if (file.path.starts_with("/agent/") && file.content_type.starts_with("text/javascript"))
    response.set(bhttp::field::access_control_allow_origin, "*");
  response.keep_alive(request.keep_alive());
  if (!unchanged) response.body().assign(file.text());
  response.prepare_payload();
  return response;
}

}  // namespace

std::string web_content_security_policy(const Config& config) {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "media-src 'self'; worker-src blob:; connect-src 'self'" +
         joined("agent_connect_src", config.agent_connect_src) + "; frame-ancestors" +
         joined("agent_frame_ancestors", config.agent_frame_ancestors) +
         "; base-uri 'none'; form-action 'none'";
}

std::string console_content_security_policy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
}

void add_web_routes(RouteTable& routes, const Config& config) {
  const auto agent_policy = web_content_security_policy(config);
  const auto console_policy = console_content_security_policy();
  // The front door: a person opening the server's address gets the console's sign-in (which
  // links to the agent's client); a machine (no text/html in Accept) keeps the API's 404.
  routes.add(bhttp::verb::get, "/", [](RouteContext& context) {
    const auto& request = context.request;
    if (request[bhttp::field::accept].find("text/html") == std::string_view::npos)
      return Outcome{not_found(request, "/", context.info)};
    auto response = make_response(request, 303);
    response.set(bhttp::field::location, "/admin/");
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return Outcome{std::move(response)};
  });
  for (const auto& file : web::embedded_files()) {
    const auto& policy = file.path.starts_with("/admin/") ? console_policy : agent_policy;
    constexpr std::string_view kIndex = "/index.html";
    if (file.path.ends_with(kIndex)) {
      const auto directory = file.path.substr(0, file.path.size() - kIndex.size());  // "/agent"
      routes.add(bhttp::verb::get, directory, [&file, policy, directory](RouteContext& context) {
        if (target_path(context.request) == directory) {
          auto response = make_response(context.request, 308);
          const std::string_view target = context.request.target();
          response.set(bhttp::field::location,
                       std::string(directory) + "/" + std::string(target.substr(directory.size())));
          response.keep_alive(context.request.keep_alive());
          response.prepare_payload();
          return Outcome{std::move(response)};
        }
        return Outcome{file_answer(context.request, file, policy)};
      });
      continue;
    }
    routes.add(bhttp::verb::get, file.path, [&file, policy](RouteContext& context) {
      return Outcome{file_answer(context.request, file, policy)};
    });
  }
}

}  // namespace popflow::http
