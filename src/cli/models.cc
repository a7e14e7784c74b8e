// rtml models list|show|promote|rollback|delete|export|import: the model registry
// from the command line.
#include <unistd.h>

#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command.h"
#include "registry_flags.h"
#include "rtml/core/timestamp.h"
#include "rtml/ml/model_spec.h"
#include "table.h"

namespace rtml::cli {
namespace {

using ml::ModelRegistry;
using ml::ModelVersion;

// A Status from the registry: bad text the user typed (InvalidArgument) is a usage
// error, anything else (unknown model, damaged file, ...) a failure.
ExitStatus Failed(const Status& status) { return ExitStatus::FromInputStatus(status); }

// The registry the flags name, which must exist: commands that only read or change
// what is there should not create an empty registry in the wrong place.
Result<std::unique_ptr<ModelRegistry>> OpenExisting(const ParsedFlags& flags) {
  const std::string dir = RegistryDirFromFlags(flags);
  std::error_code error;
  if (!std::filesystem::is_regular_file(std::filesystem::path(dir) / "registry.db", error)) {
    return Status::NotFound("no model registry in " + dir +
                            " (rtml train creates it; name another with --registry DIR or "
                            "$RTML_REGISTRY)");
  }
  return ModelRegistry::Open(dir);
}

// "2024-08-08T23:54:15Z": whole seconds are enough in a table.
std::string Created(int64_t ms) {
  std::string text = FormatIso8601Ms(ms);
  const size_t dot = text.rfind('.');
  return dot == std::string::npos ? text : text.substr(0, dot) + "Z";
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// The metric a version is judged by: MAE for regression, accuracy for classification.
std::string MainMetric(const ModelVersion& version) {
  return version.task == "classification" ? "accuracy" : "mae";
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string MetricCell(const ModelVersion& version, const std::string& key, bool named) {
  const auto found = version.metrics.find(key);
  if (found == version.metrics.end()) return "-";
  return named ? MainMetric(version) + "=" + Number(found->second) : Number(found->second);
}

// The aliases that point at `version`, comma-separated, or "-".
std::string AliasesOf(const std::map<std::string, int64_t>& aliases, int64_t version) {
  std::string out;
  for (const auto& [alias, target] : aliases) {
    if (target == version) out += (out.empty() ? "" : ",") + alias;
  }
  return out.empty() ? "-" : out;
}

// A row of `list`: its first cells, the version that fills the rest (type, task,
// created, the test metric next to the baseline's), and its aliases cell.
struct ListRow {
  std::vector<std::string> lead;
  ModelVersion version;
  std::string aliases;
};

std::string RenderList(std::vector<std::string> header, const std::vector<ListRow>& rows) {
  bool same_metric = true;
  for (const ListRow& row : rows) {
    same_metric = same_metric && MainMetric(row.version) == MainMetric(rows[0].version);
  }
  const bool named = !same_metric;
  header.insert(header.end(), {"TYPE", "TASK", "ALIASES", "CREATED",
                               named || rows.empty() ? std::string("TEST")
                                                     : "TEST_" + Upper(MainMetric(rows[0].version)),
                               "BASELINE"});
  Table table(std::move(header));
  for (const ListRow& row : rows) {
    const ModelVersion& v = row.version;
    std::vector<std::string> cells = row.lead;
    cells.insert(cells.end(), {v.type, v.task, row.aliases, Created(v.created_ms),
                               MetricCell(v, "test." + MainMetric(v), named),
                               MetricCell(v, "baseline.test." + MainMetric(v), named)});
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

ExitStatus RunList(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (flags.positional().size() > 1) {
    return ExitStatus::Usage("unexpected argument '" + flags.positional()[1] + "'");
  }
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  std::vector<ListRow> rows;
  if (flags.positional().empty()) {
    Result<std::vector<std::string>> names = (*registry)->ListNames();
    if (!names.ok()) return Failed(names.status());
    for (const std::string& name : *names) {
      Result<std::vector<ModelVersion>> versions = (*registry)->ListVersions(name);
      if (!versions.ok()) return Failed(versions.status());
      Result<std::map<std::string, int64_t>> aliases = (*registry)->Aliases(name);
      if (!aliases.ok()) return Failed(aliases.status());
      std::string pointers;
      for (const auto& [alias, version] : *aliases) {
        pointers += (pointers.empty() ? "" : ",") + alias + "=v" + std::to_string(version);
      }
      rows.push_back(
          {{name, std::to_string(versions->size()), std::to_string(versions->back().version)},
           versions->back(),
           pointers.empty() ? "-" : pointers});
    }
    if (rows.empty()) {
      std::fprintf(stderr, "%s: the registry %s holds no models yet\n", invocation.path.c_str(),
                   RegistryDirFromFlags(flags).c_str());
    }
    std::fputs(RenderList({"NAME", "VERSIONS", "LATEST"}, rows).c_str(), stdout);
    return ExitStatus::Ok();
  }
  const std::string& name = flags.positional()[0];
  Result<std::vector<ModelVersion>> versions = (*registry)->ListVersions(name);
  if (!versions.ok()) return Failed(versions.status());
  Result<std::map<std::string, int64_t>> aliases = (*registry)->Aliases(name);
  if (!aliases.ok()) return Failed(aliases.status());
  for (ModelVersion& version : *versions) {
    rows.push_back({{name, std::to_string(version.version)}, std::move(version), ""});
    rows.back().aliases = AliasesOf(*aliases, rows.back().version.version);
  }
  std::fputs(RenderList({"NAME", "VERSION"}, rows).c_str(), stdout);
  return ExitStatus::Ok();
}

void DefineShowFlags(FlagSet& flags) {
  flags.Bool("json", "print one JSON object (every field, and the aliases) instead of text");
  AddRegistryFlags(flags);
}

std::string ShowText(const ModelVersion& v, const std::vector<std::string>& aliases,
                     const std::string& artifact) {
  std::ostringstream out;
  out << v.name << " v" << v.version << "\n";
  std::string alias_text;
  for (const std::string& alias : aliases) alias_text += (alias_text.empty() ? "" : ", ") + alias;
  Table about({"FIELD", "VALUE"});
  const auto add = [&about](const std::string& field, const std::string& value) {
    about.AddRow({field, value.empty() ? "-" : value});
  };
  add("type", v.type);
  add("task", v.task);
  add("aliases", alias_text);
  add("created", FormatIso8601Ms(v.created_ms));
  add("source", v.source);
  add("feature group", v.feature_group.empty()
                           ? ""
                           : v.feature_group + " v" + std::to_string(v.feature_group_version));
  add("target", v.target);
  add("reference feature", v.reference_feature);
  add("training data",
      v.data_from_ms == 0 && v.data_to_ms == 0
          ? ""
          : FormatIso8601Ms(v.data_from_ms) + " to " + FormatIso8601Ms(v.data_to_ms));
  add("training time", v.training_seconds > 0 ? Number(v.training_seconds) + " s" : "");
  add("artifact", artifact);
  std::string table = about.Render();
  out << table.substr(table.find('\n') + 1);  // no header: a list of fields

  out << "\nfeatures (" << v.features.size() << "):\n";
  for (size_t i = 0; i < v.features.size(); ++i)
    out << "  " << i + 1 << ". " << v.features[i] << "\n";
  out << "\nparams:\n";
  if (v.params.empty()) out << "  -\n";
  if (!v.params.empty()) {
    Table params({"NAME", "VALUE"});
    for (const auto& [name, value] : v.params) params.AddRow({name, value});
    out << params.Render();
  }
  out << "\nmetrics:\n";
  if (v.metrics.empty()) out << "  -\n";
  if (!v.metrics.empty()) {
    Table metrics({"NAME", "VALUE"});
    for (const auto& [name, value] : v.metrics) metrics.AddRow({name, Number(value)});
    out << metrics.Render();
  }
  return out.str();
}

ExitStatus RunShow(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  const std::vector<std::string>& args = flags.positional();
  if (args.empty() || args.size() > 2) {
    return ExitStatus::Usage(args.empty() ? "expected a model name"
                                          : "unexpected argument '" + args[2] + "'");
  }
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  Result<ModelVersion> version = (*registry)->Find(args[0], args.size() > 1 ? args[1] : "latest");
  if (!version.ok()) return Failed(version.status());
  Result<std::map<std::string, int64_t>> all = (*registry)->Aliases(args[0]);
  if (!all.ok()) return Failed(all.status());
  std::vector<std::string> aliases;
  for (const auto& [alias, target] : *all) {
    if (target == version->version) aliases.push_back(alias);
  }
  if (flags.Has("json")) {
    std::puts(ml::ModelVersionToJson(*version, aliases).c_str());
    return ExitStatus::Ok();
  }
  const std::string path = (*registry)->ArtifactPath(*version);
  std::error_code error;
  const auto bytes = std::filesystem::file_size(path, error);
  const std::string artifact = path + (error ? " (missing)"
                                             : " (" + std::to_string(bytes) + " bytes, crc32c " +
                                                   version->artifact_checksum + ")");
  std::fputs(ShowText(*version, aliases, artifact).c_str(), stdout);
  return ExitStatus::Ok();
}

// A version number as typed; Usage naming it otherwise.
Result<int64_t> VersionNumber(const std::string& text) {
  const std::optional<int64_t> number = ParseInt64(text);
  if (!number || *number < 1) {
    return Status::InvalidArgument("'" + text + "' is not a version number (1, 2, ...)");
  }
  return *number;
}

void DefineAliasFlags(FlagSet& flags) {
  flags.Value("alias", "NAME", "the alias (default production)");
  AddRegistryFlags(flags);
}

std::string AliasFromFlags(const ParsedFlags& flags) {
  return std::string(flags.Get("alias").value_or("production"));
}

ExitStatus RunPromote(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status args = flags.ExpectPositional(2, "a model name and a version"); !args.ok()) {
    return ExitStatus::Usage(args.message());
  }
  const std::string& name = flags.positional()[0];
  const std::string alias = AliasFromFlags(flags);
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  Result<ModelVersion> version = (*registry)->Find(name, flags.positional()[1]);
  if (!version.ok()) return Failed(version.status());
  Result<std::map<std::string, int64_t>> before = (*registry)->Aliases(name);
  if (!before.ok()) return Failed(before.status());
  if (Status promoted = (*registry)->Promote(name, alias, version->version); !promoted.ok()) {
    return Failed(promoted);
  }
  const auto was = before->find(alias);
  const std::string change = was == before->end() ? "new alias"
                             : was->second == version->version
                                 ? "unchanged"
                                 : "was v" + std::to_string(was->second);
  std::printf("%s: %s -> v%" PRId64 " (%s)\n", name.c_str(), alias.c_str(), version->version,
              change.c_str());
  return ExitStatus::Ok();
}

ExitStatus RunRollback(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status args = flags.ExpectPositional(1, "a model name"); !args.ok()) {
    return ExitStatus::Usage(args.message());
  }
  const std::string& name = flags.positional()[0];
  const std::string alias = AliasFromFlags(flags);
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  Result<std::map<std::string, int64_t>> before = (*registry)->Aliases(name);
  if (!before.ok()) return Failed(before.status());
  Result<int64_t> version = (*registry)->Rollback(name, alias);
  if (!version.ok()) return Failed(version.status());
  std::printf("%s: %s -> v%" PRId64 " (was v%" PRId64 ")\n", name.c_str(), alias.c_str(), *version,
              before->contains(alias) ? before->at(alias) : int64_t{0});
  return ExitStatus::Ok();
}

ExitStatus RunDelete(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status args = flags.ExpectPositional(2, "a model name and a version"); !args.ok()) {
    return ExitStatus::Usage(args.message());
  }
  const std::string& name = flags.positional()[0];
  Result<int64_t> version = VersionNumber(flags.positional()[1]);
  if (!version.ok()) return ExitStatus::Usage(version.status().message());
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  if (Status deleted = (*registry)->Delete(name, *version); !deleted.ok()) return Failed(deleted);
  std::printf("deleted %s v%" PRId64 "\n", name.c_str(), *version);
  return ExitStatus::Ok();
}

void DefineExportFlags(FlagSet& flags) {
  flags.Value("out", "FILE", "the bundle file to write, replaced whole; '-' for stdout (required)");
  AddRegistryFlags(flags);
}

// Writes `bytes` to `path` whole or not at all: beside it first, then renamed over it.
Status WriteWhole(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + path);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      return Status::IOError("cannot write " + path);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status::IOError("cannot write " + path);
  }
  return Status::Ok();
}

ExitStatus RunExport(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status args = flags.ExpectPositional(2, "a model name and a version"); !args.ok()) {
    return ExitStatus::Usage(args.message());
  }
  const std::string out(flags.Get("out").value_or(""));
  if (out.empty()) return ExitStatus::Usage("missing --out FILE");
  const std::string& name = flags.positional()[0];
  Result<std::unique_ptr<ModelRegistry>> registry = OpenExisting(flags);
  if (!registry.ok()) return Failed(registry.status());
  Result<ModelVersion> version = (*registry)->Find(name, flags.positional()[1]);
  if (!version.ok()) return Failed(version.status());
  Result<std::string> bundle = (*registry)->Export(name, version->version);
  if (!bundle.ok()) return Failed(bundle.status());
  if (out == "-") {
    std::fwrite(bundle->data(), 1, bundle->size(), stdout);
    return ExitStatus::Ok();
  }
  if (Status written = WriteWhole(out, *bundle); !written.ok()) return Failed(written);
  std::fprintf(stderr, "%s: %s to %s (%zu bytes)\n", invocation.path.c_str(),
               version->Label().c_str(), out.c_str(), bundle->size());
  return ExitStatus::Ok();
}

