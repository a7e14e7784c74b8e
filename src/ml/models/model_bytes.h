// The saved form of a model: lines of "name<TAB>value<TAB>value...", numbers as C
// hexadecimal floats, so a loaded model predicts bit for bit what the saved one did.
//   rtml-model	1
//   type	ridge
//   features	close	rsi_14
//   mean	0x1.8p+1	...
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::ml {

class ModelBytesWriter {
 public:
  ModelBytesWriter(std::string_view type, std::span<const std::string> features);
  void Numbers(std::string_view name, std::span<const double> values);
  void Number(std::string_view name, double value) { Numbers(name, {&value, 1}); }
  void Text(std::string_view name, std::string_view value);
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

class ModelBytesReader {
 public:
  // Corruption if `bytes` are not a saved model.
  static Result<ModelBytesReader> Parse(std::string_view bytes);

  const std::string& type() const { return type_; }
  const std::vector<std::string>& features() const { return features_; }
  // Corruption naming the field if it is missing or holds something else.
  Result<std::vector<double>> Numbers(std::string_view name, size_t count) const;
  Result<double> Number(std::string_view name) const;
  Result<std::string> Text(std::string_view name) const;

 private:
  std::string type_;
  std::vector<std::string> features_;
  std::map<std::string, std::vector<std::string>, std::less<>> fields_;
};

}  // namespace rtml::ml
