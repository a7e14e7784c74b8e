// RunWithStatus: the shape of every long-running command (ingest, backfill): the
// work on a thread of its own, a live status line on this one, and Ctrl-C turned
// into a clean stop.
#pragma once

#include <functional>
#include <string>

#include "rtml/core/status.h"
#include "status_line.h"

namespace rtml::cli {

struct BackgroundWork {
  std::function<Status()> run;  // the work; returns when done or stopped
  std::function<void()> stop;   // asks `run` to return soon (from another thread)
  // The status line's text, shown when due (every half second on a terminal).
  std::function<std::string(StatusLine&)> status;
};

// Runs `work.run` on a new thread until it returns, showing `work.status` meanwhile;
// on SIGINT/SIGTERM (InstallStopHandlers() must have been called) calls `work.stop`
// once and keeps waiting. Clears the status line before returning what `run` did.
Status RunWithStatus(const BackgroundWork& work);

}  // namespace rtml::cli
