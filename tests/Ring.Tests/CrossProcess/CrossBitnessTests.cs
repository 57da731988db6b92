using System;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>
/// A real 32-bit process (the net472 peer under Mono i386) and 64-bit processes share one ring: the
/// format has no pointer-sized field and 64-bit positions stay untorn in the 32-bit process
/// (DESIGN.md §3). A torn head, tail or CAS would lose, duplicate or corrupt messages here.
/// </summary>
public class CrossBitnessTests
{
    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_32_bit_producer_feeds_a_64_bit_consumer(RingKind kind)
    {
        using var name = new TempName("x32-produce");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 16 * 1024 });
        PeerExchange.Run(name, 1_000_000, new PeerSpec("consume"), PeerSpec.Of32("produce"));
    }

    [Fact]
    public void A_64_bit_producer_feeds_a_32_bit_consumer()
    {
        using var name = new TempName("x32-consume");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 16 * 1024 });
        PeerExchange.Run(name, 1_000_000, PeerSpec.Of32("consume"), new PeerSpec("produce"));
    }

    [Fact]
    public void Producers_of_both_bitnesses_share_an_mpsc_ring()
    {
        using var name = new TempName("x32-mpsc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 16 * 1024 });
        PeerExchange.Run(name, 500_000, new PeerSpec("consume"), PeerSpec.Of32("produce"), new PeerSpec("produce"));
    }

    [Fact]
    public void A_32_bit_consumer_asleep_on_the_futex_is_woken_by_a_64_bit_write()
    {
        using var test = new TestRing("x32-futex-consume");
        test.Consumer.Dispose(); // the role goes to the 32-bit peer
        using var peer = PeerProcess.Start32("wait-one", test.Name, "60");
        peer.WaitForOutput("attached", PeerExchange.Timeout);
        Signaling.BlockingTests.WaitUntilAsleep(test.Ring, RingHeaderFields.Offsets.ConsumerWaiting);
        test.Producer.Write(new byte[] { 1 }, TimeSpan.FromSeconds(10));
        Assert.Contains("woken", peer.WaitForSuccess(PeerExchange.Timeout));
        Assert.Equal(1, test.Producer.WakeCalls);
    }

    [Fact]
    public void A_32_bit_producer_asleep_on_the_futex_is_woken_by_a_64_bit_read()
    {
        using var test = new TestRing("x32-futex-produce", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        Signaling.BlockingTests.FillUp(test.Producer);
        using var peer = PeerProcess.Start32("write-one", test.Name, "60");
        peer.WaitForOutput("attached", PeerExchange.Timeout);
        Signaling.BlockingTests.WaitUntilAsleep(test.Ring, RingHeaderFields.Offsets.ProducersWaiting);
        Assert.Equal(1, test.Consumer.Read((_, _) => { }, 1));
        Assert.Contains("written", peer.WaitForSuccess(PeerExchange.Timeout));
        Assert.Equal(1, test.Consumer.WakeCalls);
        int lastType = -1;
        Assert.Equal(32, test.Consumer.Read((type, _) => lastType = type));
        Assert.Equal(5, lastType);
    }

    [Fact]
    public void A_32_bit_blocking_consumer_gets_every_burst()
    {
        using var name = new TempName("x32-bursts");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 16 * 1024 });
        PeerExchange.Run(name, 200_000, PeerSpec.Of32("consume-blocking"), new PeerSpec("produce-blocking"));
    }

    [Fact]
    public void A_32_bit_blocking_producer_fills_a_slow_consumer()
    {
        using var name = new TempName("x32-slow");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        PeerExchange.Run(name, 200_000, new PeerSpec("consume-blocking", Extra: "slow"), PeerSpec.Of32("produce-blocking"));
    }

    [Fact]
    public void Shared_layouts_are_byte_identical_in_a_32_bit_and_a_64_bit_process()
    {
        using var peer32 = PeerProcess.Start32("layouts");
        using var peer64 = PeerProcess.Start("layouts");
        string[] lines32 = peer32.WaitForSuccess(PeerExchange.Timeout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] lines64 = peer64.WaitForSuccess(PeerExchange.Timeout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string Line(string[] lines, string name) => Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));

        Assert.StartsWith("Acceptance size=32 ", Line(lines64, "Acceptance"));
        Assert.Equal(Line(lines64, "Acceptance"), Line(lines32, "Acceptance"));
        Assert.Equal(Line(lines64, "Mixed"), Line(lines32, "Mixed"));

        // The control: the same fields laid out by each runtime's ABI differ (DESIGN.md §1), so this test can tell.
        Assert.StartsWith("PlainAcceptance size=24 ", Line(lines32, "PlainAcceptance"));
        Assert.StartsWith("PlainAcceptance size=32 ", Line(lines64, "PlainAcceptance"));
    }

    [Fact]
    public void The_32_bit_peer_really_is_32_bit()
    {
        using var peer = PeerProcess.Start32("bitness");
        Assert.Contains("IntPtr.Size=4", peer.WaitForSuccess(PeerExchange.Timeout));
    }
}
