#include "cluster/reply.hpp"

#include <hiredis.h>

namespace popflow::cluster {

ReplyView::Type ReplyView::type() const {
  switch (reply_->type) {
    case REDIS_REPLY_STRING:
      return Type::string;
    case REDIS_REPLY_ARRAY:
      return Type::array;
    case REDIS_REPLY_INTEGER:
      return Type::integer;
    case REDIS_REPLY_STATUS:
      return Type::status;
    case REDIS_REPLY_ERROR:
      return Type::error;
    default:
      return Type::nil;
  }
}

std::string_view ReplyView::text() const {
  switch (reply_->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return {reply_->str, reply_->len};
    default:
      return {};
  }
}

long long ReplyView::integer() const {
  return reply_->type == REDIS_REPLY_INTEGER ? reply_->integer : 0;
}

std::size_t ReplyView::size() const {
  return reply_->type == REDIS_REPLY_ARRAY ? reply_->elements : 0;
}

ReplyView ReplyView::operator[](std::size_t i) const {
  return ReplyView(reply_->element[i]);
}

void Reply::Free::operator()(redisReply* reply) const {
  freeReplyObject(reply);
}

}  // namespace popflow::cluster
