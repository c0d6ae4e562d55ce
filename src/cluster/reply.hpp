#pragma once
// A reply from Redis: the tree hiredis's reader built (RESP2). Reply owns it and frees it with
// freeReplyObject; ReplyView reads it (and its elements) without copying and is valid while
// the Reply it came from is.
#include <cstddef>
#include <memory>
#include <string_view>

struct redisReply;  // hiredis.h; only the .cpp files include it

namespace popflow::cluster {

class ReplyView {
 public:
  enum class Type { string, array, integer, nil, status, error };

  explicit ReplyView(const redisReply* reply) : reply_(reply) {}

  Type type() const;
  bool is_error() const { return type() == Type::error; }
  bool is_nil() const { return type() == Type::nil; }
  // The bytes of a string, status or error ("ERR …", "WRONGTYPE …"); empty otherwise.
  std::string_view text() const;
  long long integer() const;  // 0 unless type() is integer
  std::size_t size() const;   // elements of an array; 0 otherwise
  ReplyView operator[](std::size_t i) const;

 private:
  const redisReply* reply_;
};

class Reply {
 public:
  explicit Reply(redisReply* reply) : reply_(reply) {}

  ReplyView view() const { return ReplyView(reply_.get()); }
  ReplyView::Type type() const { return view().type(); }
  bool is_error() const { return view().is_error(); }
  bool is_nil() const { return view().is_nil(); }
  std::string_view text() const { return view().text(); }
  long long integer() const { return view().integer(); }
  std::size_t size() const { return view().size(); }
  ReplyView operator[](std::size_t i) const { return view()[i]; }

 private:
  struct Free {
    void operator()(redisReply* reply) const;
  };
  std::unique_ptr<redisReply, Free> reply_;
};

}  // namespace popflow::cluster
