using System;
using System.Globalization;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>
/// A real 32-bit process (the net472 peer under Mono i386) and 64-bit processes share one ring: the
/// format has no pointer-sized field and 64-bit positions stay untorn in the 32-bit process
/// (DESIGN.md §3). A torn head, tail or CAS would lose, duplicate or corrupt messages here.
/// </summary>
public class CrossBitnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string PeerTimeoutSeconds = "170";

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_32_bit_producer_feeds_a_64_bit_consumer(RingKind kind)
    {
        const long Count = 1_000_000;
        using var name = new TempName("x32-produce");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 16 * 1024 });
        using var consumer = PeerProcess.Start("consume", name, "1", Invariant(Count), PeerTimeoutSeconds);
        using var producer = PeerProcess.Start32("produce", name, "0", Invariant(Count), PeerTimeoutSeconds);
        producer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {Count} messages", consumer.WaitForSuccess(Timeout));
    }

    [Fact]
    public void A_64_bit_producer_feeds_a_32_bit_consumer_that_created_nothing()
    {
        const long Count = 1_000_000;
        using var name = new TempName("x32-consume");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Spsc, Capacity = 16 * 1024 });
        using var consumer = PeerProcess.Start32("consume", name, "1", Invariant(Count), PeerTimeoutSeconds);
        using var producer = PeerProcess.Start("produce", name, "0", Invariant(Count), PeerTimeoutSeconds);
        producer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {Count} messages", consumer.WaitForSuccess(Timeout));
    }

    [Fact]
    public void Producers_of_both_bitnesses_share_an_mpsc_ring()
    {
        const long PerProducer = 500_000;
        using var name = new TempName("x32-mpsc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 16 * 1024 });
        using var consumer = PeerProcess.Start("consume", name, "2", Invariant(PerProducer), PeerTimeoutSeconds);
        using var p32 = PeerProcess.Start32("produce", name, "0", Invariant(PerProducer), PeerTimeoutSeconds);
        using var p64 = PeerProcess.Start("produce", name, "1", Invariant(PerProducer), PeerTimeoutSeconds);
        p32.WaitForSuccess(Timeout);
        p64.WaitForSuccess(Timeout);
        Assert.Contains($"verified {2 * PerProducer} messages from 2 producers", consumer.WaitForSuccess(Timeout));
    }

    [Fact]
    public void A_32_bit_blocking_consumer_sleeps_and_wakes_on_the_futex()
    {
        const long Count = 200_000;
        using var name = new TempName("x32-futex-consume");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 16 * 1024 });
        using var consumer = PeerProcess.Start32("consume-blocking", name, "1", Invariant(Count), "30", "block");
        consumer.WaitForOutput("attached", Timeout);
        using var producer = PeerProcess.Start("produce-blocking", name, "0", Invariant(Count), "30");
        string produced = producer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {Count} messages", consumer.WaitForSuccess(Timeout));
        Assert.Matches(@"wakes=[1-9]", produced); // the 32-bit consumer really slept on the futex
    }

    [Fact]
    public void A_32_bit_blocking_producer_sleeps_and_wakes_on_the_futex()
    {
        const long Count = 200_000;
        using var name = new TempName("x32-futex-produce");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var consumer = PeerProcess.Start("consume-blocking", name, "1", Invariant(Count), "30", "block");
        consumer.WaitForOutput("attached", Timeout);
        using var producer = PeerProcess.Start32("produce-blocking", name, "0", Invariant(Count), "30");
        producer.WaitForSuccess(Timeout);
        Assert.Contains($"verified {Count} messages", consumer.WaitForSuccess(Timeout));
    }

    [Fact]
    public void The_32_bit_peer_really_is_32_bit()
    {
        using var peer = PeerProcess.Start32("bitness", "-", "0", "0", "10");
        Assert.Contains("IntPtr.Size=4", peer.WaitForSuccess(Timeout));
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
