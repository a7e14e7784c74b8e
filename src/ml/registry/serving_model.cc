#include "rtml/ml/serving_model.h"

#include <algorithm>

#include "version_rules.h"

namespace rtml::ml {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void AppendList(std::string& out, std::string_view label, const std::vector<std::string>& names) {
  if (names.empty()) return;
  out += out.back() == ':' ? " " : "; ";
  out += label;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? " " : ", ") + names[i];
}

}  // namespace

Result<std::unique_ptr<ServingModel>> ServingModel::Make(ModelVersion version,
                                                         std::unique_ptr<Model> model) {
  if (model == nullptr) return Status::InvalidArgument(version.Label() + ": no model");
  if (model->feature_names() != version.features) {
    return Status::Corruption(version.Label() + ": its metadata lists features " +
                              registry::NameList(version.features) + " but its model reads " +
                              registry::NameList(model->feature_names()));
  }
  int reference_index = -1;
  if (!version.reference_feature.empty()) {
    const auto found =
        std::find(version.features.begin(), version.features.end(), version.reference_feature);
    if (found == version.features.end()) {
      return Status::Corruption(version.Label() + ": reference feature '" +
                                version.reference_feature + "' is not one of its features");
    }
    reference_index = static_cast<int>(found - version.features.begin());
  }
  return std::unique_ptr<ServingModel>(
      new ServingModel(std::move(version), std::move(model), reference_index));
}

Status ServingModel::CheckFeatures(const std::vector<std::string>& names) const {
  const std::vector<std::string>& expected = version_.features;
  if (names == expected) return Status::Ok();
  std::string message = "model " + version_.Label() + " scores " + registry::NameList(expected) +
                        " but was given " + registry::NameList(names) + ":";
  std::vector<std::string> missing, unexpected, repeated;
  for (const std::string& name : expected) {
    if (!Contains(names, name)) missing.push_back(name);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!Contains(expected, names[i])) {
      unexpected.push_back(names[i]);
    } else if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
               names.begin() + static_cast<std::ptrdiff_t>(i)) {
      repeated.push_back(names[i]);
    }
  }
  AppendList(message, "missing", missing);
  AppendList(message, "unexpected", unexpected);
  AppendList(message, "given twice", repeated);
  if (message.back() == ':') {
    // The same names, in another order.
    size_t i = 0;
    while (i + 1 < std::min(names.size(), expected.size()) && names[i] == expected[i]) ++i;
    message += " the same features in another order (position " + std::to_string(i + 1) + " is " +
               names[i] + ", not " + expected[i] + ")";
  }
  return Status::InvalidArgument(std::move(message));
}

double ServingModel::Predict(std::span<const double> row) const {
  const double output = model_->Predict(row);
  if (reference_index_ < 0) return output;
  return output + row[static_cast<size_t>(reference_index_)];
}

Result<double> ServingModel::Score(const std::vector<std::string>& names,
                                   std::span<const double> row) const {
  RTML_RETURN_IF_ERROR(CheckFeatures(names));
  if (row.size() != names.size()) {
    return Status::InvalidArgument("model " + version_.Label() + ": a row of " +
                                   std::to_string(row.size()) + " values for " +
                                   std::to_string(names.size()) + " features");
  }
  return Predict(row);
}

}  // namespace rtml::ml
