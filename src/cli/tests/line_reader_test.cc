#include "line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "testing.h"

namespace rtml::cli {
namespace {

struct Line {
  int64_t number;
  std::string text;
  bool operator==(const Line&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Line& line) {
  return os << line.number << ":" << line.text;
}

std::vector<Line> ReadAll(const std::string& content, bool keep_all) {
  rtml::testing::TempDir dir;
  const std::string path = dir.str() + "/input";
  std::ofstream(path, std::ios::binary) << content;
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  LineReader reader(fd, keep_all);
  std::vector<Line> lines;
  std::vector<std::string_view> views;
  for (;;) {
    std::string_view line;
    Result<bool> more = reader.Next(&line);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    lines.push_back({reader.line_number(), std::string(line)});
    views.push_back(line);
  }
  if (keep_all) {
    // Every view is still valid and unchanged.
    for (size_t i = 0; i < views.size(); ++i) EXPECT_EQ(views[i], lines[i].text);
  }
  ::close(fd);
  return lines;
}

TEST(LineReaderTest, SplitsAndNumbersLines) {
  for (const bool keep_all : {false, true}) {
    EXPECT_EQ(ReadAll("a\n\nb\r\nc", keep_all),
              (std::vector<Line>{{1, "a"}, {2, ""}, {3, "b"}, {4, "c"}}));
    EXPECT_EQ(ReadAll("a\n", keep_all), (std::vector<Line>{{1, "a"}}));
    EXPECT_EQ(ReadAll("", keep_all), std::vector<Line>{});
    EXPECT_EQ(ReadAll("\n", keep_all), (std::vector<Line>{{1, ""}}));
  }
}

TEST(LineReaderTest, LinesLongerThanAReadChunk) {
  const std::string long_line(3 * 1024 * 1024 + 17, 'x');
  for (const bool keep_all : {false, true}) {
    const std::vector<Line> lines = ReadAll("first\n" + long_line + "\nlast\n", keep_all);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], (Line{1, "first"}));
    EXPECT_EQ(lines[1].text.size(), long_line.size());
    EXPECT_EQ(lines[1].number, 2);
    EXPECT_EQ(lines[2], (Line{3, "last"}));
  }
}

TEST(LineReaderTest, ManyLinesAcrossChunks) {
  std::string content;
  for (int i = 0; i < 200'000; ++i) content += "line " + std::to_string(i) + "\n";
  for (const bool keep_all : {false, true}) {
    const std::vector<Line> lines = ReadAll(content, keep_all);
    ASSERT_EQ(lines.size(), 200'000u);
    for (int i = 0; i < 200'000; i += 9973) {
      EXPECT_EQ(lines[static_cast<size_t>(i)], (Line{i + 1, "line " + std::to_string(i)}));
    }
  }
}

TEST(LineReaderTest, ReadsFromAPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string content = "x\ny\n";
  ASSERT_EQ(::write(fds[1], content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fds[1]);
  LineReader reader(fds[0], false);
  std::string_view line;
  ASSERT_TRUE(*reader.Next(&line));
  EXPECT_EQ(line, "x");
  ASSERT_TRUE(*reader.Next(&line));
  EXPECT_EQ(line, "y");
  EXPECT_FALSE(*reader.Next(&line));
  ::close(fds[0]);
}

TEST(LineReaderTest, ReadErrorsAreReported) {
  LineReader reader(-1, false);
  std::string_view line;
  Result<bool> more = reader.Next(&line);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace rtml::cli
