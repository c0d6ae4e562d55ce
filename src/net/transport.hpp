#pragma once
// The byte stream under an MQTT connection: plain TCP or WebSocket binary frames (MQTT 5.0
// section 6), one small interface so the protocol code is written once (like Redis's
// connection.h). TLS variants will implement the same interface.
//
// Threads: every call and every handler runs on the owning worker's thread. At most one
// read and one write are outstanding at a time.
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <span>
#include <string_view>

namespace popflow::net {

class Transport {
 public:
  using Handler = std::function<void(boost::system::error_code, std::size_t)>;
  virtual ~Transport() = default;

  virtual void read_some(boost::asio::mutable_buffer buffer, Handler handler) = 0;
  virtual void write(boost::asio::const_buffer buffer, Handler handler) = 0;  // all of it
  // All of `buffers`, in order: a gather write, so pieces that live apart (an SSE stream's
  // shared messages) go out in one system call without being copied together first. The
  // array behind `buffers`, not only the bytes, must stay valid until the handler runs. The
  // default writes them one by one.
  virtual void write_gather(std::span<const boost::asio::const_buffer> buffers, Handler handler);
  virtual void close() = 0;
  virtual std::string_view name() const = 0;  // "tcp", "tls" or "websocket", for logs

  // Readiness-based reading, for transports that can (plain TCP): wait until bytes are
  // there, then read them without blocking into a buffer the caller shares across
  // connections, so an idle connection holds no read buffer at all. Transports that buffer
  // internally (TLS, WebSocket) say no and are read with read_some().
  virtual bool can_wait_readable() const { return false; }
  virtual void wait_readable(std::function<void(boost::system::error_code)> handler);
  // Returns 0 with would_block when nothing was there after all.
  virtual std::size_t read_available(boost::asio::mutable_buffer buffer,
                                     boost::system::error_code& ec);
};

inline void Transport::write_gather(std::span<const boost::asio::const_buffer> buffers,
                                    Handler handler) {
  if (buffers.size() <= 1)
    return write(buffers.empty() ? boost::asio::const_buffer{} : buffers.front(),
                 std::move(handler));
  write(buffers.front(), [this, rest = buffers.subspan(1), handler = std::move(handler)](
                             boost::system::error_code ec, std::size_t n) mutable {
    if (ec) return handler(ec, n);
    write_gather(rest, [n, handler = std::move(handler)](boost::system::error_code ec,
                                                         std::size_t more) mutable {
      handler(ec, n + more);
    });
  });
}

inline void Transport::wait_readable(std::function<void(boost::system::error_code)> handler) {
  handler(boost::asio::error::operation_not_supported);
}

inline std::size_t Transport::read_available(boost::asio::mutable_buffer,
                                             boost::system::error_code& ec) {
  ec = boost::asio::error::operation_not_supported;
  return 0;
}

}  // namespace popflow::net
