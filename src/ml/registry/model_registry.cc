// What every registry backend shares: opening the embedded one, and export, import
// and load, built on the backend's primitives.
#include "rtml/ml/model_registry.h"

#include "model_bundle.h"
#include "rtml/ml/model_spec.h"
#include "sqlite_model_registry.h"

namespace rtml::ml {

Result<std::unique_ptr<ModelRegistry>> ModelRegistry::Open(const std::string& dir) {
  return registry::OpenSqliteModelRegistry(dir);
}

Result<std::string> ModelRegistry::Export(const std::string& name, int64_t version) {
  if (version < 1) return Status::InvalidArgument("versions start at 1");
  RTML_ASSIGN_OR_RETURN(const ModelVersion found, Find(name, std::to_string(version)));
  RTML_ASSIGN_OR_RETURN(const std::string artifact, ReadArtifact(found));
  return registry::EncodeBundle(found, artifact);
}

Result<ModelVersion> ModelRegistry::Import(std::string_view bundle, const std::string& rename) {
  RTML_ASSIGN_OR_RETURN(registry::Bundle decoded, registry::DecodeBundle(bundle));
  if (!rename.empty()) decoded.version.name = rename;
  return Register(std::move(decoded.version), decoded.artifact);
}

Result<std::unique_ptr<ServingModel>> ModelRegistry::Load(const std::string& name,
                                                          const std::string& version_or_alias) {
  RTML_ASSIGN_OR_RETURN(ModelVersion version, Find(name, version_or_alias));
  RTML_ASSIGN_OR_RETURN(const std::string artifact, ReadArtifact(version));
  Result<std::unique_ptr<Model>> model = LoadModel(artifact);
  if (!model.ok()) return model.status().WithContext("loading " + version.Label());
  return ServingModel::Make(std::move(version), std::move(model).value());
}

}  // namespace rtml::ml
