#include "http/framing.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/range/iterator_range.hpp>
#include <cstring>

namespace popflow::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view kOws = " \t";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kOws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kOws) - first + 1);
}

// Calls `each` with every element of a comma-separated list, trimmed; empty elements are
// skipped, as the list syntax allows them (RFC 9110 5.6.1).
template <class Each>
void for_each_element(std::string_view list, Each&& each) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = trim(list.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// A transfer-coding's name, without its parameters ("chunked;x=y" is chunked with one).
std::string_view coding_name(std::string_view coding) {
  return trim(coding.substr(0, coding.find(';')));
}

// reg-name, IP-literal and port (RFC 3986 3.2.2): unreserved, pct-encoded, sub-delims, ':'
// and the brackets of an IPv6 literal. A table: one load a character.
constexpr auto kHostChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  for (char c : std::string_view("-._~%!$&'()*+,;=:[]"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_host_char(unsigned char c) {
  return kHostChars[c];
}

Problem framing_problem(std::string code, std::string message) {
  return bad_request(std::move(code), std::move(message));
}

std::optional<Problem> check_host(const Request& request, int hosts, std::string_view value) {
  if (hosts == 0) {
    if (request.version() < 11) return std::nullopt;
    return framing_problem("missing_host", "an HTTP/1.1 request needs a Host header");
  }
  if (hosts > 1)
    return framing_problem("duplicate_host", "the request has more than one Host header");
  if (!std::all_of(value.begin(), value.end(),
                   [](char c) { return is_host_char(static_cast<unsigned char>(c)); }))
    return framing_problem("bad_host", "the Host header is not a host name or address");
  return std::nullopt;
}

// Every Transfer-Encoding line, as one list (RFC 9110 5.3: lines of a list field join).
std::optional<Problem> check_transfer_encoding(const Request& request) {
  std::string_view last;
  std::optional<Problem> problem;
  for (const auto& line :
       boost::make_iterator_range(request.equal_range(bhttp::field::transfer_encoding))) {
    for_each_element(line.value(), [&](std::string_view coding) {
      const auto name = coding_name(last);
      if (!last.empty() && !problem) {
        // Only the last coding may be chunked, and chunked is the only one we decode.
        if (boost::beast::iequals(name, "chunked")) {
          problem = framing_problem("chunked_not_last",
                                    "Transfer-Encoding applies chunked more than once or "
                                    "before another coding");
        } else {
          problem = Problem{501, "unsupported_transfer_coding",
                            "the transfer coding \"" + std::string(name.substr(0, 32)) +
                                "\" is not supported; send the body with chunked alone or "
                                "with Content-Length",
                            ""};
        }
      }
      last = coding;
    });
  }
  if (last.empty()) return std::nullopt;  // no coding at all: no Transfer-Encoding
  if (!boost::beast::iequals(coding_name(last), "chunked"))
    return framing_problem("transfer_encoding_not_chunked",
                           "the last transfer coding must be chunked, or the body's end is "
                           "unknown; send Content-Length or Transfer-Encoding: chunked");
  return problem;
}

}  // namespace

HeaderVerdict check_header(std::string_view raw, const Request& request) {
  HeaderVerdict verdict;
  if (has_obs_fold(raw)) {
    verdict.problem =
        framing_problem("obs_fold",
                        "a header line continues on the next (obsolete line folding); send each "
                        "header on one line");
    return verdict;
  }
  // One pass over the fields, comparing the field enums Beast stored while parsing: cheaper
  // than three look-ups by name (~700 instructions for a trigger, bench/callgrind.sh).
  int hosts = 0;
  std::string_view host;
  bool transfer_encoding = false;
  bool expect = false;
  for (const auto& field : request) {
    switch (field.name()) {
      case bhttp::field::host:
        ++hosts;
        host = field.value();
        break;
      case bhttp::field::transfer_encoding:
        transfer_encoding = true;
        break;
      case bhttp::field::expect:
        expect = true;
        break;
      default:
        break;
    }
  }
  if ((verdict.problem = check_host(request, hosts, host))) return verdict;
  if (transfer_encoding) {
    if ((verdict.problem = check_transfer_encoding(request))) return verdict;
    // RFC 9112 6.1: the framing of an HTTP/1.0 message with Transfer-Encoding is suspect.
    verdict.close_after = request.version() < 11;
  }
  if (!expect) return verdict;
  for (const auto& line : boost::make_iterator_range(request.equal_range(bhttp::field::expect))) {
    for_each_element(line.value(), [&](std::string_view expectation) {
      if (boost::beast::iequals(expectation, "100-continue")) {
        // RFC 9110 10.1.1: an HTTP/1.0 client cannot take an interim answer.
        if (request.version() >= 11) verdict.expect = Expectation::continue_100;
      } else if (!verdict.problem) {
        verdict.problem = Problem{417, "unsupported_expectation",
                                  "the only expectation supported is Expect: 100-continue", ""};
      }
    });
  }
  return verdict;
}

bool has_obs_fold(std::string_view raw) {
  const char* p = raw.data();
  const char* const end = p + raw.size();
  while (p < end) {
    const auto* lf = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (!lf || lf + 1 >= end) return false;
    if (lf[1] == ' ' || lf[1] == '\t') return true;
    p = lf + 1;
  }
  return false;
}

std::size_t find_bare_lf(std::string_view pending, std::size_t from) {
  while (from < pending.size()) {
    const auto lf = pending.find('\n', from);
    if (lf == std::string_view::npos) return lf;
    if (lf == 0 || pending[lf - 1] != '\r') return lf;
    from = lf + 1;
  }
  return std::string_view::npos;
}

std::size_t leading_empty_lines(std::string_view buffered) {
  std::size_t n = 0;
  while (buffered.substr(n, 2) == "\r\n") n += 2;
  return n;
}

}  // namespace popflow::http
