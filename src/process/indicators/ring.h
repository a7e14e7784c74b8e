// Internal: the last N values of a series, for indicators with a period. Push() adds
// the newest (dropping the oldest when full); ReplaceNewest() changes it in place,
// which is how a `current` candle that is still changing is absorbed in O(1).
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

#include "state_bytes.h"

namespace rtml::process::indicators {

template <typename T>
class Ring {
 public:
  explicit Ring(size_t capacity) : items_(capacity) { assert(capacity > 0); }

  // Adds `value` as the newest; returns the value it pushed out when full (else T{}).
  T Push(const T& value) {
    T dropped{};
    if (size_ == items_.size()) {
      dropped = items_[head_];
      items_[head_] = value;
      head_ = (head_ + 1) % items_.size();
    } else {
      items_[(head_ + size_) % items_.size()] = value;
      ++size_;
    }
    return dropped;
  }
  void ReplaceNewest(const T& value) {
    assert(size_ > 0);
    items_[(head_ + size_ - 1) % items_.size()] = value;
  }

  // i = 0 is the oldest held, size() - 1 the newest.
  const T& operator[](size_t i) const { return items_[(head_ + i) % items_.size()]; }
  const T& newest() const { return (*this)[size_ - 1]; }
  const T& oldest() const { return (*this)[0]; }
  size_t size() const { return size_; }
  size_t capacity() const { return items_.size(); }
  bool full() const { return size_ == items_.size(); }
  bool empty() const { return size_ == 0; }

  void Save(StateWriter& out) const {
    std::vector<T> in_order;
    for (size_t i = 0; i < size_; ++i) in_order.push_back((*this)[i]);
    out.PutVector(in_order);
  }
  bool Restore(StateReader& in) {
    std::vector<T> in_order;
    if (!in.GetVector(&in_order, items_.size())) return false;
    head_ = 0;
    size_ = 0;
    for (const T& value : in_order) Push(value);
    return true;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;  // index of the oldest
  size_t size_ = 0;
};

}  // namespace rtml::process::indicators
