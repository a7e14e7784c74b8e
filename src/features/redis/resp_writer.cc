#include "redis/resp_writer.h"

#include <charconv>

namespace rtml::features::resp {
namespace {

template <typename Int>
void AppendLine(std::string& out, char type, Int n) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), n).ptr;
  out += type;
  out.append(buf, end);
  out += "\r\n";
}

}  // namespace

void AppendArrayHeader(std::string& out, size_t arg_count) { AppendLine(out, '*', arg_count); }

void AppendBulk(std::string& out, std::string_view arg) {
  AppendLine(out, '$', arg.size());
  out += arg;
  out += "\r\n";
}

void AppendBulk(std::string& out, int64_t arg) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), arg).ptr;
  AppendBulk(out, std::string_view(buf, static_cast<size_t>(end - buf)));
}

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  AppendArrayHeader(out, args.size());
  for (const std::string_view arg : args) AppendBulk(out, arg);
}

}  // namespace rtml::features::resp
