using System;
using System.Globalization;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>Real child processes (RingIpc.Peer) produce and consume through a named ring.</summary>
public class CrossProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const int PeerTimeoutSeconds = 170;

    [Fact]
    public void Ten_million_messages_between_two_processes_arrive_intact_and_in_order()
    {
        const long Count = 10_000_000;
        using var name = new TempName("spsc-xproc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Spsc, Capacity = 256 * 1024 });
        using var consumer = PeerProcess.Start("consume", name, "1", Invariant(Count), Invariant(PeerTimeoutSeconds));
        using var producer = PeerProcess.Start("produce", name, "0", Invariant(Count), Invariant(PeerTimeoutSeconds));

        producer.WaitForSuccess(Timeout);
        string output = consumer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {Count} messages from 1 producers", output);
    }

    [Fact]
    public void Three_producer_processes_keep_their_order_and_exact_totals()
    {
        const long PerProducer = 1_000_000;
        using var name = new TempName("mpsc-xproc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 64 * 1024 });
        using var consumer = PeerProcess.Start("consume", name, "3", Invariant(PerProducer), Invariant(PeerTimeoutSeconds));
        using var p0 = PeerProcess.Start("produce", name, "0", Invariant(PerProducer), Invariant(PeerTimeoutSeconds));
        using var p1 = PeerProcess.Start("produce", name, "1", Invariant(PerProducer), Invariant(PeerTimeoutSeconds));
        using var p2 = PeerProcess.Start("produce", name, "2", Invariant(PerProducer), Invariant(PeerTimeoutSeconds));

        p0.WaitForSuccess(Timeout);
        p1.WaitForSuccess(Timeout);
        p2.WaitForSuccess(Timeout);
        string output = consumer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {3 * PerProducer} messages from 3 producers", output);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
