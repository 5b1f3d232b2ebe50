/* tap_reader.cc -- one thread reads every TAP device of a run (tap_reader.h). */
#include "tap_reader.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <ns3/simulator.h>

using namespace ns3;

namespace edgesim
{

namespace
{

/* The largest frame a TAP hands over without IFF_VNET_HDR (no offloads): MTU 9000 and the
 * Ethernet and VLAN headers, with room to spare. */
constexpr size_t FRAME_MAX = 16384;

using Batch = std::vector<std::pair<TapPort *, std::vector<uint8_t>>>;

/* In the simulator thread: each frame of a batch to its port, in the order read. */
void
deliver_batch(const std::shared_ptr<Batch> &b)
{
    for (auto &f : *b)
        f.first->receive(f.second.data(), f.second.size());
}

} // namespace

TapReader::~TapReader()
{
    stop();
}

void
TapReader::add(TapPort *port)
{
    ports_.push_back(port);
}

bool
TapReader::start(std::string &why)
{
    struct epoll_event ev = {};

    if ((epfd_ = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
        (stopfd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        why = std::string("cannot make the TAP reader's epoll and eventfd: ") + strerror(errno);
        stop();
        return false;
    }
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr; /* the eventfd */
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, stopfd_, &ev) < 0) {
        why = std::string("cannot watch the TAP reader's eventfd: ") + strerror(errno);
        stop();
        return false;
    }
    for (TapPort *p : ports_) {
        int fl = fcntl(p->fd(), F_GETFL);
        ev.data.ptr = p;
        if (fl < 0 || fcntl(p->fd(), F_SETFL, fl | O_NONBLOCK) < 0 ||
            epoll_ctl(epfd_, EPOLL_CTL_ADD, p->fd(), &ev) < 0) {
            why = "cannot watch TAP fd " + std::to_string(p->fd()) + ": " + strerror(errno);
            stop();
            return false;
        }
    }
    thread_ = std::thread(&TapReader::run, this);
    return true;
}

void
TapReader::stop()
{
    if (thread_.joinable()) {
        uint64_t one = 1;
        if (write(stopfd_, &one, sizeof one) != (ssize_t)sizeof one)
            abort(); /* an eventfd write fails only on overflow, or if stopfd_ is wrong */
        thread_.join();
    }
    if (epfd_ >= 0)
        close(epfd_);
    if (stopfd_ >= 0)
        close(stopfd_);
    epfd_ = stopfd_ = -1;
}

/* Up to READ_BURST frames of one TAP into batch. A TAP that fails (its device gone with its
 * namespace) is no longer watched: level-triggered, it would wake the thread for ever. */
void
TapReader::read_port(TapPort *port, Batch &batch)
{
    uint8_t buf[FRAME_MAX];

    for (int i = 0; i < READ_BURST; i++) {
        ssize_t n = read(port->fd(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            (void)epoll_ctl(epfd_, EPOLL_CTL_DEL, port->fd(), nullptr);
            return;
        }
        batch.emplace_back(port, std::vector<uint8_t>(buf, buf + n));
    }
}

void
TapReader::run()
{
    struct epoll_event evs[64];

    for (;;) {
        int n = epoll_wait(epfd_, evs, 64, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return;
        auto batch = std::make_shared<Batch>();
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == nullptr)
                return; /* stop() */
            read_port(static_cast<TapPort *>(evs[i].data.ptr), *batch);
        }
        if (!batch->empty())
            Simulator::ScheduleWithContext(Simulator::NO_CONTEXT, Time(0),
                                           [batch]() { deliver_batch(batch); });
    }
}

} // namespace edgesim
