// Writes commands in the form Redis reads them (RESP: an array of bulk strings)
// into a buffer that may hold many, so a pipeline goes out in one write. Binary
// safe: arguments may hold any bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace rtml::features::resp {

// Starts a command of `arg_count` arguments (the command name is the first).
void AppendArrayHeader(std::string& out, size_t arg_count);
// Appends one argument.
void AppendBulk(std::string& out, std::string_view arg);
void AppendBulk(std::string& out, int64_t arg);  // as decimal text

// A whole command: AppendCommand(out, {"HGET", key, field}).
void AppendCommand(std::string& out, std::initializer_list<std::string_view> args);

}  // namespace rtml::features::resp
