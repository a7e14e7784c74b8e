// Internal: the interface between rtml_ml_models and librtml_torch.so, the plugin that
// holds the torchscript family and is the only part of rtml that links libtorch. The
// factory opens it with dlopen the first time a torchscript model is made, loaded or
// imported (torch_plugin_loader.cc), so no other process pays for loading libtorch.
//
// Both sides are built from the same tree with the same compiler and libstdc++, so C++
// types cross the boundary; kTorchPluginAbi guards against a plugin from another build.
// The plugin is never closed: the models it makes keep pointing at its code.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "model_bytes.h"
#include "rtml/ml/model_spec.h"

namespace rtml::ml {

// Raise whenever TorchFamily or the functions' signatures change.
inline constexpr uint32_t kTorchPluginAbi = 1;

// The torchscript family as the plugin provides it; see MakeModel, LoadModel and
// ImportTorchScript (model_spec.h) for what each function promises.
struct TorchFamily {
  uint32_t abi = kTorchPluginAbi;  // first, in every version: read before anything else
  Result<std::unique_ptr<Model>> (*make)(const ModelSpec& spec) = nullptr;
  Result<std::unique_ptr<Model>> (*load)(const ModelBytesReader& saved) = nullptr;
  Result<std::unique_ptr<Model>> (*import)(std::string_view module,
                                           std::vector<std::string> features,
                                           int classes) = nullptr;
};

}  // namespace rtml::ml

// The plugin's one exported symbol, looked up by this name: the family, alive as long
// as the process.
inline constexpr char kTorchPluginEntry[] = "rtml_torch_family";
extern "C" const rtml::ml::TorchFamily* rtml_torch_family();
