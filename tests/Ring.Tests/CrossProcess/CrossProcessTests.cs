using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>Real child processes (RingIpc.Peer) produce and consume through a named ring.</summary>
[Collection(nameof(ProcessHeavy))]
public class CrossProcessTests
{
    [Fact]
    public void Ten_million_messages_between_two_processes_arrive_intact_and_in_order()
    {
        using var name = new TempName("spsc-xproc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Spsc, Capacity = 256 * 1024 });
        PeerExchange.Run(name, 10_000_000, new PeerSpec("consume"), new PeerSpec("produce"));
    }

    [Fact]
    public void Three_producer_processes_keep_their_order_and_exact_totals()
    {
        using var name = new TempName("mpsc-xproc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 64 * 1024 });
        PeerExchange.Run(name, 1_000_000, new PeerSpec("consume"), new PeerSpec("produce"), new PeerSpec("produce"), new PeerSpec("produce"));
    }
}
