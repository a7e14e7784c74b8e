// SqliteDb and SqliteStatement: the few SQLite calls the embedded stores make, with
// errors as Status naming the database file. Both stores open their files with the
// same settings: WAL (readers such as `rtml features get` run beside the writer),
// synchronous=FULL (a committed batch survives a crash and a power cut, so a
// checkpoint never points past rows that were lost), and a busy timeout.
// One thread at a time per object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rtml::features {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* statement, std::string_view path);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds parameter `index` (1-based); a null Value binds NULL.
  Status Bind(int index, const Value& value);
  Status BindInt(int index, int64_t value);
  Status BindText(int index, std::string_view text);
  // One step: true while a row is ready, false when done.
  Result<bool> Step();
  // Resets for the next execution (bindings cleared).
  void Reset();

  // Column `index` (0-based) of the current row, read as `type` (NULL: null).
  Value Column(int index, ValueType type) const;
  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;

 private:
  Status Error(std::string_view what) const;

  sqlite3_stmt* statement_;
  std::string path_;
};

class SqliteDb {
 public:
  // Opens (creating) the file and its parent directory. IOError naming the path.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status Exec(const std::string& sql);
  Result<std::unique_ptr<SqliteStatement>> Prepare(const std::string& sql);
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
};

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back if it fails.
template <typename Body>
Status InTransaction(SqliteDb& db, Body&& body) {
  RTML_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) (void)db.Exec("ROLLBACK");
  return status;
}

}  // namespace rtml::features
