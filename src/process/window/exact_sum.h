// ExactSum: a sum of doubles that does not depend on the order of its terms.
//
// It keeps the exact sum as a few non-overlapping partials (Shewchuk's algorithm,
// as Python's math.fsum) and rounds once when asked, so Value() is the exact sum
// correctly rounded: adding the same terms in any order gives the same bits. A
// candle's volume and notional use it, so out-of-order trades give the in-order
// candle. Terms must be finite. Internal to the window library.
#pragma once

#include <vector>

#include "rtml/core/state_bytes.h"

namespace rtml::process {

class ExactSum {
 public:
  void Add(double term);
  double Value() const;

  void Save(StateWriter* writer) const { writer->PutVector(partials_); }
  bool Restore(StateReader* reader) { return reader->GetVector(&partials_, kMaxPartials); }

 private:
  // Non-overlapping doubles span at most 2098 bits of exponent range, 53 each.
  static constexpr size_t kMaxPartials = 64;
  std::vector<double> partials_;  // increasing magnitude, non-overlapping
};

}  // namespace rtml::process
