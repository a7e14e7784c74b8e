#include "redis/redis_online_store.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "redis/redis_uri.h"
#include "redis/resp_writer.h"
#include "rtml/features/feature_row.h"

namespace rtml::features {
namespace {

// Rows per script call: enough that the per-call cost on the server is small, few
// enough that one call holds the server only briefly (it runs nothing else then).
constexpr size_t kRowsPerScript = 256;
static_assert(2 * kRowsPerScript < 8000, "Lua's unpack() takes at most 8000 values");
// Script calls sent before waiting for the oldest reply: the pipeline's depth.
constexpr size_t kScriptsInFlight = 16;
// Fields per HSCAN page.
constexpr std::string_view kScanCount = "1000";

// KEYS[1]: the group's rows hash; KEYS[2]: its event-times hash.
// ARGV: key text, event time (ms), row JSON - for each row, in order: a row
// replaces its key's row unless that one is newer. One HMGET and two HSETs for the
// whole batch, as each call from a script costs far more than the Lua around it.
// Returns how many keys changed.
constexpr std::string_view kUpsertScript = R"lua(
local rows, times = KEYS[1], KEYS[2]
local n = #ARGV / 3
local fields = {}
for i = 1, n do fields[i] = ARGV[3 * i - 2] end
local stored = redis.call('HMGET', times, unpack(fields))
local newest, winner = {}, {}
for i = 1, n do
  local field, t = fields[i], tonumber(ARGV[3 * i - 1])
  local current = newest[field]
  if current == nil then current = stored[i] and tonumber(stored[i]) end
  if not current or current <= t then
    newest[field], winner[field] = t, i
  end
end
local time_args, row_args = {}, {}
for field, i in pairs(winner) do
  time_args[#time_args + 1] = field
  time_args[#time_args + 1] = ARGV[3 * i - 1]
  row_args[#row_args + 1] = field
  row_args[#row_args + 1] = ARGV[3 * i]
end
if #time_args > 0 then
  redis.call('HSET', times, unpack(time_args))
  redis.call('HSET', rows, unpack(row_args))
end
return #time_args / 2
)lua";

// The Redis keys of a group version (layout in redis_online_store.h).
struct GroupKeys {
  explicit GroupKeys(const FeatureGroup& group)
      : rows("rtml:{" + group.StorageName() + "}:rows"),
        times("rtml:{" + group.StorageName() + "}:times") {}
  std::string rows;
  std::string times;
};

bool IsNoScript(const redisReply& reply) {
  return std::string_view(reply.str, reply.len).starts_with("NOSCRIPT");
}

class RedisOnlineStore final : public OnlineStore {
 public:
  RedisOnlineStore(RedisEndpoint endpoint, RedisTimeouts timeouts)
      : connection_(std::move(endpoint), timeouts) {}

  Status Open() {
    RTML_RETURN_IF_ERROR(connection_.EnsureConnected());
    return LoadScript();
  }

  Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) override {
    for (const FeatureRow& row : rows) RTML_RETURN_IF_ERROR(CheckRowShape(group, row));
    if (rows.empty()) return Status::Ok();
    RTML_RETURN_IF_ERROR(connection_.EnsureConnected());
    const GroupKeys keys(group);
    bool forgotten = false;
    RTML_RETURN_IF_ERROR(SendRows(group, keys, rows, forgotten));
    if (!forgotten) return Status::Ok();
    // The server lost its script cache (a restart, SCRIPT FLUSH) and may have
    // applied only a part: load the script and apply every row again, in order,
    // which leaves what applying them once would have.
    RTML_RETURN_IF_ERROR(LoadScript());
    RTML_RETURN_IF_ERROR(SendRows(group, keys, rows, forgotten));
    if (forgotten) {
      return Status::Unavailable(connection_.endpoint().Describe() +
                                 ": the server forgot the upsert script again right after "
                                 "SCRIPT LOAD");
    }
    return Status::Ok();
  }

  Result<std::optional<FeatureRow>> Get(const FeatureGroup& group,
                                        std::span<const Value> key) override {
    if (key.size() != group.key.size()) {
      return Status::InvalidArgument("key '" + KeyText(key) + "' has " +
                                     std::to_string(key.size()) + " values; feature group " +
                                     group.Label() + " has " + std::to_string(group.key.size()) +
                                     " key columns");
    }
    RTML_RETURN_IF_ERROR(connection_.EnsureConnected());
    const GroupKeys keys(group);
    const std::string field = KeyText(key);
    request_.clear();
    resp::AppendCommand(request_, {"HGET", keys.rows, field});
    RTML_ASSIGN_OR_RETURN(const RedisReply reply, connection_.Call(request_, "HGET " + keys.rows));
    if (reply->type == REDIS_REPLY_NIL) return std::optional<FeatureRow>();
    if (reply->type != REDIS_REPLY_STRING) return Unexpected("HGET " + keys.rows);
    auto row = ParserFor(group).Parse(std::string_view(reply->str, reply->len));
    if (!row.ok()) return Unreadable(keys, field, row.status());
    return std::optional<FeatureRow>(std::move(row).value());
  }

  Status ScanAll(const FeatureGroup& group, const RowVisitor& visit) override {
    RTML_RETURN_IF_ERROR(connection_.EnsureConnected());
    const GroupKeys keys(group);
    // Own parser and request: `visit` may call this store.
    RowJsonParser parser(group);
    std::string request;
    // HSCAN returns a field again when the hash is resized between pages (other
    // clients write meanwhile); each key is visited once all the same.
    std::unordered_set<std::string> seen;
    std::string cursor = "0";
    do {
      request.clear();
      resp::AppendCommand(request, {"HSCAN", keys.rows, cursor, "COUNT", kScanCount});
      RTML_ASSIGN_OR_RETURN(const RedisReply reply,
                            connection_.Call(request, "HSCAN " + keys.rows));
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
          reply->element[0]->type != REDIS_REPLY_STRING ||
          reply->element[1]->type != REDIS_REPLY_ARRAY) {
        return Unexpected("HSCAN " + keys.rows);
      }
      cursor.assign(reply->element[0]->str, reply->element[0]->len);
      const redisReply& page = *reply->element[1];
      for (size_t i = 0; i + 1 < page.elements; i += 2) {
        const redisReply& field = *page.element[i];
        const redisReply& json = *page.element[i + 1];
        if (!seen.emplace(field.str, field.len).second) continue;
        auto row = parser.Parse(std::string_view(json.str, json.len));
        if (!row.ok()) return Unreadable(keys, std::string(field.str, field.len), row.status());
        RTML_RETURN_IF_ERROR(visit(std::move(row).value()));
      }
    } while (cursor != "0");
    return Status::Ok();
  }

 private:
  Status LoadScript() {
    request_.clear();
    resp::AppendCommand(request_, {"SCRIPT", "LOAD", kUpsertScript});
    RTML_ASSIGN_OR_RETURN(const RedisReply reply, connection_.Call(request_, "SCRIPT LOAD"));
    if (reply->type != REDIS_REPLY_STRING) return Unexpected("SCRIPT LOAD");
    script_sha_.assign(reply->str, reply->len);
    return Status::Ok();
  }

  // Sends the rows in script calls, kScriptsInFlight ahead of their replies, and
  // reads every reply. Sets `forgotten` (and sends no more) when the server does
  // not know the script.
  Status SendRows(const FeatureGroup& group, const GroupKeys& keys,
                  std::span<const FeatureRow> rows, bool& forgotten) {
    forgotten = false;
    Status failed;  // the first error reply; later replies are still read
    size_t in_flight = 0;
    const auto receive = [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(const RedisReply reply, connection_.Receive());
      --in_flight;
      if (reply->type != REDIS_REPLY_ERROR || forgotten || !failed.ok()) return Status::Ok();
      if (IsNoScript(*reply)) {
        forgotten = true;
      } else {
        failed = connection_.ErrorStatus(*reply, "upsert script on " + keys.rows);
      }
      return Status::Ok();
    };
    for (size_t next = 0; next < rows.size() && !forgotten && failed.ok();) {
      const auto batch = rows.subspan(next, std::min(kRowsPerScript, rows.size() - next));
      next += batch.size();
      request_.clear();
      AppendUpsert(group, keys, batch);
      RTML_RETURN_IF_ERROR(connection_.Send(request_));
      if (++in_flight > kScriptsInFlight) RTML_RETURN_IF_ERROR(receive());
    }
    while (in_flight > 0) RTML_RETURN_IF_ERROR(receive());
    return failed;
  }

  // Appends one EVALSHA of the upsert script for `rows` to request_.
  void AppendUpsert(const FeatureGroup& group, const GroupKeys& keys,
                    std::span<const FeatureRow> rows) {
    resp::AppendArrayHeader(request_, 5 + 3 * rows.size());
    for (const std::string_view arg :
         {std::string_view("EVALSHA"), std::string_view(script_sha_), std::string_view("2"),
          std::string_view(keys.rows), std::string_view(keys.times)}) {
      resp::AppendBulk(request_, arg);
    }
    for (const FeatureRow& row : rows) {
      resp::AppendBulk(request_, KeyText(row.key));
      resp::AppendBulk(request_, row.event_time_ms);
      json_.clear();
      AppendRowJson(group, row, json_);
      resp::AppendBulk(request_, json_);
    }
  }

  // A parser for the group's rows, kept between Gets.
  RowJsonParser& ParserFor(const FeatureGroup& group) {
    auto [it, inserted] = parsers_.try_emplace(group.StorageName(), group);
    if (!inserted && !(it->second.group() == group)) it->second = RowJsonParser(group);
    return it->second;
  }

  Status Unexpected(const std::string& what) const {
    return Status::Internal(connection_.endpoint().Describe() + ": " + what +
                            ": unexpected reply type (is the key used by something else?)");
  }

  Status Unreadable(const GroupKeys& keys, const std::string& field, const Status& why) const {
    return Status::Corruption(connection_.endpoint().Describe() + ": the row of key '" + field +
                              "' in " + keys.rows + " does not read back: " + why.message());
  }

  RedisConnection connection_;
  std::string script_sha_;  // of kUpsertScript, from SCRIPT LOAD
  std::string request_;     // reused between calls: the commands being built
  std::string json_;        // reused: one row's JSON
  std::unordered_map<std::string, RowJsonParser> parsers_;  // by StorageName
};

}  // namespace

Result<std::unique_ptr<OnlineStore>> OpenRedisOnlineStore(std::string_view uri,
                                                          RedisOnlineStoreOptions options) {
  RTML_ASSIGN_OR_RETURN(RedisEndpoint endpoint, ParseRedisUri(uri));
  auto store = std::make_unique<RedisOnlineStore>(std::move(endpoint), options.timeouts);
  RTML_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<OnlineStore>(std::move(store));
}

}  // namespace rtml::features
