/* tap_port.h -- the ns-3 device of a TAP bridge: Ethernet frames between a simulated link and a
 * namespace's TAP device.
 *
 * A frame the bridge sends leaves with one write(2) to the TAP fd, after the hook that holds it
 * until its wall-clock time (ns3c.cc's ExitClock). A frame the namespace sent arrives through
 * TapReader, which reads every TAP of the run in one thread and hands the frames to the simulator
 * thread, where receive() passes each up as ns-3's FdNetDevice would (DIX Ethernet; LLC/SNAP
 * when the type field is a length). Why not FdNetDevice: its FdReader is a thread per device,
 * select()ing on the TAP fd and a pipe of its own, so descriptors had to stay below FD_SETSIZE
 * (about 330 TAP devices), and each frame woke a different thread. */
#ifndef EDGESIM_NS3C_TAP_PORT_H
#define EDGESIM_NS3C_TAP_PORT_H

#include <cstddef>
#include <cstdint>
#include <functional>

#include <ns3/channel.h>
#include <ns3/mac48-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/packet.h>

namespace edgesim
{

class TapPort : public ns3::NetDevice
{
  public:
    static ns3::TypeId GetTypeId();
    TapPort() = default;

    /* The TAP fd, which the port owns from now on (closed when it is disposed). */
    void set_fd(int fd);
    int fd() const
    {
        return fd_;
    }
    /* Run before each write: the wait for the frame's wall-clock time. */
    void set_before_write(std::function<void()> hook)
    {
        before_write_ = std::move(hook);
    }
    /* A frame read from the TAP (simulator thread). */
    void receive(const uint8_t *frame, size_t len);

    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    ns3::Ptr<ns3::Channel> GetChannel() const override;
    void SetAddress(ns3::Address address) override;
    ns3::Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(ns3::Callback<void> callback) override;
    bool IsBroadcast() const override;
    ns3::Address GetBroadcast() const override;
    bool IsMulticast() const override;
    ns3::Address GetMulticast(ns3::Ipv4Address group) const override;
    ns3::Address GetMulticast(ns3::Ipv6Address addr) const override;
    bool IsBridge() const override;
    bool IsPointToPoint() const override;
    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address &dest, uint16_t protocol) override;
    bool SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address &source,
                  const ns3::Address &dest, uint16_t protocol) override;
    ns3::Ptr<ns3::Node> GetNode() const override;
    void SetNode(ns3::Ptr<ns3::Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(ns3::NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(ns3::NetDevice::PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

  protected:
    void DoDispose() override;

  private:
    int fd_ = -1;
    uint16_t mtu_ = 1500;
    uint32_t if_index_ = 0;
    ns3::Mac48Address address_;
    ns3::Ptr<ns3::Node> node_;
    std::function<void()> before_write_;
    ns3::NetDevice::ReceiveCallback rx_;
    ns3::NetDevice::PromiscReceiveCallback promisc_rx_;
};

} // namespace edgesim

#endif
