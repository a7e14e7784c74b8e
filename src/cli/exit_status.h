// ExitStatus: how a command ended, as the process exit code and a message.
#pragma once

#include <string>
#include <utility>

#include "rtml/core/status.h"

namespace rtml::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and something went wrong
inline constexpr int kExitUsage = 2;    // the command line itself was wrong

class [[nodiscard]] ExitStatus {
 public:
  static ExitStatus Ok() { return {kExitOk, ""}; }
  static ExitStatus Usage(std::string message) { return {kExitUsage, std::move(message)}; }
  static ExitStatus Failure(std::string message) { return {kExitFailure, std::move(message)}; }
  static ExitStatus Failure(const Status& status) { return Failure(MessageOf(status)); }
  // A Status from parsing user input: InvalidArgument is a usage error, anything
  // else a runtime failure.
  static ExitStatus FromInputStatus(const Status& status) {
    return status.code() == StatusCode::kInvalidArgument ? Usage(MessageOf(status))
                                                         : Failure(MessageOf(status));
  }

  bool ok() const { return code_ == kExitOk; }
  int code() const { return code_; }
  // Printed after "<command path>: "; empty when there is nothing more to say.
  const std::string& message() const { return message_; }

 private:
  ExitStatus(int code, std::string message) : code_(code), message_(std::move(message)) {}
  static std::string MessageOf(const Status& status) {
    return status.message().empty() ? status.ToString() : status.message();
  }

  int code_;
  std::string message_;
};

}  // namespace rtml::cli
