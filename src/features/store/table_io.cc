// Label files in, training sets out (training_set.h): CSV and JSON lines.
#include <charconv>
#include <cmath>
#include <map>
#include <ostream>

#include <simdjson.h>

#include "rtml/core/csv_row.h"
#include "rtml/core/gz_line_reader.h"
#include "rtml/core/json_writer.h"
#include "rtml/features/training_set.h"

namespace rtml::features {
namespace {

// A cell as read: its text, and whether the file said it is a string (JSON).
struct Cell {
  std::string text;
  bool is_string = false;
  bool is_null = false;
};

struct RawTable {
  std::vector<std::string> names;
  std::vector<std::vector<Cell>> rows;
  std::vector<int64_t> lines;  // the file line of each row, for errors
};

bool IsInteger(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool IsNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

ValueType InferType(const RawTable& raw, size_t column) {
  bool integers = true;
  bool numbers = true;
  for (const std::vector<Cell>& row : raw.rows) {
    const Cell& cell = row[column];
    if (cell.is_null) continue;
    integers = integers && !cell.is_string && IsInteger(cell.text);
    numbers = numbers && !cell.is_string && IsNumber(cell.text);
  }
  return integers ? ValueType::kInt64 : numbers ? ValueType::kDouble : ValueType::kString;
}

Result<Value> Typed(const Cell& cell, ValueType type) {
  if (cell.is_null) return Value();
  switch (type) {
    case ValueType::kString:
      return Value(cell.text);
    case ValueType::kInt64: {
      int64_t value = 0;
      if (cell.is_string || !IsInteger(cell.text)) break;
      std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), value);
      return Value(value);
    }
    case ValueType::kDouble: {
      double value = 0;
      if (cell.is_string || !IsNumber(cell.text)) break;
      std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), value);
      return std::isfinite(value) ? Value(value) : Value();
    }
  }
  return Status::InvalidArgument("'" + cell.text + "' is not an " +
                                 std::string(ValueTypeName(type)));
}

Result<RawTable> ReadCsv(GzLineReader& reader, const std::string& path) {
  RawTable raw;
  std::string_view line;
  std::vector<std::string_view> fields;
  std::vector<std::string> unquoted;
  bool header = true;
  while (true) {
    RTML_ASSIGN_OR_RETURN(bool more, reader.Next(&line));
    if (!more) break;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(reader.line_number());
    if (!SplitCsvRow(line, &fields, &unquoted)) {
      return Status::InvalidArgument(where + ": not a CSV row (an unclosed quote?)");
    }
    if (header) {
      for (std::string_view field : fields) raw.names.emplace_back(field);
      header = false;
      continue;
    }
    if (fields.size() != raw.names.size()) {
      return Status::InvalidArgument(where + ": " + std::to_string(fields.size()) +
                                     " fields, the header has " + std::to_string(raw.names.size()));
    }
    std::vector<Cell>& row = raw.rows.emplace_back();
    for (std::string_view field : fields) row.push_back({std::string(field), false, field.empty()});
    raw.lines.push_back(reader.line_number());
  }
  if (header) return Status::InvalidArgument(path + ": empty (a CSV header was expected)");
  return raw;
}

Result<RawTable> ReadJsonLines(GzLineReader& reader, const std::string& path) {
  RawTable raw;
  std::map<std::string, size_t, std::less<>> index;
  simdjson::dom::parser parser;
  std::string_view line;
  while (true) {
    RTML_ASSIGN_OR_RETURN(bool more, reader.Next(&line));
    if (!more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = path + ":" + std::to_string(reader.line_number());
    const simdjson::padded_string padded(line);
    simdjson::dom::object object;
    if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
      return Status::InvalidArgument(where + ": not a JSON object");
    }
    std::vector<Cell>& row = raw.rows.emplace_back(raw.names.size(), Cell{"", false, true});
    raw.lines.push_back(reader.line_number());
    for (auto [key, element] : object) {
      auto found = index.find(key);
      if (found == index.end()) {
        found = index.emplace(std::string(key), raw.names.size()).first;
        raw.names.emplace_back(key);
        for (std::vector<Cell>& earlier : raw.rows)
          earlier.resize(raw.names.size(), Cell{"", false, true});
      }
      Cell& cell = row[found->second];
      std::string_view text;
      if (element.is_null()) continue;
      if (element.get_string().get(text) == simdjson::SUCCESS) {
        cell = {std::string(text), true, false};
      } else if (element.is_number()) {
        cell = {simdjson::minify(element), false, false};
      } else {
        return Status::InvalidArgument(where + ": field '" + std::string(key) +
                                       "' is not a number, string or null");
      }
    }
  }
  return raw;
}

void AppendCsvCell(const Value& value, std::string& out) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (s->find_first_of(",\"\n\r") == std::string::npos) {
      out += *s;
      return;
    }
    out += '"';
    for (char c : *s) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    json::AppendInt(out, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    json::AppendDouble(out, *d);
  }
}

void AppendJsonCell(const Value& value, std::string& out) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    json::AppendString(out, *s);
  } else if (std::holds_alternative<std::monostate>(value)) {
    out += "null";
  } else {
    AppendCsvCell(value, out);
  }
}

}  // namespace

Result<Table> ReadLabelsFile(const std::string& path, const TrainingSetOptions& options) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<GzLineReader> reader, GzLineReader::Open(path));
  const bool json = path.find(".json") != std::string::npos;
  RTML_ASSIGN_OR_RETURN(RawTable raw, json ? ReadJsonLines(*reader, path) : ReadCsv(*reader, path));
  // Declared types first: the time, then the groups' key columns.
  std::map<std::string, ValueType, std::less<>> declared{{options.time_column, ValueType::kInt64}};
  for (const FeatureGroup& group : options.groups) {
    for (const Column& key : group.key) declared.emplace(key.name, key.type);
  }
  Table table;
  for (size_t c = 0; c < raw.names.size(); ++c) {
    const auto found = declared.find(raw.names[c]);
    table.columns.push_back(
        {raw.names[c], found != declared.end() ? found->second : InferType(raw, c)});
  }
  table.rows.reserve(raw.rows.size());
  for (size_t r = 0; r < raw.rows.size(); ++r) {
    std::vector<Value>& row = table.rows.emplace_back();
    row.reserve(table.columns.size());
    for (size_t c = 0; c < table.columns.size(); ++c) {
      Result<Value> value = Typed(raw.rows[r][c], table.columns[c].type);
      if (!value.ok()) {
        return value.status().WithContext(path + ":" + std::to_string(raw.lines[r]) + ": column '" +
                                          table.columns[c].name + "'");
      }
      row.push_back(std::move(*value));
    }
  }
  return table;
}

Status WriteTable(const Table& table, TableFormat format, std::ostream& out) {
  std::string buffer;
  if (format == TableFormat::kCsv) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) buffer += ',';
      buffer += table.columns[c].name;
    }
    buffer += '\n';
  }
  for (const std::vector<Value>& row : table.rows) {
    if (format == TableFormat::kJsonLines) buffer += '{';
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) buffer += ',';
      if (format == TableFormat::kCsv) {
        AppendCsvCell(row[c], buffer);
      } else {
        json::AppendString(buffer, table.columns[c].name);
        buffer += ':';
        AppendJsonCell(row[c], buffer);
      }
    }
    buffer += format == TableFormat::kJsonLines ? "}\n" : "\n";
    if (buffer.size() > (1 << 16)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.flush();
  if (!out) return Status::IOError("cannot write the table");
  return Status::Ok();
}

}  // namespace rtml::features
