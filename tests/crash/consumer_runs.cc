#include "consumer_runs.h"

#include <algorithm>
#include <charconv>

#include "file_util.h"
#include "rtml/stream/consumer.h"

namespace rtml::crash {
namespace {

bool ParseInt(std::string_view text, int64_t* value) {
  const auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return err == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> parts;
  for (size_t at; (at = line.find(sep)) != std::string_view::npos; line.remove_prefix(at + 1)) {
    parts.push_back(line.substr(0, at));
  }
  parts.push_back(line);
  return parts;
}

// "<p>:<position>" words into positions by partition; false if malformed.
bool ParsePositions(const std::vector<std::string_view>& words, size_t first, int32_t partitions,
                    std::vector<int64_t>* positions) {
  positions->assign(static_cast<size_t>(partitions), stream::kNoOffset);
  for (size_t i = first; i < words.size(); ++i) {
    const auto pair = Split(words[i], ':');
    int64_t p = 0, position = 0;
    if (pair.size() != 2 || !ParseInt(pair[0], &p) || !ParseInt(pair[1], &position) || p < 0 ||
        p >= partitions) {
      return false;
    }
    (*positions)[static_cast<size_t>(p)] = position;
  }
  return true;
}

}  // namespace

Result<std::vector<int64_t>> ReadCommitted(const std::filesystem::path& dir,
                                           const std::string& group, const std::string& topic,
                                           int32_t partitions) {
  std::vector<int64_t> committed;
  for (int32_t p = 0; p < partitions; ++p) {
    const auto path = dir / "groups" / group / topic / (std::to_string(p) + ".offset");
    auto text = stream::file::ReadWholeFile(path);
    int64_t offset = stream::kNoOffset;
    if (text.ok()) {
      std::string_view content = *text;
      if (content.ends_with('\n')) content.remove_suffix(1);
      if (!ParseInt(content, &offset))
        return Status::Corruption(path.string() + ": '" + *text + "'");
    } else if (text.status().code() != StatusCode::kNotFound) {
      return text.status();
    }
    committed.push_back(offset);
  }
  return committed;
}

Status ParseConsumerOutput(std::string_view text, std::vector<ConsumerRun>& runs) {
  ConsumerRun* run = nullptr;
  const int32_t partitions =
      runs.empty() ? 0 : static_cast<int32_t>(runs[0].committed_before.size());
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t eol = text.find('\n');
    if (eol == std::string_view::npos) {
      return Status::Corruption("output line " + std::to_string(line_number) + " is cut off");
    }
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    const auto words = Split(line, ' ');
    const auto malformed = [&] {
      return Status::Corruption("output line " + std::to_string(line_number) + ": '" +
                                std::string(line) + "'");
    };
    if (words[0] == "start") {
      int64_t id = 0;
      if (words.size() < 2 || !words[1].starts_with("run=") || !ParseInt(words[1].substr(4), &id) ||
          id < 0 || static_cast<size_t>(id) >= runs.size() ||
          runs[static_cast<size_t>(id)].started) {
        return malformed();
      }
      run = &runs[static_cast<size_t>(id)];
      run->started = true;
      if (!ParsePositions(words, 2, partitions, &run->start)) return malformed();
      continue;
    }
    int64_t p = 0, offset = 0;
    if (run == nullptr || words.size() != 3 || !ParseInt(words[0], &p) ||
        !ParseInt(words[1], &offset)) {
      return malformed();
    }
    run->processed.push_back({static_cast<int32_t>(p), offset, std::string(words[2])});
  }
  return Status::Ok();
}

std::vector<std::vector<int64_t>> ParseCommitLines(std::string_view text, int32_t partitions) {
  std::vector<std::vector<int64_t>> commits;
  while (true) {
    const size_t eol = text.find('\n');
    if (eol == std::string_view::npos) break;  // a line cut by the kill says nothing
    const auto words = Split(text.substr(0, eol), ' ');
    text.remove_prefix(eol + 1);
    std::vector<int64_t> positions;
    if (words[0] == "commit" && ParsePositions(words, 1, partitions, &positions)) {
      commits.push_back(std::move(positions));
    }
  }
  return commits;
}

