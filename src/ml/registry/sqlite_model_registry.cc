#include "sqlite_model_registry.h"

#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>

#include "artifact_files.h"
#include "rtml/core/clock.h"
#include "sqlite/sqlite_db.h"
#include "version_rules.h"

namespace rtml::ml::registry {
namespace {

using features::InTransaction;
using features::SqliteDb;
namespace fs = std::filesystem;

constexpr int64_t kSchemaVersion = 1;

// Version numbers are never given out twice: `models.last_version` remembers the
// highest, even after that version is deleted. `alias_history` keeps, per alias, where
// it pointed before each promotion; Rollback pops the newest entry.
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS models (
  name TEXT PRIMARY KEY,
  last_version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias));
CREATE TABLE IF NOT EXISTS alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  promoted_ms INTEGER NOT NULL);
PRAGMA user_version = 1;
)";

std::string JoinVersions(const std::vector<int64_t>& versions) {
  std::string out;
  for (const int64_t version : versions) out += (out.empty() ? "" : ", ") + std::to_string(version);
  return out;
}

class SqliteModelRegistry final : public ModelRegistry {
 public:
  SqliteModelRegistry(fs::path dir, std::unique_ptr<SqliteDb> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}

  Status Init() {
    RTML_ASSIGN_OR_RETURN(const int64_t schema, SchemaVersion());
    if (schema > kSchemaVersion) {
      return Status::Unsupported("model registry " + db_->path() + " has schema version " +
                                 std::to_string(schema) + ", newer than this rtml reads (" +
                                 std::to_string(kSchemaVersion) + ")");
    }
    if (schema == kSchemaVersion) return Status::Ok();
    return InTransaction(*db_, [&] { return db_->Exec(kSchema); });
  }

