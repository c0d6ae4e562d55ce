#pragma once
// Accepting TLS connections: the handshake, bounded by Config::read_timeout, then the
// protocol's session on the encrypted stream.
#include <boost/asio/ip/tcp.hpp>
#include <functional>

#include "net/tls_transport.hpp"
#include "net/worker.hpp"

namespace popflow::net {

using TlsAccepted = std::function<void(TlsTransport::Stream stream, Worker& worker)>;

// Handshakes on `socket` with the worker's TLS context, then calls `next`. A failed or
// slow handshake closes the connection.
void accept_tls(boost::asio::ip::tcp::socket socket, Worker& worker, TlsAccepted next);

// net::Listener hook for the mqtts port.
void accept_mqtts(boost::asio::ip::tcp::socket socket, Worker& worker);

}  // namespace popflow::net
