#pragma once
// The byte stream under an MQTT connection: plain TCP or WebSocket binary frames (MQTT 5.0
// section 6), one small interface so the protocol code is written once (like Redis's
// connection.h). TLS variants will implement the same interface.
//
// Threads: every call and every handler runs on the owning worker's thread. At most one
// read and one write are outstanding at a time.
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <string_view>

namespace popflow::net {

class Transport {
 public:
  using Handler = std::function<void(boost::system::error_code, std::size_t)>;
  virtual ~Transport() = default;

  virtual void read_some(boost::asio::mutable_buffer buffer, Handler handler) = 0;
  virtual void write(boost::asio::const_buffer buffer, Handler handler) = 0;  // all of it
  virtual void close() = 0;
  virtual std::string_view name() const = 0;  // "tcp" or "websocket", for logs
};

}  // namespace popflow::net
