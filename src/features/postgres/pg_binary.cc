#include "postgres/pg_binary.h"

#include <endian.h>

#include <bit>
#include <cstring>
#include <string>
#include <variant>

namespace rtml::features {
namespace {

uint64_t ReadBigEndian64(const char* data) {
  uint64_t bits;
  std::memcpy(&bits, data, sizeof(bits));
  return be64toh(bits);
}

void AppendBigEndian32(std::string& out, uint32_t value) {
  const uint32_t wire = htobe32(value);
  out.append(reinterpret_cast<const char*>(&wire), sizeof(wire));
}

void AppendBigEndian64(std::string& out, uint64_t value) {
  const uint64_t wire = htobe64(value);
  out.append(reinterpret_cast<const char*>(&wire), sizeof(wire));
}

void WriteBigEndian32(char* out, uint32_t value) {
  const uint32_t wire = htobe32(value);
  std::memcpy(out, &wire, sizeof(wire));
}

// An array's header: dimensions, null flag, element type, then length and lower
// bound of the one dimension.
constexpr size_t kArrayFlagsAt = 4;
constexpr size_t kArrayLengthAt = 12;

}  // namespace

Oid PgArrayOid(ValueType type) {
  switch (type) {
    case ValueType::kInt64:
      return 1016;
    case ValueType::kDouble:
      return 1022;
    case ValueType::kString:
      return 1009;
  }
  return 1009;
}

Oid PgTypeOid(ValueType type) {
  switch (type) {
    case ValueType::kInt64:
      return kPgInt8Oid;
    case ValueType::kDouble:
      return kPgFloat8Oid;
    case ValueType::kString:
      return kPgTextOid;
  }
  return kPgTextOid;
}

void PgParams::Clear() {
  types_.clear();
  lengths_.clear();
  formats_.clear();
  texts_.clear();
  scalar_offsets_.clear();
  scalars_.clear();
}

void PgParams::Add(const Value& value, ValueType type) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    AddScalar(kPgInt8Oid, static_cast<uint64_t>(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    AddScalar(kPgFloat8Oid, std::bit_cast<uint64_t>(*d));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AddText(*s);
  } else {
    types_.push_back(PgTypeOid(type));
    lengths_.push_back(0);
    formats_.push_back(1);
    texts_.push_back(nullptr);
    scalar_offsets_.push_back(-1);
  }
}

void PgParams::AddInt64(int64_t value) { AddScalar(kPgInt8Oid, static_cast<uint64_t>(value)); }

void PgParams::AddText(std::string_view text) {
  types_.push_back(kPgTextOid);
  lengths_.push_back(static_cast<int>(text.size()));
  formats_.push_back(1);
  // A non-null pointer even for "", which is not NULL.
  texts_.push_back(text.empty() ? "" : text.data());
  scalar_offsets_.push_back(-1);
}

void PgParams::AddBinary(Oid type, std::string_view bytes) {
  AddText(bytes);
  types_.back() = type;
}

void PgParams::AddScalar(Oid type, uint64_t bits) {
  const uint64_t wire = htobe64(bits);
  scalar_offsets_.push_back(static_cast<int>(scalars_.size()));
  scalars_.resize(scalars_.size() + sizeof(wire));
  std::memcpy(scalars_.data() + scalars_.size() - sizeof(wire), &wire, sizeof(wire));
  types_.push_back(type);
  lengths_.push_back(sizeof(wire));
  formats_.push_back(1);
  texts_.push_back(nullptr);
}

const char* const* PgParams::values() const {
  values_.resize(types_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    values_[i] = scalar_offsets_[i] >= 0 ? scalars_.data() + scalar_offsets_[i] : texts_[i];
  }
  return values_.data();
}

void PgArray::Reset(ValueType type) {
  type_ = type;
  count_ = 0;
  has_null_ = false;
  buffer_.clear();
  AppendBigEndian32(buffer_, 1);  // one dimension
  AppendBigEndian32(buffer_, 0);  // null flag, set by bytes()
  AppendBigEndian32(buffer_, PgTypeOid(type));
  AppendBigEndian32(buffer_, 0);  // length, set by bytes()
  AppendBigEndian32(buffer_, 1);  // lower bound
}

void PgArray::Append(const Value& value) {
  ++count_;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    AppendBigEndian32(buffer_, sizeof(int64_t));
    AppendBigEndian64(buffer_, static_cast<uint64_t>(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    AppendBigEndian32(buffer_, sizeof(double));
    AppendBigEndian64(buffer_, std::bit_cast<uint64_t>(*d));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AppendBigEndian32(buffer_, static_cast<uint32_t>(s->size()));
    buffer_ += *s;
  } else {
    AppendBigEndian32(buffer_, static_cast<uint32_t>(-1));  // NULL
    has_null_ = true;
  }
}

std::string_view PgArray::bytes() {
  WriteBigEndian32(buffer_.data() + kArrayFlagsAt, has_null_ ? 1 : 0);
  WriteBigEndian32(buffer_.data() + kArrayLengthAt, static_cast<uint32_t>(count_));
  return buffer_;
}

std::vector<Oid> UpsertParamTypes(const FeatureGroup& group) {
  std::vector<Oid> types;
  for (const Column& column : group.key) types.push_back(PgTypeOid(column.type));
  types.push_back(kPgInt8Oid);
  for (const Column& column : group.features) types.push_back(PgTypeOid(column.type));
  return types;
}

Status CheckColumnType(const PGresult* result, int column, ValueType type) {
  const Oid actual = PQftype(result, column);
  if (actual == PgTypeOid(type)) return Status::Ok();
  return Status::InvalidArgument("column " + std::string(PQfname(result, column)) +
                                 " has PostgreSQL type OID " + std::to_string(actual) +
                                 ", not the type of " + std::string(ValueTypeName(type)));
}

Value DecodeValue(const PGresult* result, int row, int column, ValueType type) {
  if (PQgetisnull(result, row, column)) return std::monostate{};
  const char* data = PQgetvalue(result, row, column);
  switch (type) {
    case ValueType::kInt64:
      return static_cast<int64_t>(ReadBigEndian64(data));
    case ValueType::kDouble:
      return std::bit_cast<double>(ReadBigEndian64(data));
    case ValueType::kString:
      return std::string(data, static_cast<size_t>(PQgetlength(result, row, column)));
  }
  return std::monostate{};
}

}  // namespace rtml::features
