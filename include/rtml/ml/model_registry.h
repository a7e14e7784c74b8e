// ModelRegistry: the fitted models a training run registers and serving loads.
// Each registered model (a name such as "btc-close-5m") has numbered versions 1, 2,
// ... - never reused, even after a delete - each an immutable artifact (the bytes of
// Model::Save()) with its metadata (ModelVersion, serving_model.h). Aliases
// ("production", "staging") point at versions; promoting remembers where an alias
// pointed before, so a rollback can move it back.
//
// The embedded registry (Open) keeps DIR/registry.db (SQLite, WAL) and
// DIR/artifacts/NAME/VERSION.model; docs/models.md describes the layout and the
// export bundle format.
//
// Threads and processes: one object may be shared by threads (calls are serialized).
// Any number of processes may open the same directory at once - a training run
// registering while serving processes read; writers wait for each other (busy
// timeout 10 s). Find and Aliases are single indexed reads, cheap enough to poll
// every second to notice an alias move; Load reads and parses the artifact, so call
// it when the version changed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/serving_model.h"

namespace rtml::ml {

// Names become directory names: 1-128 letters, digits, '.', '_', '-', starting with a
// letter or digit. InvalidArgument saying so otherwise.
Status CheckModelName(std::string_view name);

class ModelRegistry {
 public:
  virtual ~ModelRegistry() = default;

  // The embedded registry in DIR: DIR/registry.db (SQLite) and
  // DIR/artifacts/NAME/VERSION.model. Creates DIR. IOError naming the path if it
  // cannot; Unsupported if the database was written by a newer rtml.
  static Result<std::unique_ptr<ModelRegistry>> Open(const std::string& dir);

  // Stores `artifact` (Model::Save() bytes) first, then the metadata row in one
  // transaction, so a crash never leaves a row without its artifact. Returns the
  // stored version (number, created_ms, checksum filled in). Fills an empty type,
  // task or feature list from the artifact. InvalidArgument naming the problem for a
  // bad model name (letters, digits, '.', '_', '-'), a task other than "regression"
  // or "classification", metadata that disagrees with the artifact (type, features),
  // or a reference feature that is not one of the features; Corruption if `artifact`
  // is not a saved model.
  virtual Result<ModelVersion> Register(ModelVersion version, std::string_view artifact) = 0;

  // The registered models (those with at least one version), by name.
  virtual Result<std::vector<std::string>> ListNames() = 0;
  // Oldest first. NotFound naming the models that exist.
  virtual Result<std::vector<ModelVersion>> ListVersions(const std::string& name) = 0;
  // "3", "latest", or an alias ("production"). NotFound naming what exists;
  // InvalidArgument for text that is none of the three.
  virtual Result<ModelVersion> Find(const std::string& name,
                                    const std::string& version_or_alias) = 0;
  // The artifact's bytes. Corruption if they are missing or their checksum differs.
  virtual Result<std::string> ReadArtifact(const ModelVersion& version) = 0;
  // Where the artifact is kept, for people.
  virtual std::string ArtifactPath(const ModelVersion& version) const = 0;

  // Points `alias` at `version`, remembering where it pointed before (promoting to
  // where it already points changes nothing). Aliases are [a-z][a-z0-9_-]*, except
  // "latest": InvalidArgument otherwise. NotFound for an unknown model or version.
  virtual Status Promote(const std::string& name, const std::string& alias, int64_t version) = 0;
  // Moves `alias` back to the version it pointed to before its last promotion and
  // returns it; rolling back again goes further back. NotFound with a clear message
  // for an unknown alias, or one with no earlier version.
  virtual Result<int64_t> Rollback(const std::string& name, const std::string& alias) = 0;
  // alias -> version. NotFound for an unknown model.
  virtual Result<std::map<std::string, int64_t>> Aliases(const std::string& name) = 0;

  // Removes the version and its artifact; its number is not given out again, and
  // rollbacks skip it. Busy (naming the aliases) for a version an alias points at;
  // NotFound for an unknown model or version.
  virtual Status Delete(const std::string& name, int64_t version) = 0;

  // One self-contained file (metadata + artifact, with a checksum); see
  // docs/models.md.
  Result<std::string> Export(const std::string& name, int64_t version);
  // Stores a bundle as a new version of its name (or of `rename` if given) and
  // returns it. Corruption for bytes that are not an intact bundle.
  Result<ModelVersion> Import(std::string_view bundle, const std::string& rename = "");

  // A version loaded for serving (Find, ReadArtifact, LoadModel).
  Result<std::unique_ptr<ServingModel>> Load(const std::string& name,
                                             const std::string& version_or_alias);
};

// The version as one JSON object with every field of ModelVersion (non-finite
// metrics as null) - what bundles carry. `aliases`, if any, are added as a list
// (what `rtml models show --json` prints).
std::string ModelVersionToJson(const ModelVersion& version,
                               const std::vector<std::string>& aliases = {});
// Back from ModelVersionToJson; fields it lacks keep their defaults, unknown fields
// are ignored. Corruption naming the field that holds something else.
Result<ModelVersion> ModelVersionFromJson(std::string_view json);

}  // namespace rtml::ml
