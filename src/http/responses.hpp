#pragma once
// Building the JSON responses and the CORS headers the Connect API answers with.
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "http/types.hpp"

namespace popflow::http {

// An answer to `request` with no fields yet: its HTTP version, its fields' memory.
Response make_response(const Request& request, unsigned status);
Response make_json(const Request& request, unsigned status, std::string body);
Response make_text(const Request& request, unsigned status, std::string body,
                   std::string_view content_type = "text/plain; charset=utf-8");
Response make_problem(const Request& request, const Problem& problem);

// The response as it goes on the wire, serialized by Beast, in `out` (replacing what it
// held; a connection reuses one string, so its capacity too). Written with one plain write
// it costs far less than http::async_write, whose composed operation walks the
// serializer's buffer sequence (every field, one buffer each) again at every step.
// `with_body` false is the answer to HEAD (RFC 9110 9.3.2): the header GET would get,
// Content-Length included, and not one byte of body, or a keep-alive client would read
// the body as the start of its next answer.
void write_wire_bytes(const Response& response, std::string& out, bool with_body = true);

// CRM triggers come from buttons on CRM pages: let the configured origins read our
// answers ("*" by default: the API key, not the origin, authenticates), and the headers a
// page needs beyond the safelisted ones (Idempotent-Replayed, X-Request-Id, Retry-After).
void apply_cors(const Request& request, Response& response,
                const std::vector<std::string>& allowed_origins);
// The answer to a CORS preflight (OPTIONS): 204 with the methods and headers we accept.
Response make_preflight(const Request& request, const std::vector<std::string>& allowed_origins);

}  // namespace popflow::http
