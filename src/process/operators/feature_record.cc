#include "rtml/process/feature_record.h"

#include "rtml/core/json_writer.h"

namespace rtml::process {

void AppendFeatureRecordJson(const Candle& candle,
                             std::span<const std::unique_ptr<Indicator>> indicators,
                             std::string& out) {
  AppendCandleJson(candle, out);
  out.pop_back();  // the closing brace: the features follow
  for (const auto& indicator : indicators) {
    const std::vector<std::string>& names = indicator->output_names();
    for (size_t i = 0; i < names.size(); ++i) {
      out += ",";
      json::AppendString(out, names[i]);
      out += ":";
      json::AppendDouble(out, indicator->value(i));  // NaN (warming up): null
    }
  }
  out += "}";
}

}  // namespace rtml::process
