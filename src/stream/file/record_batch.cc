#include "record_batch.h"

#include <algorithm>
#include <cstring>

#include "rtml/core/crc32c.h"

namespace rtml::stream::file {
namespace {

void PutFixed32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
void PutFixed64(char* p, int64_t v) { std::memcpy(p, &v, 8); }
uint32_t GetFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
int64_t GetFixed64(const char* p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void PutVarint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Reads a varint from [*p, end); false if it runs past `end` or over 10 bytes.
bool GetVarint(const char** p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    const auto byte = static_cast<uint8_t>(*(*p)++);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetBytes(const char** p, const char* end, uint64_t len, std::string_view* out) {
  if (len > static_cast<uint64_t>(end - *p)) return false;
  *out = std::string_view(*p, len);
  *p += len;
  return true;
}

}  // namespace

BatchBuilder::BatchBuilder() { buffer_.reserve(256 << 10); }

void BatchBuilder::Reset(int64_t base_offset) {
  buffer_.assign(kBatchHeaderSize, '\0');
  base_offset_ = base_offset;
  count_ = 0;
}

void BatchBuilder::Add(const OutgoingRecord& record, int64_t timestamp_ms) {
  if (count_ == 0) {
    base_timestamp_ = timestamp_ms;
    max_timestamp_ = timestamp_ms;
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  PutVarint(buffer_, ZigZag(timestamp_ms - base_timestamp_));
  if (record.key.has_value()) {
    PutVarint(buffer_, record.key->size() + 1);
    buffer_.append(*record.key);
  } else {
    PutVarint(buffer_, 0);
  }
  PutVarint(buffer_, record.value.size());
  buffer_.append(record.value);
  PutVarint(buffer_, record.headers.size());
  for (const HeaderView& h : record.headers) {
    PutVarint(buffer_, h.key.size());
    buffer_.append(h.key);
    PutVarint(buffer_, h.value.size());
    buffer_.append(h.value);
  }
  ++count_;
}

size_t BatchBuilder::EncodedSize(const OutgoingRecord& record) {
  size_t n = 10 + VarintSize(record.value.size()) + record.value.size() +
             VarintSize(record.headers.size());
  if (record.key.has_value())
    n += VarintSize(record.key->size() + 1) + record.key->size();
  else
    n += 1;
  for (const HeaderView& h : record.headers) {
    n += VarintSize(h.key.size()) + h.key.size() + VarintSize(h.value.size()) + h.value.size();
  }
  return n;
}

std::string_view BatchBuilder::Finish() {
  char* h = buffer_.data();
  PutFixed32(h, kBatchMagic);
  PutFixed32(h + 4, static_cast<uint32_t>(buffer_.size()));
  PutFixed32(h + 12, count_);
  PutFixed64(h + 16, base_offset_);
  PutFixed64(h + 24, base_timestamp_);
  PutFixed64(h + 32, max_timestamp_);
  PutFixed32(h + 8, crc32c::Value(h + 12, buffer_.size() - 12));
  return buffer_;
}

Result<BatchHeader> DecodeBatchHeader(std::string_view bytes) {
  if (bytes.size() < kBatchHeaderSize) return Status::Corruption("truncated batch header");
  const char* p = bytes.data();
  if (GetFixed32(p) != kBatchMagic) return Status::Corruption("bad batch magic");
  BatchHeader h;
  h.length = GetFixed32(p + 4);
  h.crc = GetFixed32(p + 8);
  h.record_count = GetFixed32(p + 12);
  h.base_offset = GetFixed64(p + 16);
  h.base_timestamp = GetFixed64(p + 24);
  h.max_timestamp = GetFixed64(p + 32);
  if (h.length < kBatchHeaderSize || h.length > kMaxBatchBytes) {
    return Status::Corruption("impossible batch length " + std::to_string(h.length));
  }
  return h;
}

bool BatchChecksumMatches(const BatchHeader& header, std::string_view bytes) {
  return bytes.size() == header.length &&
         crc32c::Value(bytes.data() + 12, bytes.size() - 12) == header.crc;
}

Status DecodeRecords(const BatchHeader& header, std::string_view batch,
                     std::vector<ConsumedRecord>& records, std::vector<HeaderRange>& header_ranges,
                     std::vector<HeaderView>& headers) {
  const char* p = batch.data() + kBatchHeaderSize;
  const char* end = batch.data() + batch.size();
  const size_t first_record = records.size();
  const size_t first_header = headers.size();
  for (uint32_t i = 0; i < header.record_count; ++i) {
    ConsumedRecord r;
    r.offset = header.base_offset + i;
    uint64_t ts_delta, key_len, value_len, header_count;
    std::string_view key, value;
    bool ok = GetVarint(&p, end, &ts_delta) && GetVarint(&p, end, &key_len) &&
              (key_len == 0 || GetBytes(&p, end, key_len - 1, &key)) &&
              GetVarint(&p, end, &value_len) && GetBytes(&p, end, value_len, &value) &&
              GetVarint(&p, end, &header_count) && header_count <= static_cast<uint64_t>(end - p);
    HeaderRange range{static_cast<uint32_t>(headers.size()), 0};
    for (uint64_t k = 0; ok && k < header_count; ++k) {
      uint64_t hk_len, hv_len;
      HeaderView hv;
      ok = GetVarint(&p, end, &hk_len) && GetBytes(&p, end, hk_len, &hv.key) &&
           GetVarint(&p, end, &hv_len) && GetBytes(&p, end, hv_len, &hv.value);
      if (ok) headers.push_back(hv);
    }
    if (!ok) {
      // A batch whose CRC matched but does not decode was written by a bug, not a
      // crash; drop everything of it rather than hand out part of it.
      records.resize(first_record);
      header_ranges.resize(first_record);
      headers.resize(first_header);
      return Status::Corruption("malformed record " + std::to_string(i) + " in batch at offset " +
                                std::to_string(header.base_offset));
    }
    r.timestamp_ms = header.base_timestamp + UnZigZag(ts_delta);
    if (key_len > 0) r.key = key;
    r.value = value;
    range.count = static_cast<uint32_t>(header_count);
    records.push_back(r);
    header_ranges.push_back(range);
  }
  return Status::Ok();
}

}  // namespace rtml::stream::file
