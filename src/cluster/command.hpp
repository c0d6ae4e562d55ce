#pragma once
// One Redis command in RESP (an array of bulk strings), binary-safe: arguments may hold any
// bytes. Encoded by hiredis's redisFormatCommandArgv, which every hiredis client relies on.
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace popflow::cluster {

std::string encode_command(std::span<const std::string_view> args);
std::string encode_command(std::initializer_list<std::string_view> args);

}  // namespace popflow::cluster
