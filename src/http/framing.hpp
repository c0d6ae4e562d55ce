#pragma once
// Checks on a request's framing that Beast's parser leaves to us (RFC 9112), so that no two
// readers of the same bytes (a proxy in front, this server) can disagree on where a request
// ends: a body they frame differently is a request smuggled past the first of them.
//
// - Transfer-Encoding: Beast frames a body as chunked only when "chunked" is the last
//   coding, and reads any other list as "no body", so the body of `Transfer-Encoding:
//   xchunked` runs as the next request. Here a last coding other than chunked is 400, a
//   coding we do not decode (gzip, ...) is 501, and an HTTP/1.0 message with one closes the
//   connection after its answer (6.1).
// - obs-fold (a header line continued on the next one, 5.2): Beast joins the lines
//   silently; we refuse them, as a proxy may not have joined them.
// - Host: exactly one in HTTP/1.1, at most one before, with a value that is a host (3.2).
// - Expect: 100-continue asks for an interim answer; any other expectation is 417.
// - Bare LF: Beast wants CRLF and waits for one; an element with a bare LF in it never
//   completes, so it is refused at once instead of hanging until the read timeout.
//
// No Asio here: bytes and a parsed header in, a verdict out.
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/problem.hpp"
#include "http/types.hpp"

namespace popflow::http {

enum class Expectation { none, continue_100 };

struct HeaderVerdict {
  // Refuse with it, then close: the framing is in doubt, or the body (if any) is unread.
  std::optional<Problem> problem;
  bool close_after = false;  // answer, then close (HTTP/1.0 with Transfer-Encoding)
  Expectation expect = Expectation::none;
};

// `raw` is the request line and header section as received (the bytes the parser took for
// them). Costs one memchr pass over `raw` for obs-fold (~290 instructions for a trigger's
// ~1 KiB header) and one pass over its fields (~100), bench/callgrind.sh; Transfer-Encoding
// and Expect are read further only when present.
HeaderVerdict check_header(std::string_view raw, const Request& request);

// True when a header line in `raw` is continued on the next (CRLF then SP or HTAB).
bool has_obs_fold(std::string_view raw);

// The offset of the first LF in `pending` at or after `from` that no CR precedes, or npos.
// `pending` is what the parser left unconsumed, waiting for more: the start of a line it
// cannot end without a CRLF (LF at offset 0 counts as bare: the parser never stops between
// the CR and LF of a line ending).
std::size_t find_bare_lf(std::string_view pending, std::size_t from = 0);

// How many bytes of empty lines (CRLF) `buffered` starts with: a server should ignore them
// before a request line (RFC 9112 2.2); some old clients send one after a POST body.
std::size_t leading_empty_lines(std::string_view buffered);

}  // namespace popflow::http
