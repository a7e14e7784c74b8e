// StateWriter / StateReader: an operator's state as bytes and back, for checkpoints.
// Values are written in the machine's byte order (checkpoints are read back by the
// same build), after a tag naming the owner, so bytes of another one are refused.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace rtml {

class StateWriter {
 public:
  explicit StateWriter(std::string_view tag) { PutString(tag); }

  template <typename T>
  void Put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  template <typename T>
  void PutVector(const std::vector<T>& values) {
    Put<uint64_t>(values.size());
    for (const T& value : values) Put(value);
  }
  void PutString(std::string_view text) {
    Put<uint64_t>(text.size());
    bytes_.append(text);
  }

  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class StateReader {
 public:
  // ok() is false from the start if `bytes` do not begin with `tag`.
  StateReader(std::string_view bytes, std::string_view tag) : bytes_(bytes) {
    std::string read;
    ok_ = GetString(&read) && read == tag;
  }

  template <typename T>
  bool Get(T* value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!ok_ || bytes_.size() < sizeof(T)) return ok_ = false;
    std::memcpy(value, bytes_.data(), sizeof(T));
    bytes_.remove_prefix(sizeof(T));
    return true;
  }
  template <typename T>
  bool GetVector(std::vector<T>* values, size_t max_size) {
    uint64_t size = 0;
    if (!Get(&size) || size > max_size) return ok_ = false;
    values->resize(size);
    for (T& value : *values) Get(&value);
    return ok_;
  }
  bool GetString(std::string* text) {
    uint64_t size = 0;
    if (!Get(&size) || bytes_.size() < size) return ok_ = false;
    text->assign(bytes_.substr(0, size));
    bytes_.remove_prefix(size);
    return true;
  }

  // True if every Get succeeded and nothing is left over.
  bool done() const { return ok_ && bytes_.empty(); }
  bool ok() const { return ok_; }

 private:
  std::string_view bytes_;
  bool ok_ = true;
};

}  // namespace rtml