void DefineImportFlags(FlagSet& flags) {
  flags.Value("name", "NAME", "register it under NAME (default: the name it was exported with)");
  flags.Value("format", "FORMAT",
              "bundle (default), xgboost-json (a model saved by XGBoost) or torchscript (a "
              "saved TorchScript module)");
  flags.Value("features", "LIST",
              "xgboost-json, torchscript: the features it reads, in order, comma-separated");
  flags.Value("classes", "N", "torchscript: the classes of a classifier (default: regression)");
  flags.Value("target", "TEXT", "xgboost-json, torchscript: what it predicts, for people");
  AddRegistryFlags(flags);
}

// A model trained elsewhere (XGBoost JSON, TorchScript), as a version of --name.
Result<ModelVersion> ImportForeignModel(ModelRegistry& registry, const ParsedFlags& flags,
                                        const std::string& file, const std::string& bytes) {
  const std::string format(*flags.Get("format"));
  ModelVersion version{.name = std::string(flags.Get("name").value_or("")),
                       .source = "import:" + file,
                       .target = std::string(flags.Get("target").value_or(""))};
  if (version.name.empty()) return Status::InvalidArgument("--name: name the model");
  std::stringstream list{std::string(flags.Get("features").value_or(""))};
  for (std::string name; std::getline(list, name, ',');) {
    if (!name.empty()) version.features.push_back(name);
  }
  if (version.features.empty()) {
    return Status::InvalidArgument("--features: the features it reads, in order");
  }
  std::unique_ptr<ml::Model> model;
  if (format == "xgboost-json") {
    RTML_ASSIGN_OR_RETURN(model, ml::ImportXGBoostJson(bytes, version.features));
  } else if (format == "torchscript") {
    RTML_ASSIGN_OR_RETURN(const int64_t classes, flags.GetInt("classes", 0, 0, 10'000));
    RTML_ASSIGN_OR_RETURN(
        model, ml::ImportTorchScript(bytes, version.features, static_cast<int>(classes)));
  } else {
    return Status::InvalidArgument("--format: expected bundle, xgboost-json or torchscript");
  }
  version.task = model->classes() >= 2 ? "classification" : "regression";
  RTML_ASSIGN_OR_RETURN(const std::string artifact, model->Save());
  return registry.Register(std::move(version), artifact);
}

ExitStatus RunImport(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status args = flags.ExpectPositional(1, "a bundle file"); !args.ok()) {
    return ExitStatus::Usage(args.message());
  }
  const std::string& file = flags.positional()[0];
  std::ifstream in(file, std::ios::binary);
  std::error_code error;
  if (!in || std::filesystem::is_directory(file, error)) {
    return ExitStatus::Failure(
        "cannot read " + file + ": " +
        (std::filesystem::exists(file, error) ? "not a readable file" : "no such file"));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Result<std::unique_ptr<ModelRegistry>> registry = OpenRegistryFromFlags(flags);
  if (!registry.ok()) return Failed(registry.status());
  const bool bundle = flags.Get("format").value_or("bundle") == "bundle";
  Result<ModelVersion> imported =
      bundle ? (*registry)->Import(bytes.str(), std::string(flags.Get("name").value_or("")))
             : ImportForeignModel(**registry, flags, file, bytes.str());

  if (!imported.ok()) return Failed(imported.status().WithContext(file));
  std::printf("imported %s as %s\n", file.c_str(), imported->Label().c_str());
  return ExitStatus::Ok();
}

constexpr Command kSubcommands[] = {
    {.name = "list",
     .summary = "List the registered models, or one model's versions",
     .usage = "rtml models list [NAME] [flags]",
     .description =
         "Without NAME, one row per model: how many versions it has, its newest version\n"
         "and every alias (alias=vN). With NAME, one row per version, oldest first, with the\n"
         "aliases that point at it. The last two columns are the test metric (MAE for\n"
         "regression, accuracy for classification) and the baseline's on the same rows.",
     .example = "rtml models list\nrtml models list btc-close-5m",
     .define_flags = AddRegistryFlags,
     .run = RunList},
    {.name = "show",
     .summary = "Show everything about one version",
     .usage = "rtml models show NAME [VERSION|ALIAS|latest] [--json] [flags]",
     .description = "Its type, task, data source, target, training range, features in order,\n"
                    "parameters, metrics, aliases and artifact. Without a version: the newest.",
     .example = "rtml models show btc-close-5m production\nrtml models show btc-close-5m 3 --json",
     .define_flags = DefineShowFlags,
     .run = RunShow},
    {.name = "promote",
     .summary = "Point an alias (default production) at a version",
     .usage = "rtml models promote NAME VERSION [--alias NAME] [flags]",
     .description = "VERSION is a number, 'latest' or another alias. The registry remembers where\n"
                    "the alias pointed before, for rollback; whatever loads the model by the\n"
                    "alias gets the new version. Aliases are lowercase: [a-z][a-z0-9_-]*.",
     .example = "rtml models promote btc-close-5m 3\nrtml models promote btc-close-5m latest "
                "--alias staging",
     .define_flags = DefineAliasFlags,
     .run = RunPromote},
    {.name = "rollback",
     .summary = "Move an alias back to where it pointed before its last promotion",
     .usage = "rtml models rollback NAME [--alias NAME] [flags]",
     .description = "Rolling back again goes further back; exits 1 when there is no earlier "
                    "version.",
     .example = "rtml models rollback btc-close-5m",
     .define_flags = DefineAliasFlags,
     .run = RunRollback},
    {.name = "delete",
     .summary = "Delete a version and its artifact",
     .usage = "rtml models delete NAME VERSION [flags]",
     .description = "Refused for a version an alias points at (promote another version first).\n"
                    "Version numbers are never given out again.",
     .example = "rtml models delete btc-close-5m 1",
     .define_flags = AddRegistryFlags,
     .run = RunDelete},
    {.name = "export",
     .summary = "Write a version to one self-contained bundle file",
     .usage = "rtml models export NAME VERSION --out FILE [flags]",
     .description =
         "The bundle holds the metadata and the artifact under a checksum; 'rtml models\n"
         "import' reads it into any registry. VERSION may also be 'latest' or an alias.",
     .example = "rtml models export btc-close-5m production --out btc-close-5m.rtmlmodel",
     .define_flags = DefineExportFlags,
     .run = RunExport},
    {.name = "import",
     .summary = "Register a bundle, or a model trained elsewhere, as a new version",
     .usage = "rtml models import FILE [--name NAME] [flags]\n"
              "rtml models import FILE --format xgboost-json|torchscript --name NAME "
              "--features LIST [flags]",
     .description =
         "It becomes the next version of its name (or of --name). A damaged or truncated\n"
         "bundle is refused and nothing is stored. Creates the registry if needed.\n"
         "--format xgboost-json registers a model XGBoost saved as JSON (its feature names,\n"
         "if it has them, must be --features); --format torchscript a saved TorchScript\n"
         "module, whose forward takes the raw features in that order (it is run on a\n"
         "batch first). Nothing is stored unless the file reads as such a model.",
     .example = "rtml models import btc-close-5m.rtmlmodel --registry /srv/models\n"
                "rtml models import model.json --format xgboost-json --name churn "
                "--features age,visits,spend",
     .define_flags = DefineImportFlags,
     .run = RunImport},
};

}  // namespace

const Command& ModelsCommand() {
  static constexpr Command kCommand{
      .name = "models",
      .summary = "List, inspect, promote, roll back and move registered models",
      .usage = "rtml models COMMAND [flags]",
      .description =
          "The registry keeps every trained version of a model with its metadata and\n"
          "metrics, in --registry DIR (default $RTML_REGISTRY, else rtml-data/models).\n"
          "Aliases such as production name the version servers use.",
      .example = "rtml models list\nrtml models promote btc-close-5m 3",
      .subcommands = kSubcommands};
  return kCommand;
}

}  // namespace rtml::cli
