#include "rtml/ml/time_split.h"

#include <cmath>
#include <string>

namespace rtml::ml {

Result<TrainValidationTest> SplitByTime(size_t rows, double validation_fraction,
                                        double test_fraction) {
  const auto bad = [](const std::string& why) {
    return Status::InvalidArgument("time split: " + why);
  };
  if (!(validation_fraction >= 0 && validation_fraction < 1) ||
      !(test_fraction >= 0 && test_fraction < 1) || validation_fraction + test_fraction >= 1) {
    return bad("validation and test fractions must each be in [0, 1) and leave rows to train on");
  }
  const auto part = [&](double fraction) {
    return static_cast<size_t>(std::floor(fraction * static_cast<double>(rows)));
  };
  const size_t test = part(test_fraction);
  const size_t validation = part(validation_fraction);
  if ((test_fraction > 0 && test == 0) || (validation_fraction > 0 && validation == 0)) {
    return bad(std::to_string(rows) + " rows are too few for a validation and a test part");
  }
  if (validation + test >= rows) return bad("no rows are left to train on");
  const size_t train_end = rows - validation - test;
  return TrainValidationTest{.train = {0, train_end},
                             .validation = {train_end, train_end + validation},
                             .test = {train_end + validation, rows}};
}

Result<std::vector<std::pair<RowRange, RowRange>>> WalkForwardFolds(size_t rows, int folds,
                                                                    size_t min_train) {
  if (folds < 1 || min_train == 0 || min_train >= rows) {
    return Status::InvalidArgument(
        "walk-forward: need at least 1 fold and a first training part "
        "of 1 to " +
        std::to_string(rows - 1) + " rows");
  }
  const size_t block = (rows - min_train) / static_cast<size_t>(folds);
  if (block == 0) {
    return Status::InvalidArgument("walk-forward: " + std::to_string(rows - min_train) +
                                   " rows after the first training part are too few for " +
                                   std::to_string(folds) + " folds");
  }
  std::vector<std::pair<RowRange, RowRange>> out;
  for (int k = 0; k < folds; ++k) {
    const size_t begin = min_train + static_cast<size_t>(k) * block;
    const size_t end = k + 1 == folds ? rows : begin + block;
    out.push_back({{0, begin}, {begin, end}});
  }
  return out;
}

}  // namespace rtml::ml
