#include "model_bytes.h"

#include <cstdio>
#include <cstdlib>

namespace rtml::ml {
namespace {

constexpr std::string_view kMagic = "rtml-model\t1";

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    parts.emplace_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return parts;
    start = tab + 1;
  }
}

}  // namespace

ModelBytesWriter::ModelBytesWriter(std::string_view type, std::span<const std::string> features) {
  out_ = std::string(kMagic) + "\ntype\t" + std::string(type) + "\nfeatures";
  for (const std::string& feature : features) out_ += "\t" + feature;
  out_ += '\n';
}

void ModelBytesWriter::Numbers(std::string_view name, std::span<const double> values) {
  out_ += name;
  char text[40];
  for (double value : values) {
    std::snprintf(text, sizeof text, "\t%a", value);
    out_ += text;
  }
  out_ += '\n';
}

void ModelBytesWriter::Text(std::string_view name, std::string_view value) {
  out_ += std::string(name) + "\t" + std::string(value) + "\n";
}

Result<ModelBytesReader> ModelBytesReader::Parse(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("not a saved rtml model (it should start with 'rtml-model 1')");
  }
  ModelBytesReader reader;
  size_t start = kMagic.size() + 1;
  while (start < bytes.size()) {
    const size_t end = bytes.find('\n', start);
    std::vector<std::string> parts = SplitTabs(bytes.substr(start, end - start));
    std::string name = std::move(parts.front());
    parts.erase(parts.begin());
    reader.fields_[std::move(name)] = std::move(parts);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  RTML_ASSIGN_OR_RETURN(reader.type_, reader.Text("type"));
  const auto features = reader.fields_.find("features");
  if (features == reader.fields_.end()) return Status::Corruption("saved model: no features");
  reader.features_ = features->second;
  return reader;
}

Result<std::vector<double>> ModelBytesReader::Numbers(std::string_view name, size_t count) const {
  const auto found = fields_.find(name);
  if (found == fields_.end() || found->second.size() != count) {
    return Status::Corruption("saved model: '" + std::string(name) + "' is missing or has not " +
                              std::to_string(count) + " values");
  }
  std::vector<double> values;
  for (const std::string& text : found->second) {
    char* end = nullptr;
    values.push_back(std::strtod(text.c_str(), &end));
    if (end == text.c_str() || *end != '\0') {
      return Status::Corruption("saved model: '" + std::string(name) + "' holds '" + text + "'");
    }
  }
  return values;
}

Result<double> ModelBytesReader::Number(std::string_view name) const {
  RTML_ASSIGN_OR_RETURN(std::vector<double> values, Numbers(name, 1));
  return values[0];
}

Result<std::string> ModelBytesReader::Text(std::string_view name) const {
  const auto found = fields_.find(name);
  if (found == fields_.end() || found->second.size() != 1) {
    return Status::Corruption("saved model: '" + std::string(name) + "' is missing");
  }
  return found->second[0];
}

}  // namespace rtml::ml
