// Internal: random search draws - each trial's hyperparameters drawn from the
// candidate's ranges, deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "rtml/ml/trainer.h"

namespace rtml::ml {

class ParamSampler {
 public:
  ParamSampler(std::vector<ParamRange> ranges, uint64_t seed);
  // `base` with each ranged parameter drawn anew.
  ModelSpec Draw(const ModelSpec& base);

 private:
  std::vector<ParamRange> ranges_;
  std::mt19937_64 random_;
};

}  // namespace rtml::ml
