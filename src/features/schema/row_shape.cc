#include "rtml/features/feature_row.h"

#include <string>
#include <variant>

namespace rtml::features {

Status CheckRowShape(const FeatureGroup& group, const FeatureRow& row) {
  const auto bad = [&](const std::string& problem) {
    return Status::InvalidArgument("row of feature group " + group.Label() + " with key '" +
                                   KeyText(row.key) + "': " + problem);
  };
  if (row.key.size() != group.key.size() || row.values.size() != group.features.size()) {
    return bad(std::to_string(row.key.size()) + " key and " + std::to_string(row.values.size()) +
               " feature values for " + std::to_string(group.key.size()) + " key and " +
               std::to_string(group.features.size()) + " feature columns");
  }
  for (size_t i = 0; i < row.key.size(); ++i) {
    const Column& column = group.key[i];
    if (std::holds_alternative<std::monostate>(row.key[i])) {
      return bad("key column '" + column.name + "' is null");
    }
    if (!ValueHasType(row.key[i], column.type)) {
      return bad("key column '" + column.name + "' is not " +
                 std::string(ValueTypeName(column.type)));
    }
    const auto* text = std::get_if<std::string>(&row.key[i]);
    if (text != nullptr && i + 1 < row.key.size() && text->find('|') != std::string::npos) {
      return bad("key column '" + column.name +
                 "' holds '|', which only the last key column may hold");
    }
  }
  for (size_t i = 0; i < row.values.size(); ++i) {
    const Column& column = group.features[i];
    if (!ValueHasType(row.values[i], column.type)) {
      return bad("feature '" + column.name + "' is not " + std::string(ValueTypeName(column.type)));
    }
  }
  return Status::Ok();
}

}  // namespace rtml::features
