// The file operations the embedded registry and `rtml models export` need, each
// durable once it returns: a crash afterwards loses nothing it wrote.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ml::registry {

// A name for a temporary file in `dir` that no other thread or process picks.
std::filesystem::path TempPathIn(const std::filesystem::path& dir);

// Creates or truncates `path`, writes `bytes` and fsyncs. IOError naming the path.
Status WriteSyncedFile(const std::filesystem::path& path, std::string_view bytes);

// Renames `from` to `to` (replacing it) and fsyncs the directory.
Status RenameDurably(const std::filesystem::path& from, const std::filesystem::path& to);

// `bytes` at `path`, all or nothing: written beside it, then renamed over it.
Status ReplaceFileDurably(const std::filesystem::path& path, std::string_view bytes);

// The whole file. NotFound if it does not exist, IOError naming the path otherwise.
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace rtml::ml::registry
