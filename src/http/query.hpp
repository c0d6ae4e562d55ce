#pragma once
// Query strings and form bodies as callers really send them. Telephony platforms and
// hand-written URLs put bytes RFC 3986 does not allow in a query ("{agentId}", spaces,
// '|', '"') unescaped; Boost.URL rightly refuses those, so they are %-escaped first and
// read literally. A broken escape ("%zz") is still an error: its meaning is unknowable.
#include <boost/url/params_encoded_view.hpp>
#include <string>
#include <string_view>

namespace popflow::http {

// `storage` holds the escaped text the returned view points into.
boost::system::result<boost::urls::params_encoded_view> parse_lenient_query(std::string_view text,
                                                                            std::string& storage);

}  // namespace popflow::http
