#include "exact_sum.h"

#include <cmath>
#include <utility>

namespace rtml::process {

void ExactSum::Add(double term) {
  size_t kept = 0;
  for (size_t i = 0; i < partials_.size(); ++i) {
    double partial = partials_[i];
    if (std::fabs(term) < std::fabs(partial)) std::swap(term, partial);
    const double high = term + partial;
    const double low = partial - (high - term);  // exact: term + partial == high + low
    if (low != 0.0) partials_[kept++] = low;
    term = high;
  }
  partials_.resize(kept);
  partials_.push_back(term);
}

double ExactSum::Value() const {
  // Adds the partials from the largest down until the sum stops being exact, then
  // corrects a round-half-even tie in the direction of the rest (as math.fsum).
  size_t n = partials_.size();
  if (n == 0) return 0.0;
  double high = partials_[--n];
  double low = 0.0;
  while (n > 0) {
    const double previous = high;
    const double partial = partials_[--n];
    high = previous + partial;
    low = partial - (high - previous);
    if (low != 0.0) break;
  }
  if (n > 0 && ((low < 0 && partials_[n - 1] < 0) || (low > 0 && partials_[n - 1] > 0))) {
    const double doubled = low * 2;
    const double rounded = high + doubled;
    if (doubled == rounded - high) high = rounded;
  }
  return high;
}

}  // namespace rtml::process
