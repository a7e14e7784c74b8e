#include "sqlite/sqlite_db.h"

#include <filesystem>
#include <system_error>

#include <sqlite3.h>

namespace rtml::features {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

Status SqliteError(sqlite3* db, std::string_view path, std::string_view what) {
  return Status::IOError("SQLite " + std::string(path) + ": " + std::string(what) + ": " +
                         (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3_stmt* statement, std::string_view path)
    : statement_(statement), path_(path) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

Status SqliteStatement::Error(std::string_view what) const {
  return SqliteError(sqlite3_db_handle(statement_), path_, what);
}

Status SqliteStatement::Bind(int index, const Value& value) {
  int rc = SQLITE_OK;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    rc = sqlite3_bind_int64(statement_, index, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    rc = sqlite3_bind_double(statement_, index, *d);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    rc = sqlite3_bind_text(statement_, index, s->data(), static_cast<int>(s->size()),
                           SQLITE_TRANSIENT);
  } else {
    rc = sqlite3_bind_null(statement_, index);
  }
  return rc == SQLITE_OK ? Status::Ok() : Error("bind");
}

Status SqliteStatement::BindInt(int index, int64_t value) {
  return sqlite3_bind_int64(statement_, index, value) == SQLITE_OK ? Status::Ok() : Error("bind");
}

Status SqliteStatement::BindText(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT);
  return rc == SQLITE_OK ? Status::Ok() : Error("bind");
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error("step");
}

void SqliteStatement::Reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Value SqliteStatement::Column(int index, ValueType type) const {
  if (sqlite3_column_type(statement_, index) == SQLITE_NULL) return Value();
  switch (type) {
    case ValueType::kInt64:
      return Value(static_cast<int64_t>(sqlite3_column_int64(statement_, index)));
    case ValueType::kDouble:
      return Value(sqlite3_column_double(statement_, index));
    case ValueType::kString:
      return Value(ColumnText(index));
  }
  return Value();
}

int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string SqliteStatement::ColumnText(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, index));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<size_t>(sqlite3_column_bytes(statement_, index)));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) {
    return Status::IOError("cannot create directory " + parent.string() + ": " + error.message());
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Status status = SqliteError(db, path, "cannot open");
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<SqliteDb> opened(new SqliteDb(db, path));
  RTML_RETURN_IF_ERROR(opened->Exec("PRAGMA journal_mode=WAL"));
  RTML_RETURN_IF_ERROR(opened->Exec("PRAGMA synchronous=FULL"));
  return opened;
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  return Status::IOError("SQLite " + path_ + ": " + text + " (in: " + sql.substr(0, 120) + ")");
}

Result<std::unique_ptr<SqliteStatement>> SqliteDb::Prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement, nullptr) != SQLITE_OK) {
    return SqliteError(db_, path_, "cannot prepare " + sql.substr(0, 120));
  }
  return std::make_unique<SqliteStatement>(statement, path_);
}

}  // namespace rtml::features
