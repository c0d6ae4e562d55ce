#pragma once
// The HTTP message types every handler speaks. Bodies are strings: the largest request
// body is bounded by Config::max_body_bytes, and responses are small JSON documents.
//
// Header fields take their memory from an allocator: an HttpSession gives its messages its
// own arena, emptied at once between requests, so the dozen fields of a request and its
// answer cost no malloc and free each (~1k instructions a trigger, bench/callgrind.sh). A
// default-constructed message allocates from the heap. Boost.Container's allocator, not
// std::pmr's, because Beast's fields need one that can be assigned.
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/container/pmr/polymorphic_allocator.hpp>

namespace popflow::http {

using FieldsAllocator = boost::container::pmr::polymorphic_allocator<char>;
using Fields = boost::beast::http::basic_fields<FieldsAllocator>;
using Request = boost::beast::http::request<boost::beast::http::string_body, Fields>;
using Response = boost::beast::http::response<boost::beast::http::string_body, Fields>;

}  // namespace popflow::http
