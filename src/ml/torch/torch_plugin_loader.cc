// The torchscript family in rtml_ml_models: MakeTorchModel, LoadTorchModel and
// ImportTorchScript open librtml_torch.so (torch_plugin.h) on first use and forward
// to it, so only a process that uses a torchscript model loads libtorch.
//
// Where the plugin is looked for, in order:
//   - $RTML_TORCH_PLUGIN, the plugin's path, when set; then nothing else is tried, so
//     a wrong setting is an error rather than another plugin found silently;
//   - the running executable's directory (the build puts `rtml` beside the plugin);
//   - the build directory, compiled in, for tests and tools built in subdirectories.
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "model_families.h"
#include "torch_plugin.h"

namespace rtml::ml {
namespace {

constexpr const char* kPluginName = RTML_TORCH_PLUGIN_NAME;

std::vector<std::string> Candidates() {
  const char* chosen = std::getenv("RTML_TORCH_PLUGIN");
  if (chosen != nullptr && *chosen != '\0') return {chosen};
  std::vector<std::string> paths;
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) paths.push_back((executable.parent_path() / kPluginName).string());
  const std::string built = (std::filesystem::path(RTML_TORCH_PLUGIN_DIR) / kPluginName).string();
  if (paths.empty() || paths.front() != built) paths.push_back(built);
  return paths;
}

// dlerror()'s reason for `path`, without the path when it starts with it.
std::string LastDlError(const std::string& path) {
  const char* error = dlerror();
  std::string_view reason = error != nullptr ? error : "unknown error";
  if (reason.starts_with(path + ": ")) reason.remove_prefix(path.size() + 2);
  return std::string(reason);
}

// The family of the first candidate that opens, or Unsupported naming every path
// tried and why each failed. A plugin that opens is never closed, not even when it
// is refused: libtorch is not made to be unloaded.
Result<const TorchFamily*> OpenPlugin() {
  std::string tried;
  for (const std::string& path : Candidates()) {
    tried += (tried.empty() ? "" : "; ") + path + ": ";
    // RTLD_LOCAL: the plugin's symbols (and libtorch's) stay out of the global scope.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      tried += LastDlError(path);
      continue;
    }
    using Entry = const TorchFamily* (*)();
    const auto entry = reinterpret_cast<Entry>(dlsym(handle, kTorchPluginEntry));
    if (entry == nullptr) {
      tried += LastDlError(path);
      continue;
    }
    const TorchFamily* family = entry();
    if (family == nullptr || family->abi != kTorchPluginAbi) {
      tried += "built by another version of rtml";
      continue;
    }
    return family;
  }
  return Status::Unsupported(std::string("torchscript models need ") + kPluginName + " (tried " +
                             tried + "); set RTML_TORCH_PLUGIN to its path");
}

// Opened once per process, by whichever thread first needs it (a function-local
// static is initialised exactly once, the others wait); a failure is kept and
// reported to every caller.
const Result<const TorchFamily*>& Plugin() {
  static const Result<const TorchFamily*> plugin = OpenPlugin();
  return plugin;
}

}  // namespace

Result<std::unique_ptr<Model>> MakeTorchModel(const ModelSpec& spec) {
  RTML_ASSIGN_OR_RETURN(const TorchFamily* family, Plugin());
  return family->make(spec);
}

Result<std::unique_ptr<Model>> LoadTorchModel(const ModelBytesReader& saved) {
  RTML_ASSIGN_OR_RETURN(const TorchFamily* family, Plugin());
  return family->load(saved);
}

Result<std::unique_ptr<Model>> ImportTorchScript(std::string_view module,
                                                 std::vector<std::string> features, int classes) {
  RTML_ASSIGN_OR_RETURN(const TorchFamily* family, Plugin());
  return family->import(module, std::move(features), classes);
}

}  // namespace rtml::ml
