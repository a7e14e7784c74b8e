#include "rtml/ml/model.h"

namespace rtml::ml {

void Model::PredictBatch(const Dataset& data, std::span<double> out) const {
  for (size_t i = 0; i < data.rows(); ++i) out[i] = Predict(data.Row(i));
}

}  // namespace rtml::ml
