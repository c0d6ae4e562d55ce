#include "cluster/command.hpp"

#include <hiredis.h>

#include <new>
#include <vector>

namespace popflow::cluster {

std::string encode_command(std::span<const std::string_view> args) {
  // Cost: two small vectors and hiredis's malloc'd buffer, copied once into the string.
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (auto arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* encoded = nullptr;
  const int length =
      redisFormatCommandArgv(&encoded, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (length < 0) throw std::bad_alloc();
  std::string out(encoded, static_cast<std::size_t>(length));
  redisFreeCommand(encoded);
  return out;
}

std::string encode_command(std::initializer_list<std::string_view> args) {
  return encode_command(std::span<const std::string_view>(args.begin(), args.size()));
}

}  // namespace popflow::cluster
