// Result<T>: a T, or the Status that explains why there is none.
//
// C++20 has no std::expected; this is the small subset rtml needs. Accessing the
// value of a failed Result is a programmer error (asserted).
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "rtml/core/status.h"

namespace rtml {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result without a value needs a failed Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rtml

#define RTML_CONCAT_INNER_(a, b) a##b
#define RTML_CONCAT_(a, b) RTML_CONCAT_INNER_(a, b)

// RTML_ASSIGN_OR_RETURN(auto x, MakeX()); returns the Status if MakeX() failed.
#define RTML_ASSIGN_OR_RETURN(lhs, expr) \
  RTML_ASSIGN_OR_RETURN_IMPL_(RTML_CONCAT_(rtml_result_, __LINE__), lhs, expr)
#define RTML_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
