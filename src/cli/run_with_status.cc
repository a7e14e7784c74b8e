#include "run_with_status.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "stop_signal.h"

namespace rtml::cli {

Status RunWithStatus(const BackgroundWork& work) {
  Status result;
  std::atomic<bool> finished{false};
  std::thread runner([&] {
    result = work.run();
    finished.store(true);
  });
  StatusLine status_line;
  bool stop_sent = false;
  while (!finished.load()) {
    if (!stop_sent && StopRequested()) {
      work.stop();
      stop_sent = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (status_line.DueNow()) status_line.Show(work.status(status_line));
  }
  runner.join();
  status_line.Clear();
  return result;
}

}  // namespace rtml::cli
