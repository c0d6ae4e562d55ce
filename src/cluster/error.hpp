#pragma once
// Why a Redis command or connection failed, as the cluster module reports it. A reply Redis
// itself sends as an error ("-WRONGTYPE …") is not one of these: it is a Reply whose
// is_error() is true, so its text reaches the caller.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <type_traits>

namespace popflow::cluster {

enum class Error {
  not_connected = 1,  // sent while the link is down or still handshaking: not written
  connection_lost,    // in flight when the connection dropped: it may or may not have run
  closed,             // the client was closed by its owner
  protocol,           // the bytes from Redis were not RESP (the link reconnects)
  auth_failed,        // AUTH or SELECT refused during the handshake
  bad_url,            // --redis is not redis://host:port[/db] or redis+sentinel://…
  timeout,            // no reply within reply_timeout: the connection is dropped and remade
  no_master,          // the Sentinel asked knows no master by that name (or is not one)
  not_master,         // the server reached is a replica (a failover under way): ask again
};

const boost::system::error_category& error_category();
boost::system::error_code make_error_code(Error e);

template <class T>
using Result = boost::system::result<T>;

}  // namespace popflow::cluster

template <>
struct boost::system::is_error_code_enum<popflow::cluster::Error> : std::true_type {};
