// The torchscript family when rtml is built with RTML_WITH_TORCH=OFF: specs and saved
// models of the type are known, and refused with the reason.
#include "model_families.h"

namespace rtml::ml {
namespace {

Status Unavailable() {
  return Status::Unsupported("torchscript: rtml was built without libtorch (RTML_WITH_TORCH=OFF)");
}

}  // namespace

Result<std::unique_ptr<Model>> MakeTorchModel(const ModelSpec&) { return Unavailable(); }

Result<std::unique_ptr<Model>> LoadTorchModel(const ModelBytesReader&) { return Unavailable(); }

Result<std::unique_ptr<Model>> ImportTorchScript(std::string_view, std::vector<std::string>, int) {
  return Unavailable();
}

}  // namespace rtml::ml
