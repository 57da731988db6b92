using System;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>
/// A real 32-bit process (the net472 peer under Mono i386) and 64-bit processes share one ring: the
/// format has no pointer-sized field and 64-bit positions stay untorn in the 32-bit process
/// (DESIGN.md §3). The rings start just below 2^32 or high in the range, so every run crosses a boundary
/// where the two halves of a position change at once: a torn head, tail or CAS would lose, duplicate or
/// corrupt messages here.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class CrossBitnessTests
{
    /// <summary>Start positions: just below 2^32 (every exchange crosses it), and just below 2^62, high in the range
    /// (positions stay below 2^63), where the low halves wrap too.</summary>
    public static TheoryData<RingKind, long> KindsAndStarts => new()
    {
        { RingKind.Spsc, (1L << 32) - (64 * 1024) },
        { RingKind.Mpsc, (1L << 32) - (64 * 1024) },
        { RingKind.Spsc, (1L << 62) - (64 * 1024) },
        { RingKind.Mpsc, (1L << 62) - (64 * 1024) },
    };

    [Theory]
    [MemberData(nameof(KindsAndStarts))]
    public void A_32_bit_producer_feeds_a_64_bit_consumer(RingKind kind, long start)
    {
        using var name = new TempName("x32-produce");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 16 * 1024, InitialPosition = start });
        PeerExchange.Run(name, 1_000_000, new PeerSpec("consume"), PeerSpec.Of32("produce"));
        AssertCrossed(ring, start);
    }

    [Theory]
    [MemberData(nameof(KindsAndStarts))]
    public void A_64_bit_producer_feeds_a_32_bit_consumer(RingKind kind, long start)
    {
        using var name = new TempName("x32-consume");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 16 * 1024, InitialPosition = start });
        PeerExchange.Run(name, 1_000_000, PeerSpec.Of32("consume"), new PeerSpec("produce"));
        AssertCrossed(ring, start);
    }

    [Fact]
    public void Producers_of_both_bitnesses_share_an_mpsc_ring()
    {
        long start = (1L << 32) - (64 * 1024);
        using var name = new TempName("x32-mpsc");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 16 * 1024, InitialPosition = start });
        PeerExchange.Run(name, 500_000, new PeerSpec("consume"), PeerSpec.Of32("produce"), new PeerSpec("produce"));
        AssertCrossed(ring, start);
    }

    [Fact]
    public void The_32_bit_atomics_never_tear_across_2_pow_32_while_plain_reads_do()
    {
        using var peer = PeerProcess.Start32("hammer-atomics", "1500");
        string output = peer.WaitForSuccess(PeerExchange.Timeout);
        Assert.Contains("bitness=32", output);
        Assert.True(ValueIn(output, "atomic-reads") > 1_000_000, output);
        Assert.Equal(0, ValueIn(output, "atomic-tears"));
        Assert.True(ValueIn(output, "plain-tears") > 0, $"the plain-read control never tore, so the test could not tell a torn access: {output}");
        Assert.Contains("cas-exact=True", output);
    }

    [Fact]
    public void A_32_bit_consumer_asleep_on_the_futex_is_woken_by_a_64_bit_write()
    {
        using var test = new TestRing("x32-futex-consume");
        test.Consumer.Dispose(); // the role goes to the 32-bit peer
        using var peer = PeerProcess.Start32("wait-one", test.Name, "60");
        KernelWaits.WaitUntilInFutexWait(peer.Id, KernelWaits.ThreadIdOf(peer));
        test.Producer.Write(new byte[] { 1 }, TimeSpan.FromSeconds(10));
        string output = peer.WaitForSuccess(PeerExchange.Timeout);
        Assert.Contains("woken", output);
        AssertOneSleepEndedByAWakeUp(output);
        Assert.Equal(1, test.Producer.WakeCalls);
    }

    [Fact]
    public void A_32_bit_producer_asleep_on_the_futex_is_woken_by_a_64_bit_read()
    {
        using var test = new TestRing("x32-futex-produce", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        Signaling.BlockingTests.FillUp(test.Producer);
        using var peer = PeerProcess.Start32("write-one", test.Name, "60");
        KernelWaits.WaitUntilInFutexWait(peer.Id, KernelWaits.ThreadIdOf(peer));
        Assert.Equal(1, test.Consumer.Read((_, _) => { }, 1));
        string output = peer.WaitForSuccess(PeerExchange.Timeout);
        Assert.Contains("written", output);
        AssertOneSleepEndedByAWakeUp(output);
        Assert.Equal(1, test.Consumer.WakeCalls);
        int lastType = -1;
        Assert.Equal(32, test.Consumer.Read((type, _) => lastType = type));
        Assert.Equal(5, lastType);
    }

    [Theory]
    [InlineData("consume-blocking")]
    [InlineData("consume-async")]
    public void A_32_bit_blocking_consumer_gets_every_burst(string mode)
    {
        using var name = new TempName("x32-bursts");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 16 * 1024, InitialPosition = (1L << 32) - (64 * 1024) });
        // Spin budget 0: the 32-bit consumer sleeps whenever the ring is empty. With the default budget, its spin phase under
        // qemu-i386 (every poll emulated) can outlast the producer's pauses, and then it never sleeps: no wake-up to check.
        (string consumer, string[] producers) = PeerExchange.Run(name, 200_000, new PeerSpec(mode, Is32Bit: true, Extra: "block0"), new PeerSpec("produce-blocking"));
        if (mode == "consume-async" && PeerProcess.Mono32IsEmulated)
        {
            // qemu-i386 has no futex_waitv: the 32-bit async waiter polls (every message still verified above).
            Assert.True(KernelWaits.Count(consumer, "polled") > 0, $"expected the emulated 32-bit async waiter to poll:\n{consumer}");
            Signaling.CrossProcessSignalingTests.AssertNoSleepPolled(producers[0]);
            return;
        }

        Signaling.CrossProcessSignalingTests.AssertSleptAndWasWoken(consumer);
        Signaling.CrossProcessSignalingTests.AssertNoSleepPolled(producers[0]);
    }

    [Fact]
    public void A_32_bit_blocking_producer_fills_a_slow_consumer()
    {
        using var name = new TempName("x32-slow");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        (string consumer, string[] producers) = PeerExchange.Run(name, 200_000, new PeerSpec("consume-blocking", Extra: "slow"), new PeerSpec("produce-blocking", Is32Bit: true, Extra: "block0"));
        Signaling.CrossProcessSignalingTests.AssertSleptAndWasWoken(producers[0]);
        Signaling.CrossProcessSignalingTests.AssertNoSleepPolled(consumer);
    }

    /// <summary>Both positions ended past 2^32 (or the high start's next boundary), from a start below it.</summary>
    private static void AssertCrossed(SharedRing ring, long start)
    {
        long boundary = (start | 0xFFFF_FFFFL) + 1;
        using var section = SharedSection.Open(ring.Name);
        long head = System.BitConverter.ToInt64(section.GetSpan(RingHeaderFields.Offsets.Head, 8));
        long tail = System.BitConverter.ToInt64(section.GetSpan(RingHeaderFields.Offsets.Tail, 8));
        Assert.True(head > boundary && tail >= head, $"the exchange did not cross 0x{boundary:X}: head 0x{head:X}, tail 0x{tail:X}");
    }

    /// <summary>The peer's one sleep ended by a wake-up: not by its deadline, not by polling, not by a re-check.</summary>
    private static void AssertOneSleepEndedByAWakeUp(string output)
    {
        Assert.Equal(1, KernelWaits.Count(output, "woken"));
        Assert.Equal(0, KernelWaits.Count(output, "timed-out"));
        Assert.Equal(0, KernelWaits.Count(output, "polled"));
        Assert.Equal(0, KernelWaits.Count(output, "futex-failure"));
    }

    internal static long ValueIn(string output, string name) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(output, $@"\b{name}=(\d+)").Groups[1].Value);

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
