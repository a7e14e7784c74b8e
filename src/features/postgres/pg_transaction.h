// PgTransaction: BEGIN ... COMMIT on a PgConnection, rolled back if the scope ends
// without Commit(), so a failed call releases its locks at once.
#pragma once

#include "postgres/pg_connection.h"

namespace rtml::features {

class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& conn) : conn_(conn) {}
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction() {
    if (open_) conn_.RollbackQuietly();
  }

  Status Begin() {
    RTML_RETURN_IF_ERROR(conn_.Exec("BEGIN").status());
    open_ = true;
    return Status::Ok();
  }
  // Ok once the server says the transaction is durable.
  Status Commit() {
    open_ = false;
    return conn_.Exec("COMMIT").status();
  }

 private:
  PgConnection& conn_;
  bool open_ = false;
};

}  // namespace rtml::features