std::vector<std::string> CheckConsumerRuns(const CrashLog& log,
                                           const std::vector<ConsumerRun>& runs,
                                           const std::vector<int64_t>& final_committed,
                                           size_t* reprocessed) {
  std::vector<std::string> bad;
  const size_t partitions = log.seqs.size();
  std::vector<std::vector<bool>> seen(partitions);
  for (size_t p = 0; p < partitions; ++p) seen[p].assign(log.seqs[p].size(), false);
  *reprocessed = 0;

  for (size_t k = 0; k < runs.size(); ++k) {
    const ConsumerRun& run = runs[k];
    const std::string name = "consumer run " + std::to_string(k);
    const std::vector<int64_t>& after =
        k + 1 < runs.size() ? runs[k + 1].committed_before : final_committed;
    std::vector<int64_t> last(partitions, -1);  // last offset processed, by partition
    for (size_t p = 0; p < partitions; ++p) {
      const std::string where = name + ", partition " + std::to_string(p);
      const int64_t before = run.committed_before[p];
      if (after[p] < before) {
        bad.push_back(where + ": committed offset moved back from " + std::to_string(before) +
                      " to " + std::to_string(after[p]));
      }
      if (run.started && run.start[p] != std::max<int64_t>(before, 0)) {
        bad.push_back(where + ": started at " + std::to_string(run.start[p]) +
                      ", the committed offset was " + std::to_string(before));
      }
      int64_t previous = before;
      for (const auto& commit : run.commits) {
        if (commit[p] < previous) {
          bad.push_back(where + ": commit " + std::to_string(commit[p]) + " after " +
                        std::to_string(previous));
        }
        previous = std::max(previous, commit[p]);
      }
      if (after[p] < previous) {
        bad.push_back(where + ": reported commit " + std::to_string(previous) +
                      " but the group holds " + std::to_string(after[p]));
      }
    }
    for (const ConsumerRun::Processed& r : run.processed) {
      const auto p = static_cast<size_t>(r.partition);
      const std::string where =
          name + ", partition " + std::to_string(p) + " offset " + std::to_string(r.offset);
      const int64_t expected = last[p] < 0 ? run.start[p] : last[p] + 1;
      if (r.offset != expected) {
        bad.push_back(where + ": processed after offset " + std::to_string(expected - 1));
      }
      last[p] = r.offset;
      if (r.offset < 0 || static_cast<size_t>(r.offset) >= log.seqs[p].size()) {
        bad.push_back(where + ": not in the log");
        continue;
      }
      const std::string want = "seq=" + std::to_string(log.seqs[p][static_cast<size_t>(r.offset)]);
      if (r.value != want) bad.push_back(where + ": value " + r.value + ", the log has " + want);
      if (seen[p][static_cast<size_t>(r.offset)]) ++*reprocessed;
      seen[p][static_cast<size_t>(r.offset)] = true;
    }
    for (size_t p = 0; p < partitions; ++p) {
      // A commit beyond what this run processed would skip records.
      const int64_t limit =
          last[p] < 0 ? std::max<int64_t>(run.committed_before[p], 0) : last[p] + 1;
      if (after[p] > limit) {
        bad.push_back(name + ", partition " + std::to_string(p) + ": committed " +
                      std::to_string(after[p]) + " but processed only up to " +
                      std::to_string(limit - 1));
      }
    }
    if (!run.started && run.committed_before != after) {
      bad.push_back(name + ": never started, yet the committed offsets changed");
    }
  }
  for (size_t p = 0; p < partitions; ++p) {
    const auto missing = std::find(seen[p].begin(), seen[p].end(), false);
    if (missing != seen[p].end()) {
      bad.push_back("partition " + std::to_string(p) + " offset " +
                    std::to_string(missing - seen[p].begin()) + " was never processed");
    }
    if (final_committed[p] != static_cast<int64_t>(log.seqs[p].size())) {
      bad.push_back("partition " + std::to_string(p) + ": final commit " +
                    std::to_string(final_committed[p]) + ", the log ends at " +
                    std::to_string(log.seqs[p].size()));
    }
  }
  return bad;
}

}  // namespace rtml::crash
