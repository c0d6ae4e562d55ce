#pragma once
// The HTTP message types every handler speaks. Bodies are strings: the largest request
// body is bounded by Config::max_body_bytes, and responses are small JSON documents.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace popflow::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace popflow::http
