// PgConnection: one libpq session that comes back after the server went away, and
// the mapping of libpq failures to Status: a lost connection or a server shutting
// down is Unavailable, bad data or SQL is InvalidArgument, the rest IOError.
// Messages name the URI without its password. Threads: one at a time.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "postgres/pg_binary.h"
#include "rtml/core/result.h"

namespace rtml::features {

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class PgConnection {
 public:
  // InvalidArgument for a URI libpq cannot read (or not postgresql:// or
  // postgres://); Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgConnection>> Open(std::string_view uri);

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Call first in every store operation: reconnects if the connection was lost
  // and rolls back a transaction a failed call left open. Unavailable when the
  // server still cannot be reached.
  Status Ready();

  // Runs `sql` with binary parameters; the rows come back in binary format.
  Result<PgResult> Exec(const std::string& sql, const PgParams& params = PgParams());

  // The name of a prepared statement for `sql`, prepared on first use in this
  // session (a reconnect forgets them).
  Result<std::string> Prepare(const std::string& sql, std::span<const Oid> types);

  // Drops the session, so the server rolls back its transaction, and reconnects
  // (failing quietly: Ready() reports it).
  void Reset();

  // Ends the open transaction, if any, ignoring errors: the caller is already
  // reporting one.
  void RollbackQuietly();

  // The failure that `result` reports (null: the connection's own error), as
  // "<what> on <uri>: <server message>".
  Status Error(const PGresult* result, std::string_view what) const;

  PGconn* raw() { return conn_; }
  // The URI without its password, for messages.
  const std::string& display_uri() const { return display_uri_; }

 private:
  PgConnection(PGconn* conn, std::string display_uri);

  PGconn* conn_;
  std::string display_uri_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
  int next_statement_ = 0;
};

// `uri` with any password replaced by "***" (user:***@host, password=***).
std::string RedactPassword(std::string_view uri);

}  // namespace rtml::features
