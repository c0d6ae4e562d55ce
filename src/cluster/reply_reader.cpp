#include "cluster/reply_reader.hpp"

#include <hiredis.h>

#include <new>

namespace popflow::cluster {

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

void ReplyReader::feed(const char* data, std::size_t size) {
  // Fails only on an earlier error or out of memory; next() reports either.
  redisReaderFeed(reader_.get(), data, size);
}

Result<std::optional<Reply>> ReplyReader::next() {
  void* reply = nullptr;
  if (redisReaderGetReply(reader_.get(), &reply) != REDIS_OK) return Error::protocol;
  if (!reply) return std::optional<Reply>{};
  return std::optional<Reply>{Reply(static_cast<redisReply*>(reply))};
}

void ReplyReader::Free::operator()(redisReader* reader) const {
  redisReaderFree(reader);
}

}  // namespace popflow::cluster
