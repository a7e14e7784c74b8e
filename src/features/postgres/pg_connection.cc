#include "postgres/pg_connection.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace rtml::features {
namespace {

// A libpq message on one line: its line breaks and tabs become spaces.
std::string OneLine(const char* message) {
  std::string out;
  for (const char* c = message != nullptr ? message : ""; *c != '\0'; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == ' ';
    if (!space) {
      out += *c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The server's message and detail, or else libpq's own message.
std::string ErrorText(PGconn* conn, const PGresult* result) {
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary == nullptr) return OneLine(PQerrorMessage(conn));
  std::string text = OneLine(primary);
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL); detail != nullptr) {
    text += " (" + OneLine(detail) + ")";
  }
  return text;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// SQLSTATEs after which a retry may succeed: connection exceptions (08), the
// server shutting down or starting (57P01-57P03), too many connections (53300).
bool IsUnavailable(std::string_view sqlstate) {
  return StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "53300";
}

// Data exceptions (22), constraint violations (23), SQL errors (42), unsupported (0A).
bool IsInvalidArgument(std::string_view sqlstate) {
  return StartsWith(sqlstate, "22") || StartsWith(sqlstate, "23") || StartsWith(sqlstate, "42") ||
         StartsWith(sqlstate, "0A");
}

// CREATE TABLE IF NOT EXISTS and friends send notices libpq would print to stderr.
void IgnoreNotice(void*, const char*) {}

}  // namespace

std::string RedactPassword(std::string_view uri) {
  std::string out(uri);
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t authority_end = std::min(out.find_first_of("/?", start), out.size());
    const size_t at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  constexpr std::string_view kKeyword = "password=";
  for (size_t pos = out.find(kKeyword); pos != std::string::npos;
       pos = out.find(kKeyword, pos + kKeyword.size())) {
    const size_t value = pos + kKeyword.size();
    const size_t end = std::min(out.find_first_of("& ", value), out.size());
    out.replace(value, end - value, "***");
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(std::string_view uri) {
  std::string display = RedactPassword(uri);
  if (!StartsWith(uri, "postgresql://") && !StartsWith(uri, "postgres://")) {
    return Status::InvalidArgument("offline store URI '" + display +
                                   "' is not postgresql://USER@HOST:PORT/DB");
  }
  const std::string uri_text(uri);
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri_text.c_str(), &error);
  if (options == nullptr) {
    const std::string message = OneLine(error);
    PQfreemem(error);
    return Status::InvalidArgument("offline store URI '" + display + "': " + message);
  }
  PQconninfoFree(options);
  // A server that never answers must not hang the caller: a timeout unless the URI
  // sets one (later keywords win, and dbname expands to the URI's parameters).
  const std::array<const char*, 3> keywords = {"connect_timeout", "dbname", nullptr};
  const std::array<const char*, 3> values = {"10", uri_text.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("libpq could not allocate a connection");
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, std::move(display)));
  if (PQstatus(conn) != CONNECTION_OK) {
    return connection->Error(nullptr, "cannot reach PostgreSQL");
  }
  return connection;
}

PgConnection::PgConnection(PGconn* conn, std::string display_uri)
    : conn_(conn), display_uri_(std::move(display_uri)) {
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Ready() {
  if (PQstatus(conn_) != CONNECTION_OK) {
    Reset();
    if (PQstatus(conn_) != CONNECTION_OK) return Error(nullptr, "cannot reach PostgreSQL");
  }
  RollbackQuietly();
  return Status::Ok();
}

Result<PgResult> PgConnection::Exec(const std::string& sql, const PgParams& params) {
  PgResult result(PQexecParams(conn_, sql.c_str(), params.size(), params.types(), params.values(),
                               params.lengths(), params.formats(), /*resultFormat=*/1));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Error(result.get(), sql.substr(0, sql.find(' ')));
  }
  return result;
}

Result<std::string> PgConnection::Prepare(const std::string& sql, std::span<const Oid> types) {
  if (const auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  std::string name = "rtml_" + std::to_string(next_statement_++);
  const PgResult result(
      PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Error(result.get(), "preparing " + sql.substr(0, sql.find(' ')));
  }
  prepared_.emplace(sql, name);
  return name;
}

void PgConnection::Reset() {
  prepared_.clear();
  PQreset(conn_);
}

void PgConnection::RollbackQuietly() {
  if (PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) == PQTRANS_IDLE ||
      PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) {
    return;
  }
  PQclear(PQexec(conn_, "ROLLBACK"));
}

Status PgConnection::Error(const PGresult* result, std::string_view what) const {
  const char* sqlstate_field =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = sqlstate_field != nullptr ? sqlstate_field : "";
  std::string message = std::string(what) + " on " + display_uri_ + ": " + ErrorText(conn_, result);
  if (PQstatus(conn_) != CONNECTION_OK || IsUnavailable(sqlstate)) {
    return Status::Unavailable(std::move(message));
  }
  if (IsInvalidArgument(sqlstate)) return Status::InvalidArgument(std::move(message));
  return Status::IOError(std::move(message));
}

}  // namespace rtml::features
