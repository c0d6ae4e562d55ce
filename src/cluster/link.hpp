#pragma once
// One TCP connection to Redis, kept up: resolve, connect (with a deadline), the handshake
// (AUTH, SELECT, CLIENT SETNAME) before anyone else may write, then every byte read is fed to
// a ReplyReader and each complete reply handed to the owner in order. When the connection
// drops, or Redis sends something that is not RESP, the link tells its owner and reconnects
// after a capped exponential backoff with jitter, so nodes do not reconnect in lockstep after a
// Redis restart. Writes made while one is in flight gather in one buffer: a burst of commands
// costs one write (pipelining).
//
// With Sentinels (redis+sentinel://), each connection attempt first asks one of them, in turn,
// where the master is (SENTINEL get-master-addr-by-name), connects there, and checks with ROLE
// that it reached the master, as the Sentinel client spec says: a failover is followed at the
// next reconnect, which Sentinel itself forces (it kills the clients of every instance it
// reconfigures), and a replica is never taken for the master.
//
// Threads: a link lives on one executor (a single-threaded io_context) and every call, and
// every callback to its owner, happens on that loop; nothing blocks. The owner keeps the
// Handler alive until it calls close(), after which the link never calls it again; pending
// operations keep the link itself alive until they finish (aborted).
#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "cluster/redis_url.hpp"
#include "cluster/reply_reader.hpp"

namespace popflow::cluster {

struct LinkOptions {
  std::string name{};  // CLIENT SETNAME: how CLIENT LIST and CLIENT KILL see this connection
  // Resolve, connect and the handshake's replies, together: a Redis that accepts (the kernel
  // does, even for a stopped process) but never answers is given up on and retried.
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
  // RedisConnection: a command unanswered this long means Redis (or the path to it) is stuck;
  // the connection is dropped and remade rather than waiting on the kernel's keep-alive.
  std::chrono::milliseconds reply_timeout{5000};
  // Both connections: after this long without a byte from Redis a PING is sent, and a PING
  // unanswered for reply_timeout drops the connection. Without it a subscribed connection
  // (which sends nothing of its own) or an idle publishing one stays up, silently deaf, on a
  // half-open path until the kernel's keep-alive (hours by default). Cost: one PING and its
  // reply per idle second per connection; none while traffic flows. 0 turns it off.
  std::chrono::milliseconds ping_interval{1000};
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void on_up() = 0;                                 // handshake done: write now
    virtual void on_reply(Reply reply) = 0;                   // the next reply, in order
    virtual void on_down(boost::system::error_code why) = 0;  // was up; reconnecting
  };

  Link(boost::asio::any_io_executor executor, RedisUrl url, LinkOptions options, Handler& handler);

  void start();
  // Only while up(): the bytes of one or more encoded commands.
  void write(std::string bytes);
  bool up() const { return phase_ == Phase::up; }
  // Drops the connection as if it had failed with `why` (the owner's own deadline): the owner
  // gets on_down, and the link reconnects.
  void drop(boost::system::error_code why) { fail(why); }
  void close();

 private:
  enum class Phase { idle, connecting, discovering, handshaking, up, waiting, closed };

  void connect();
  // Resolves and connects the socket to host:port, then calls `connected` (same generation).
  void open(const std::string& host, std::uint16_t port, std::uint64_t generation,
            void (Link::*connected)(std::uint64_t));
  void arm_deadline(std::uint64_t generation);
  void ask_sentinel(std::uint64_t generation);
  void master_found(const Reply& reply);
  void on_connected(std::uint64_t generation);
  void read(std::uint64_t generation);
  void on_read(std::uint64_t generation, std::size_t size);
  void handshake_reply(const Reply& reply);
  void became_up();
  void flush();
  void fail(boost::system::error_code why);
  std::chrono::milliseconds next_backoff();

  boost::asio::any_io_executor executor_;
  RedisUrl url_;
  LinkOptions options_;
  Handler* handler_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;  // the connect and handshake deadline, then the backoff
  Phase phase_ = Phase::idle;
  std::uint64_t generation_ = 0;  // one per connection attempt: stale completions are ignored
  int handshake_pending_ = 0;
  bool role_pending_ = false;      // with Sentinels: the handshake's last reply is ROLE's
  std::size_t next_sentinel_ = 0;  // the one asked next (each attempt asks the next)
  RedisEndpoint master_{};         // where the Sentinel said the master is
  int attempt_ = 0;                // failed attempts since the link was last up
  std::optional<ReplyReader> reader_;
  std::string outbox_;    // written after the write in flight
  std::string inflight_;  // the write in flight
  bool writing_ = false;
  std::array<char, 16 * 1024> read_buffer_{};
  std::minstd_rand jitter_;
};

}  // namespace popflow::cluster
