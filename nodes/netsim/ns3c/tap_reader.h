/* tap_reader.h -- one thread reads every TAP device of a run and hands the frames to ns-3.
 *
 * The thread waits in epoll on all TAP fds and an eventfd that stops it. Each wake-up reads what
 * has arrived (at most READ_BURST frames per TAP, so one busy namespace cannot starve the others;
 * epoll is level-triggered and comes back for the rest) and hands the whole batch to the
 * simulator thread as one event, Simulator::ScheduleWithContext being the one thread-safe entry
 * of RealtimeSimulatorImpl. A batch costs the simulator one wake-up, where ns-3's FdReader woke it
 * once per frame from a thread per device. The thread touches no ns-3 object: ports are passed as
 * plain pointers (ns-3's reference counts are not atomic) and live until Simulator::Destroy(),
 * after stop(). */
#ifndef EDGESIM_NS3C_TAP_READER_H
#define EDGESIM_NS3C_TAP_READER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tap_port.h"

namespace edgesim
{

class TapReader
{
  public:
    TapReader() = default;
    TapReader(const TapReader &) = delete;
    TapReader &operator=(const TapReader &) = delete;
    ~TapReader();

    /* Before start: port's fd is read from then on (made non-blocking). */
    void add(TapPort *port);
    /* Start the thread; false with why. */
    bool start(std::string &why);
    /* Stop the thread and wait for it; frames already handed over stay with the simulator. */
    void stop();

  private:
    static constexpr int READ_BURST = 64;

    void run();
    void read_port(TapPort *port, std::vector<std::pair<TapPort *, std::vector<uint8_t>>> &batch);

    std::vector<TapPort *> ports_;
    int epfd_ = -1, stopfd_ = -1;
    std::thread thread_;
};

} // namespace edgesim

#endif
