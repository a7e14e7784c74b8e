// PostgreSQL's binary wire format for feature values: parameters going out
// (PgParams) and result columns coming in (DecodeValue). Binary, not text, so a
// double round-trips bit for bit and nothing is printed or parsed.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"

namespace rtml::features {

// The type OIDs of the columns rtml creates (from PostgreSQL's pg_type.dat).
inline constexpr Oid kPgInt8Oid = 20;
inline constexpr Oid kPgTextOid = 25;
inline constexpr Oid kPgFloat8Oid = 701;

Oid PgTypeOid(ValueType type);
// The OID of an array of `type` (int8[], float8[], text[]).
Oid PgArrayOid(ValueType type);

// The parameters of one statement, in binary format, with their types. Reused
// across rows: Clear() keeps the buffers.
class PgParams {
 public:
  void Clear();
  // Null (std::monostate) becomes SQL NULL. REQUIRES: ValueHasType(value, type).
  void Add(const Value& value, ValueType type);
  void AddInt64(int64_t value);
  // The text must outlive the statement's execution.
  void AddText(std::string_view text);
  // A value already in the binary format of `type`; it must outlive the execution.
  void AddBinary(Oid type, std::string_view bytes);

  int size() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void AddScalar(Oid type, uint64_t bits);

  std::vector<Oid> types_;
  std::vector<int> lengths_;
  std::vector<int> formats_;                 // all 1 (binary)
  std::vector<const char*> texts_;           // null for scalars and NULLs
  std::vector<int> scalar_offsets_;          // into scalars_, or -1
  std::vector<char> scalars_;                // big-endian 8-byte values
  mutable std::vector<const char*> values_;  // built by values(): scalars_ may move
};

// A one-dimensional array of one column's values in binary format, built value by
// value. Reused across chunks: Reset() keeps the buffer.
class PgArray {
 public:
  void Reset(ValueType type);
  // REQUIRES: ValueHasType(value, type).
  void Append(const Value& value);
  // The array so far; valid until the next Append or Reset.
  std::string_view bytes();

 private:
  ValueType type_ = ValueType::kDouble;
  std::string buffer_;  // header (count and null flag filled in by bytes()), then values
  int32_t count_ = 0;
  bool has_null_ = false;
};

// The parameter types of sql::UpsertRow(group): key columns, event time, features.
std::vector<Oid> UpsertParamTypes(const FeatureGroup& group);

// InvalidArgument unless column `column` of `result` has the type OID of `type`.
Status CheckColumnType(const PGresult* result, int column, ValueType type);

// The value at (row, column) of a binary-format result whose column type was
// checked with CheckColumnType.
Value DecodeValue(const PGresult* result, int row, int column, ValueType type);

}  // namespace rtml::features
