/* tap_port.cc -- the ns-3 device of a TAP bridge (tap_port.h). */
#include "tap_port.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include <ns3/ethernet-header.h>
#include <ns3/llc-snap-header.h>

using namespace ns3;

namespace edgesim
{

NS_OBJECT_ENSURE_REGISTERED(TapPort);

TypeId
TapPort::GetTypeId()
{
    static TypeId tid = TypeId("edgesim::TapPort")
                            .SetParent<NetDevice>()
                            .SetGroupName("edgesim")
                            .AddConstructor<TapPort>();
    return tid;
}

void
TapPort::set_fd(int fd)
{
    fd_ = fd;
}

void
TapPort::DoDispose()
{
    if (fd_ >= 0)
        close(fd_);
    fd_ = -1;
    node_ = nullptr;
    rx_ = MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address &>();
    promisc_rx_ = MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t,
                                   const Address &, const Address &, PacketType>();
    before_write_ = nullptr;
    NetDevice::DoDispose();
}

/* As FdNetDevice::ForwardUp in DIX mode: the Ethernet header off, the frame's kind from its
 * destination, then the bridge (promiscuous) and the node (ours, broadcast, multicast). */
void
TapPort::receive(const uint8_t *frame, size_t len)
{
    EthernetHeader eth(false);

    if (len < eth.GetSerializedSize() || node_ == nullptr)
        return; /* not Ethernet: nothing a bridge could pass on */
    Ptr<Packet> p = Create<Packet>(frame, (uint32_t)len);
    p->RemoveHeader(eth);
    uint16_t protocol = eth.GetLengthType();
    if (protocol <= 1500) { /* a length: IEEE 802.3 with LLC/SNAP */
        LlcSnapHeader llc;
        if (p->GetSize() < llc.GetSerializedSize())
            return;
        p->RemoveHeader(llc);
        protocol = llc.GetType();
    }
    Mac48Address to = eth.GetDestination(), from = eth.GetSource();
    PacketType type = to.IsBroadcast() ? PACKET_BROADCAST
                      : to.IsGroup()   ? PACKET_MULTICAST
                      : to == address_ ? PACKET_HOST
                                       : PACKET_OTHERHOST;
    if (!promisc_rx_.IsNull())
        promisc_rx_(this, p, protocol, from, to, type);
    if (type != PACKET_OTHERHOST && !rx_.IsNull())
        rx_(this, p, protocol, from);
}

bool
TapPort::SendFrom(Ptr<Packet> packet, const Address &source, const Address &dest, uint16_t protocol)
{
    EthernetHeader eth(false);

    if (fd_ < 0 || packet->GetSize() > mtu_)
        return false; /* longer than the MTU: not sent, as FdNetDevice refused it */
    eth.SetSource(Mac48Address::ConvertFrom(source));
    eth.SetDestination(Mac48Address::ConvertFrom(dest));
    eth.SetLengthType(protocol);
    packet->AddHeader(eth);
    std::vector<uint8_t> buf(packet->GetSize());
    packet->CopyData(buf.data(), (uint32_t)buf.size());
    if (before_write_)
        before_write_();
    ssize_t n;
    do {
        n = write(fd_, buf.data(), buf.size());
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)buf.size();
}

bool
TapPort::Send(Ptr<Packet> packet, const Address &dest, uint16_t protocol)
{
    return SendFrom(packet, address_, dest, protocol);
}

void
TapPort::SetIfIndex(const uint32_t index)
{
    if_index_ = index;
}

uint32_t
TapPort::GetIfIndex() const
{
    return if_index_;
}

Ptr<Channel>
TapPort::GetChannel() const
{
    return nullptr; /* the namespace's side is the kernel's, not a channel of ns-3 */
}

void
TapPort::SetAddress(Address address)
{
    address_ = Mac48Address::ConvertFrom(address);
}

Address
TapPort::GetAddress() const
{
    return address_;
}

bool
TapPort::SetMtu(const uint16_t mtu)
{
    mtu_ = mtu;
    return true;
}

uint16_t
TapPort::GetMtu() const
{
    return mtu_;
}

bool
TapPort::IsLinkUp() const
{
    return true;
}

void
TapPort::AddLinkChangeCallback(Callback<void>)
{
    /* Always up: there is no change to report. */
}

bool
TapPort::IsBroadcast() const
{
    return true;
}

Address
TapPort::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
TapPort::IsMulticast() const
{
    return true;
}

Address
TapPort::GetMulticast(Ipv4Address group) const
{
    return Mac48Address::GetMulticast(group);
}

Address
TapPort::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
TapPort::IsBridge() const
{
    return false;
}

bool
TapPort::IsPointToPoint() const
{
    return false;
}

Ptr<Node>
TapPort::GetNode() const
{
    return node_;
}

void
TapPort::SetNode(Ptr<Node> node)
{
    node_ = node;
}

bool
TapPort::NeedsArp() const
{
    return true;
}

void
TapPort::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
    rx_ = cb;
}

void
TapPort::SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb)
{
    promisc_rx_ = cb;
}

bool
TapPort::SupportsSendFrom() const
{
    return true;
}

} // namespace edgesim
