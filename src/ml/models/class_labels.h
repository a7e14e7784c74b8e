// Internal: the training labels of a classifier - the targets y = 0 .. classes-1 of
// a Dataset (model.h) - checked and counted, for every model type that classifies.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "rtml/ml/dataset.h"

namespace rtml::ml {

// The most classes a classifier may have: a label is an index, and a stray large
// number in the targets must not make a model allocate for it.
inline constexpr int kMaxClasses = 10000;

// The number of rows of each class in `data`. `classes` 0: as many as the largest
// label + 1, at least 2. InvalidArgument naming `model` and the first row whose label
// is not an integer in [0, classes), and for an empty `data`.
Result<std::vector<int64_t>> CountClasses(const Dataset& data, int classes, std::string_view model);

}  // namespace rtml::ml
