#pragma once
// The kernel's table of listening TCP sockets (/proc/net/tcp and tcp6 of this network
// namespace), so the server can tell its own SO_REUSEPORT group from another process that
// joined or holds the same port. Start-up only: reading the table costs one pass over every
// TCP socket of the host.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace popflow::net {

struct ListeningSocket {
  boost::asio::ip::address address;  // IPv4-mapped IPv6 addresses come back as IPv4
  std::uint16_t port = 0;
  std::uint64_t inode = 0;  // the socket's inode: what fstat() on its descriptor reports
};

// The LISTEN rows of one /proc/net/tcp or /proc/net/tcp6 text; malformed rows are skipped.
std::vector<ListeningSocket> parse_proc_net_tcp(std::string_view text);

// Every listening TCP socket of this network namespace; nullopt when /proc is unreadable.
std::optional<std::vector<ListeningSocket>> listening_sockets();

// Whether a connection to one could reach the other: the same address, or either the
// wildcard. A wildcard of the other family counts too (a dual-stack [::] socket takes IPv4).
bool addresses_overlap(const boost::asio::ip::address& a, const boost::asio::ip::address& b);

// The inode of a socket descriptor (0 if fstat fails).
std::uint64_t socket_inode(int fd);

// The process holding the socket with this inode, by scanning /proc/*/fd; nullopt when it is
// not found (another user's process cannot be inspected). Error path only: it costs a
// readlink per open descriptor on the host.
std::optional<int> socket_owner_pid(std::uint64_t inode);

}  // namespace popflow::net
