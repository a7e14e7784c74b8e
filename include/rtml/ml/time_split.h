// Time-ordered splits: training data always comes before the data a model is judged
// on, and nothing is shuffled across time.
#pragma once

#include <cstddef>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::ml {

// Row ranges [begin, end).
struct RowRange {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

struct TrainValidationTest {
  RowRange train;
  RowRange validation;
  RowRange test;
};

// The first rows train, the next `validation_fraction` validate, the last
// `test_fraction` test. InvalidArgument for fractions outside [0, 1) that leave no
// training row, or an empty validation or test part when its fraction is not 0.
Result<TrainValidationTest> SplitByTime(size_t rows, double validation_fraction,
                                        double test_fraction);

// Walk-forward folds over `rows`: fold k trains on everything before its validation
// block and validates on the block; the blocks are the last `folds` equal parts after
// the first `min_train` rows. InvalidArgument if a block would be empty.
Result<std::vector<std::pair<RowRange, RowRange>>> WalkForwardFolds(size_t rows, int folds,
                                                                    size_t min_train);

}  // namespace rtml::ml
