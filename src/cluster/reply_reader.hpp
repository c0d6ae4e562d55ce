#pragma once
// RAII over hiredis's redisReader: bytes from the socket in, complete replies out. A reply may
// arrive split across any number of reads; the reader keeps the partial bytes (and frees its
// buffer once it is consumed, so one huge reply does not pin memory).
// Single-threaded: one reader per connection, used on that connection's loop.
#include <cstddef>
#include <memory>
#include <optional>

#include "cluster/error.hpp"
#include "cluster/reply.hpp"

struct redisReader;

namespace popflow::cluster {

class ReplyReader {
 public:
  ReplyReader();

  void feed(const char* data, std::size_t size);
  // The next complete reply, nullopt when more bytes are needed, or Error::protocol (after
  // which the reader is unusable: the connection must be dropped and a new reader made).
  Result<std::optional<Reply>> next();

 private:
  struct Free {
    void operator()(redisReader* reader) const;
  };
  std::unique_ptr<redisReader, Free> reader_;
};

}  // namespace popflow::cluster
