#include "model_bundle.h"

#include "rtml/ml/model_registry.h"
#include "version_rules.h"

namespace rtml::ml::registry {
namespace {

constexpr std::string_view kMagic = "rtml-model-bundle ";
constexpr int kFormatVersion = 1;

Status Damaged(std::string_view what) {
  return Status::Corruption("not an intact model bundle: " + std::string(what));
}

// Reads "<word> <number>\n" at `pos`, advancing past it.
Result<size_t> ReadLength(std::string_view bytes, size_t& pos, std::string_view word) {
  const std::string prefix = std::string(word) + " ";
  if (bytes.substr(pos, prefix.size()) != prefix) {
    return Damaged("expected the '" + std::string(word) + "' section");
  }
  pos += prefix.size();
  size_t length = 0;
  size_t digits = 0;
  while (pos < bytes.size() && bytes[pos] >= '0' && bytes[pos] <= '9' && digits < 15) {
    length = length * 10 + static_cast<size_t>(bytes[pos] - '0');
    ++pos, ++digits;
  }
  if (digits == 0 || pos >= bytes.size() || bytes[pos] != '\n') {
    return Damaged("bad length of the '" + std::string(word) + "' section");
  }
  ++pos;
  return length;
}

// The `length` bytes at `pos` and the newline after them.
Result<std::string_view> ReadSection(std::string_view bytes, size_t& pos, std::string_view word) {
  RTML_ASSIGN_OR_RETURN(const size_t length, ReadLength(bytes, pos, word));
  if (length >= bytes.size() - pos || bytes[pos + length] != '\n') {
    return Damaged("the '" + std::string(word) + "' section is truncated");
  }
  const std::string_view section = bytes.substr(pos, length);
  pos += length + 1;
  return section;
}

}  // namespace

std::string EncodeBundle(const ModelVersion& version, std::string_view artifact) {
  const std::string metadata = ModelVersionToJson(version);
  std::string out = std::string(kMagic) + std::to_string(kFormatVersion) + "\n";
  out += "metadata " + std::to_string(metadata.size()) + "\n" + metadata + "\n";
  out += "artifact " + std::to_string(artifact.size()) + "\n";
  out.append(artifact);
  out += "\n";
  out += "crc32c " + ArtifactChecksum(out) + "\n";
  return out;
}

Result<Bundle> DecodeBundle(std::string_view bytes) {
  if (!bytes.starts_with(kMagic)) {
    return Status::Corruption("not a model bundle: it does not start with 'rtml-model-bundle'");
  }
  size_t pos = kMagic.size();
  const size_t end_of_line = bytes.find('\n', pos);
  if (end_of_line == std::string_view::npos) return Damaged("no format version");
  const std::string_view format = bytes.substr(pos, end_of_line - pos);
  if (format != std::to_string(kFormatVersion)) {
    return Status::Unsupported("model bundle format '" + std::string(format) +
                               "' is not one this rtml reads (" + std::to_string(kFormatVersion) +
                               ")");
  }
  pos = end_of_line + 1;
  RTML_ASSIGN_OR_RETURN(const std::string_view metadata, ReadSection(bytes, pos, "metadata"));
  RTML_ASSIGN_OR_RETURN(const std::string_view artifact, ReadSection(bytes, pos, "artifact"));
  const std::string expected = "crc32c " + ArtifactChecksum(bytes.substr(0, pos)) + "\n";
  const std::string_view trailer = bytes.substr(pos);
  if (!trailer.starts_with("crc32c ")) return Damaged("the checksum is missing");
  if (trailer != expected) {
    return Damaged("its checksum does not match its content (the file was changed or damaged)");
  }
  Result<ModelVersion> version = ModelVersionFromJson(metadata);
  if (!version.ok()) return Damaged(version.status().message());
  if (ArtifactChecksum(artifact) != version->artifact_checksum) {
    return Damaged("the artifact's checksum differs from the one its metadata records");
  }
  return Bundle{std::move(version).value(), std::string(artifact)};
}

}  // namespace rtml::ml::registry
