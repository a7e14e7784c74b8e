// Internal helpers shared by the Beast/Asio adapter files of rtml_ingest_net. Only .cc
// files of this folder include it: Asio stays out of the public headers.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

namespace rtml::ingest::net::internal {

using Clock = std::chrono::steady_clock;

// Runs handlers of `ioc` on this thread until `done` becomes true (set by a handler)
// or `deadline` passes; false on the deadline. Handlers that are already runnable
// are run even when the deadline is now, so a zero timeout still sees data that has
// arrived. The operation that sets `done` stays pending after a false return.
inline bool RunUntil(boost::asio::io_context& ioc, const bool& done, Clock::time_point deadline) {
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    if (ioc.poll() > 0) continue;
    if (done) break;
    if (Clock::now() >= deadline) return false;
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_until(deadline);
  }
  return true;
}

}  // namespace rtml::ingest::net::internal
