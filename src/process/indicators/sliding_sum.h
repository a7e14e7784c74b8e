// Internal: SlidingSum<T>, the sum of the last `capacity` values pushed, in amortised
// O(1) without ever subtracting (the two-stacks method): the older values are summed
// from the back once per `capacity` pushes, the newer ones as they come. The sum
// never drifts and is exactly 0 over values that are all 0, however long it runs.
// T needs T{} as zero and +.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ring.h"
#include "state_bytes.h"

namespace rtml::process::indicators {

template <typename T>
class SlidingSum {
 public:
  // REQUIRES: capacity > 0.
  explicit SlidingSum(size_t capacity) : values_(capacity) {}

  void Push(const T& value) {
    if (values_.full()) {
      if (front_used_ == front_.size()) Flip();
      ++front_used_;
    }
    values_.Push(value);
    back_ = back_ + value;
  }
  T sum() const { return front_used_ < front_.size() ? front_[front_used_] + back_ : back_; }
  size_t size() const { return values_.size(); }

  void Save(StateWriter& out) const {
    values_.Save(out);
    out.Put(static_cast<uint64_t>(front_.size() - front_used_));
    out.Put(back_);
  }
  bool Restore(StateReader& in) {
    uint64_t front = 0;
    if (!values_.Restore(in) || !in.Get(&front) || front > values_.size() || !in.Get(&back_)) {
      return false;
    }
    SumFront(static_cast<size_t>(front));
    return true;
  }

 private:
  // Moves every held value to the front.
  void Flip() {
    SumFront(values_.size());
    back_ = T{};
  }
  // front_[i]: the sum of held values i .. count - 1 (the oldest `count`).
  void SumFront(size_t count) {
    front_.assign(count, T{});
    T suffix{};
    for (size_t i = count; i-- > 0;) {
      suffix = values_[i] + suffix;
      front_[i] = suffix;
    }
    front_used_ = 0;
  }

  Ring<T> values_;
  std::vector<T> front_;   // suffix sums of the older values, from the last Flip()
  size_t front_used_ = 0;  // front_ entries already evicted
  T back_{};               // the sum of the values pushed since
};

}  // namespace rtml::process::indicators
