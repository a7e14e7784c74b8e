// The export bundle: one registered version in one self-contained file - its
// metadata (ModelVersionToJson) and its artifact - closed by a checksum of all that
// comes before, so damage or truncation anywhere is detected (docs/models.md):
//
//   rtml-model-bundle 1\n
//   metadata <bytes>\n<the metadata JSON>\n
//   artifact <bytes>\n<the artifact>\n
//   crc32c <8 hex digits>\n
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/ml/serving_model.h"

namespace rtml::ml::registry {

struct Bundle {
  ModelVersion version;
  std::string artifact;
};

std::string EncodeBundle(const ModelVersion& version, std::string_view artifact);

// Corruption naming what is wrong for bytes that are not an intact bundle (including
// an artifact whose checksum differs from the metadata's); Unsupported for a newer
// format version.
Result<Bundle> DecodeBundle(std::string_view bytes);

}  // namespace rtml::ml::registry
