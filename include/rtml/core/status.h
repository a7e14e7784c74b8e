// Status: the outcome of an operation that can fail, returned instead of thrown.
//
// An OK status costs one enum and an empty string. Failures carry a code that
// callers branch on and a message that names the input and the position of the
// problem, for people. Status is a value type; any thread may use its own copy.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace rtml {

enum class StatusCode {
  kOk = 0,
  kNotFound,
  kAlreadyExists,
  kInvalidArgument,
  kCorruption,
  kIOError,
  kBusy,         // a resource is held by someone else, e.g. a partition's writer lock
  kUnsupported,  // the backend cannot do this
  kTimeout,
  kUnavailable,  // a server cannot be reached now; retrying later may succeed
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  // An IOError for a failed system call: "<context>: <strerror(errnum)>".
  static Status FromErrno(std::string_view context, int errnum);
  static Status Busy(std::string msg) { return {StatusCode::kBusy, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::string_view StatusCodeName(StatusCode code);

}  // namespace rtml

// Returns from the enclosing function if `expr` yields a non-OK Status.
#define RTML_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::rtml::Status rtml_status_ = (expr);        \
    if (!rtml_status_.ok()) return rtml_status_; \
  } while (0)
