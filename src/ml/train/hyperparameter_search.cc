#include "hyperparameter_search.h"

#include <algorithm>
#include <cmath>

namespace rtml::ml {

ParamSampler::ParamSampler(std::vector<ParamRange> ranges, uint64_t seed)
    : ranges_(std::move(ranges)), random_(seed) {}

ModelSpec ParamSampler::Draw(const ModelSpec& base) {
  ModelSpec spec = base;
  for (const ParamRange& range : ranges_) {
    double value;
    if (range.log) {
      std::uniform_real_distribution<double> exponent(std::log(range.low), std::log(range.high));
      value = std::exp(exponent(random_));
    } else {
      std::uniform_real_distribution<double> uniform(range.low, range.high);
      value = uniform(random_);
    }
    if (range.integer) value = std::clamp(std::round(value), range.low, range.high);
    spec.params[range.name] = value;
  }
  return spec;
}

}  // namespace rtml::ml
