// Ctrl-C and SIGTERM as a request to stop: long-running commands poll
// StopRequested() and finish cleanly (flush, commit, close) instead of dying.
#pragma once

namespace rtml::cli {

// Installs SIGINT and SIGTERM handlers that only record the request. They are
// installed without SA_RESTART, so a blocking read() returns EINTR. Also ignores
// SIGPIPE, so writing to a closed pipe is an EPIPE error rather than death.
void InstallStopHandlers();

// True once SIGINT or SIGTERM arrived after InstallStopHandlers().
bool StopRequested();

}  // namespace rtml::cli