  Result<ModelVersion> Register(ModelVersion version, std::string_view artifact) override {
    RTML_RETURN_IF_ERROR(CompleteFromArtifact(version, artifact));
    version.artifact_checksum = ArtifactChecksum(artifact);
    version.created_ms = WallClockMs();
    const fs::path folder = dir_ / "artifacts" / version.name;
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
      return Status::IOError("cannot create directory " + folder.string() + ": " + error.message());
    }
    // The artifact is durable under a temporary name before the transaction, and takes
    // its final name inside it: a crash before the commit leaves at most a file that
    // the next registration of that number replaces.
    const fs::path temp = TempPathIn(folder);
    if (Status written = WriteSyncedFile(temp, artifact); !written.ok()) {
      ::unlink(temp.c_str());
      return written;
    }
    std::lock_guard lock(mu_);
    fs::path renamed;
    const Status status = InTransaction(*db_, [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(auto last,
                            db_->Prepare("SELECT max(coalesce((SELECT last_version FROM models "
                                         "WHERE name = ?1), 0), coalesce((SELECT max(version) "
                                         "FROM versions WHERE name = ?1), 0))"));
      RTML_RETURN_IF_ERROR(last->BindText(1, version.name));
      RTML_ASSIGN_OR_RETURN(const bool row, last->Step());
      version.version = (row ? last->ColumnInt(0) : 0) + 1;
      const fs::path final_path = ArtifactPath(version);
      RTML_RETURN_IF_ERROR(RenameDurably(temp, final_path));
      renamed = final_path;
      RTML_ASSIGN_OR_RETURN(auto insert,
                            db_->Prepare("INSERT INTO versions (name, version, metadata) "
                                         "VALUES (?, ?, ?)"));
      RTML_RETURN_IF_ERROR(insert->BindText(1, version.name));
      RTML_RETURN_IF_ERROR(insert->BindInt(2, version.version));
      RTML_RETURN_IF_ERROR(insert->BindText(3, ModelVersionToJson(version)));
      RTML_RETURN_IF_ERROR(insert->Step().status());
      RTML_ASSIGN_OR_RETURN(auto upsert,
                            db_->Prepare("INSERT INTO models (name, last_version) VALUES "
                                         "(?, ?) ON CONFLICT (name) DO UPDATE SET "
                                         "last_version = excluded.last_version"));
      RTML_RETURN_IF_ERROR(upsert->BindText(1, version.name));
      RTML_RETURN_IF_ERROR(upsert->BindInt(2, version.version));
      return upsert->Step().status();
    });
    if (!status.ok()) {
      // No committed row names this number, so its file is nobody's.
      ::unlink((renamed.empty() ? temp : renamed).c_str());
      return status;
    }
    return version;
  }

  Result<std::vector<std::string>> ListNames() override {
    std::lock_guard lock(mu_);
    return NamesLocked();
  }

  Result<std::vector<ModelVersion>> ListVersions(const std::string& name) override {
    std::lock_guard lock(mu_);
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT version, metadata FROM versions "
                                                    "WHERE name = ? ORDER BY version"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    std::vector<ModelVersion> versions;
    while (true) {
      RTML_ASSIGN_OR_RETURN(std::optional<ModelVersion> version, NextVersion(*select, name));
      if (!version) break;
      versions.push_back(std::move(*version));
    }
    if (versions.empty()) return ModelMissing(name);
    return versions;
  }

  Result<ModelVersion> Find(const std::string& name, const std::string& version_or_alias) override {
    RTML_ASSIGN_OR_RETURN(const VersionSpec spec, ParseVersionSpec(version_or_alias));
    std::lock_guard lock(mu_);
    std::unique_ptr<features::SqliteStatement> select;
    switch (spec.kind) {
      case VersionSpec::Kind::kNumber: {
        RTML_ASSIGN_OR_RETURN(std::optional<ModelVersion> found, VersionLocked(name, spec.number));
        if (found) return std::move(*found);
        return VersionMissing(name, spec.number);
      }
      case VersionSpec::Kind::kLatest: {
        RTML_ASSIGN_OR_RETURN(select,
                              db_->Prepare("SELECT version, metadata FROM versions WHERE name = ? "
                                           "ORDER BY version DESC LIMIT 1"));
        RTML_RETURN_IF_ERROR(select->BindText(1, name));
        break;
      }
      case VersionSpec::Kind::kAlias: {
        RTML_ASSIGN_OR_RETURN(select,
                              db_->Prepare("SELECT v.version, v.metadata FROM aliases a JOIN "
                                           "versions v ON v.name = a.name AND v.version = "
                                           "a.version WHERE a.name = ? AND a.alias = ?"));
        RTML_RETURN_IF_ERROR(select->BindText(1, name));
        RTML_RETURN_IF_ERROR(select->BindText(2, spec.alias));
        break;
      }
    }
    RTML_ASSIGN_OR_RETURN(std::optional<ModelVersion> found, NextVersion(*select, name));
    if (found) return std::move(*found);
    if (spec.kind == VersionSpec::Kind::kAlias) return AliasMissing(name, spec.alias);
    return ModelMissing(name);
  }

  Result<std::string> ReadArtifact(const ModelVersion& version) override {
    const fs::path path = ArtifactPath(version);
    Result<std::string> bytes = ReadWholeFile(path);
    if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) {
      return Status::Corruption("the artifact of " + version.Label() +
                                " is missing: " + path.string());
    }
    if (!bytes.ok()) return bytes.status();
    const std::string checksum = ArtifactChecksum(*bytes);
    if (checksum != version.artifact_checksum) {
      return Status::Corruption("the artifact of " + version.Label() + " (" + path.string() +
                                ") has checksum " + checksum + " but was registered with " +
                                version.artifact_checksum + ": it was changed or damaged");
    }
    return bytes;
  }

  std::string ArtifactPath(const ModelVersion& version) const override {
    return (dir_ / "artifacts" / version.name / (std::to_string(version.version) + ".model"))
        .string();
  }

  Status Promote(const std::string& name, const std::string& alias, int64_t version) override {
    RTML_RETURN_IF_ERROR(CheckAlias(alias));
    std::lock_guard lock(mu_);
    return InTransaction(*db_, [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(std::optional<ModelVersion> found, VersionLocked(name, version));
      if (!found) return VersionMissing(name, version);
      RTML_ASSIGN_OR_RETURN(const std::optional<int64_t> current, AliasLocked(name, alias));
      if (current == version) return Status::Ok();
      if (current) {
        RTML_ASSIGN_OR_RETURN(auto remember,
                              db_->Prepare("INSERT INTO alias_history (name, alias, version, "
                                           "promoted_ms) VALUES (?, ?, ?, ?)"));
        RTML_RETURN_IF_ERROR(remember->BindText(1, name));
        RTML_RETURN_IF_ERROR(remember->BindText(2, alias));
        RTML_RETURN_IF_ERROR(remember->BindInt(3, *current));
        RTML_RETURN_IF_ERROR(remember->BindInt(4, WallClockMs()));
        RTML_RETURN_IF_ERROR(remember->Step().status());
      }
      return SetAlias(name, alias, version);
    });
  }

  Result<int64_t> Rollback(const std::string& name, const std::string& alias) override {
    RTML_RETURN_IF_ERROR(CheckAlias(alias));
    std::lock_guard lock(mu_);
    int64_t previous = 0;
    const Status status = InTransaction(*db_, [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(const std::optional<int64_t> current, AliasLocked(name, alias));
      if (!current) return AliasMissing(name, alias);
      RTML_ASSIGN_OR_RETURN(auto last,
                            db_->Prepare("SELECT id, version FROM alias_history WHERE name = ? "
                                         "AND alias = ? ORDER BY id DESC LIMIT 1"));
      RTML_RETURN_IF_ERROR(last->BindText(1, name));
      RTML_RETURN_IF_ERROR(last->BindText(2, alias));
      RTML_ASSIGN_OR_RETURN(const bool row, last->Step());
      if (!row) {
        return Status::NotFound("alias '" + alias + "' of model " + name + " points at v" +
                                std::to_string(*current) +
                                " and has no earlier version to roll back to");
      }
      const int64_t id = last->ColumnInt(0);
      previous = last->ColumnInt(1);
      RTML_ASSIGN_OR_RETURN(auto forget, db_->Prepare("DELETE FROM alias_history WHERE id = ?"));
      RTML_RETURN_IF_ERROR(forget->BindInt(1, id));
      RTML_RETURN_IF_ERROR(forget->Step().status());
      return SetAlias(name, alias, previous);
    });
    RTML_RETURN_IF_ERROR(status);
    return previous;
  }

  Result<std::map<std::string, int64_t>> Aliases(const std::string& name) override {
    std::lock_guard lock(mu_);
    RTML_ASSIGN_OR_RETURN(const bool exists, HasModel(name));
    if (!exists) return ModelMissing(name);
    return AliasesLocked(name);
  }

  Status Delete(const std::string& name, int64_t version) override {
    std::lock_guard lock(mu_);
    ModelVersion deleted;
    const Status status = InTransaction(*db_, [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(std::optional<ModelVersion> found, VersionLocked(name, version));
      if (!found) return VersionMissing(name, version);
      deleted = std::move(*found);
      RTML_ASSIGN_OR_RETURN(const auto aliases, AliasesLocked(name));
      std::string holding;
      for (const auto& [alias, target] : aliases) {
        if (target == version) holding += (holding.empty() ? "" : ", ") + alias;
      }
      if (!holding.empty()) {
        return Status::Busy("model " + deleted.Label() + " is what alias " + holding +
                            " points at: promote another version to it (or roll it back) "
                            "before deleting");
      }
      for (const char* sql : {"DELETE FROM versions WHERE name = ? AND version = ?",
                              "DELETE FROM alias_history WHERE name = ? AND version = ?"}) {
        RTML_ASSIGN_OR_RETURN(auto remove, db_->Prepare(sql));
        RTML_RETURN_IF_ERROR(remove->BindText(1, name));
        RTML_RETURN_IF_ERROR(remove->BindInt(2, version));
        RTML_RETURN_IF_ERROR(remove->Step().status());
      }
      return Status::Ok();
    });
    RTML_RETURN_IF_ERROR(status);
    // The row is gone, so the version is; a file left behind (if unlink fails) is
    // unreachable and harmless.
    ::unlink(ArtifactPath(deleted).c_str());
    return Status::Ok();
  }

 private:
  // The statement is finalized before returning: a connection that still held a
  // read snapshot could not start a write transaction once another process wrote.
  Result<int64_t> SchemaVersion() {
    RTML_ASSIGN_OR_RETURN(auto pragma, db_->Prepare("PRAGMA user_version"));
    RTML_ASSIGN_OR_RETURN(const bool row, pragma->Step());
    return row ? pragma->ColumnInt(0) : 0;
  }

  // The next row (version, metadata) of `select`, or nullopt at the end.
  Result<std::optional<ModelVersion>> NextVersion(features::SqliteStatement& select,
                                                  const std::string& name) {
    RTML_ASSIGN_OR_RETURN(const bool row, select.Step());
    if (!row) return std::optional<ModelVersion>();
    const int64_t number = select.ColumnInt(0);
    Result<ModelVersion> version = ModelVersionFromJson(select.ColumnText(1));
    if (!version.ok()) {
      return version.status().WithContext(db_->path() + ": " + name + " v" +
                                          std::to_string(number));
    }
    version->name = name;
    version->version = number;
    return std::optional<ModelVersion>(std::move(version).value());
  }

  Result<std::optional<ModelVersion>> VersionLocked(const std::string& name, int64_t number) {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT version, metadata FROM versions "
                                                    "WHERE name = ? AND version = ?"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    RTML_RETURN_IF_ERROR(select->BindInt(2, number));
    return NextVersion(*select, name);
  }

  Result<std::optional<int64_t>> AliasLocked(const std::string& name, const std::string& alias) {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT version FROM aliases WHERE name = ? "
                                                    "AND alias = ?"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    RTML_RETURN_IF_ERROR(select->BindText(2, alias));
    RTML_ASSIGN_OR_RETURN(const bool row, select->Step());
    return row ? std::optional<int64_t>(select->ColumnInt(0)) : std::nullopt;
  }

  Result<std::map<std::string, int64_t>> AliasesLocked(const std::string& name) {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT alias, version FROM aliases WHERE "
                                                    "name = ? ORDER BY alias"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    std::map<std::string, int64_t> aliases;
    while (true) {
      RTML_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) return aliases;
      aliases.emplace(select->ColumnText(0), select->ColumnInt(1));
    }
  }

  Status SetAlias(const std::string& name, const std::string& alias, int64_t version) {
    RTML_ASSIGN_OR_RETURN(auto upsert,
                          db_->Prepare("INSERT INTO aliases (name, alias, version) VALUES (?, ?, "
                                       "?) ON CONFLICT (name, alias) DO UPDATE SET version = "
                                       "excluded.version"));
    RTML_RETURN_IF_ERROR(upsert->BindText(1, name));
    RTML_RETURN_IF_ERROR(upsert->BindText(2, alias));
    RTML_RETURN_IF_ERROR(upsert->BindInt(3, version));
    return upsert->Step().status();
  }

  Result<std::vector<std::string>> NamesLocked() {
    RTML_ASSIGN_OR_RETURN(auto select,
                          db_->Prepare("SELECT DISTINCT name FROM versions ORDER BY name"));
    std::vector<std::string> names;
    while (true) {
      RTML_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) return names;
      names.push_back(select->ColumnText(0));
    }
  }

  Result<bool> HasModel(const std::string& name) {
    RTML_ASSIGN_OR_RETURN(auto select,
                          db_->Prepare("SELECT 1 FROM versions WHERE name = ? LIMIT 1"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    return select->Step();
  }

  // NotFound for an unknown model, naming the models there are.
  Status ModelMissing(const std::string& name) {
    Result<std::vector<std::string>> names = NamesLocked();
    if (!names.ok()) return names.status();
    std::string known;
    for (const std::string& other : *names) known += (known.empty() ? "" : ", ") + other;
    return Status::NotFound("no model '" + name + "' in the registry " + dir_.string() +
                            (known.empty() ? " (it is empty)" : " (models: " + known + ")"));
  }

  // NotFound for a version the model lacks (or for the model), naming its versions.
  Status VersionMissing(const std::string& name, int64_t number) {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT version FROM versions WHERE name = "
                                                    "? ORDER BY version"));
    RTML_RETURN_IF_ERROR(select->BindText(1, name));
    std::vector<int64_t> versions;
    while (true) {
      RTML_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) break;
      versions.push_back(select->ColumnInt(0));
    }
    if (versions.empty()) return ModelMissing(name);
    return Status::NotFound("model " + name + " has no version " + std::to_string(number) +
                            " (versions: " + JoinVersions(versions) + ")");
  }

  // NotFound for an alias the model lacks (or for the model), naming its aliases.
  Status AliasMissing(const std::string& name, const std::string& alias) {
    RTML_ASSIGN_OR_RETURN(const bool exists, HasModel(name));
    if (!exists) return ModelMissing(name);
    RTML_ASSIGN_OR_RETURN(const auto aliases, AliasesLocked(name));
    std::string known;
    for (const auto& [other, version] : aliases) {
      known += (known.empty() ? "" : ", ") + other + " -> v" + std::to_string(version);
    }
    std::string hint;
    if (alias.size() > 1 && alias[0] == 'v' &&
        alias.find_first_not_of("0123456789", 1) == std::string::npos) {
      hint = "; for version " + alias.substr(1) + ", write " + alias.substr(1);
    }
    return Status::NotFound("model " + name + " has no alias '" + alias + "' (" +
                            (known.empty() ? "it has none yet" : "aliases: " + known) + hint + ")");
  }

  const fs::path dir_;
  std::mutex mu_;  // serializes use of db_
  const std::unique_ptr<SqliteDb> db_;
};

}  // namespace

Result<std::unique_ptr<ModelRegistry>> OpenSqliteModelRegistry(const std::string& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Status::IOError("cannot create directory " + dir + ": " + error.message());
  RTML_ASSIGN_OR_RETURN(auto db, SqliteDb::Open((fs::path(dir) / "registry.db").string()));
  auto registry = std::make_unique<SqliteModelRegistry>(fs::path(dir), std::move(db));
  RTML_RETURN_IF_ERROR(registry->Init());
  return std::unique_ptr<ModelRegistry>(std::move(registry));
}

}  // namespace rtml::ml::registry
