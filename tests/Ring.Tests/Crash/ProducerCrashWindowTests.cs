using System;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>A producer process killed in each of its crash windows (src/Ring/Rings/CrashPoints.cs): the consumer gets
/// every message the victim committed, exactly once and in order, and everything a live producer sends, without stalling;
/// and its counters show the one claim it revoked or the one gap it repaired.</summary>
[Collection(nameof(ProcessHeavy))]
public class ProducerCrashWindowTests
{
    private const int Victim = 1;
    private const int Live = 0;
    private const int Successor = 2;
    private const int LiveCount = 1000;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    /// <summary>Occurrence 150 is mid-stream, past several wraps of the 4 KiB ring; a wrap's own window is the 3rd wrap.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc, "after-reserve", 150)]
    [InlineData(RingKind.Spsc, "after-reserve", 150)]
    [InlineData(RingKind.Mpsc, "during-wrap", 3)]
    [InlineData(RingKind.Spsc, "during-wrap", 3)]
    [InlineData(RingKind.Mpsc, "after-claim", 150)]
    [InlineData(RingKind.Spsc, "after-claim", 150)]
    [InlineData(RingKind.Mpsc, "before-commit", 150)]
    [InlineData(RingKind.Spsc, "before-commit", 150)]
    public void A_producer_killed_in_a_window_loses_only_its_uncommitted_message(RingKind kind, string point, int occurrence)
    {
        using var name = new TempName("crash-" + point);
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var reader = new VerifyingReader(ring, producers: 3);
        using var victim = PeerProcess.StartArmed($"{point}:{occurrence}", "crash-produce", name, $"{Victim}", "1000000", "try", "120");
        victim.WaitForOutput("crash-point " + point, Startup);
        long committed = PeerReports.CommittedCount(victim.Output);
        if (point != "during-wrap")
        {
            Assert.Equal(occurrence - 1, committed); // the point is reached once per message
        }

        // MPSC: a live producer's whole stream has to pass the victim's claim or gap.
        using PeerProcess? live = kind == RingKind.Mpsc ? PeerProcess.Start("produce", name, $"{Live}", $"{LiveCount}", "60") : null;
        victim.Kill();
        if (live is not null)
        {
            live.WaitForSuccess(Startup);
        }
        else
        {
            using RingProducer successor = ring.CreateProducer(); // SPSC: the dead producer's role is free
            TestMessages.Write(successor, Successor, 0, 300);
        }

        long expectedLive = kind == RingKind.Mpsc ? LiveCount : 0;
        long expectedSuccessor = kind == RingKind.Mpsc ? 0 : 300;
        reader.WaitUntil(() => reader.Received(Victim) >= committed && reader.Received(Live) == expectedLive && reader.Received(Successor) == expectedSuccessor,
            Stall, () => $"victim {reader.Received(Victim)} of {committed}, live {reader.Received(Live)} of {expectedLive}, successor {reader.Received(Successor)} of {expectedSuccessor}");
        reader.Stop();
        Assert.Equal(committed, reader.Received(Victim)); // not its uncommitted message

        RingEndpointCounters counters = ring.GetStatus().Consumer!.Counters;
        bool claimed = point is "after-claim" or "before-commit";
        Assert.Equal((claimed ? 1 : 0, claimed ? 0 : 1), (counters.AbandonedClaims, counters.RepairedGaps));
    }

    /// <summary>A producer killed asleep on a full ring leaves its bit in the producers-asleep word; the consumer clears
    /// it, so its releases stop making a wake-up call each, and a new producer writes on.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc)]
    [InlineData(RingKind.Spsc)]
    public void A_producer_killed_asleep_stops_costing_wake_calls(RingKind kind)
    {
        using var name = new TempName("crash-asleep");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var victim = PeerProcess.StartArmed("asleep", "crash-produce", name, $"{Victim}", "1000000", "blocking", "120");
        victim.WaitForOutput("crash-point asleep", Startup);
        long committed = PeerReports.CommittedCount(victim.Output);
        victim.Kill();

        using RingConsumer consumer = ring.CreateConsumer(WaitStrategy.BusySpin); // never sleeps: only the wake-up count clears
        Assert.Equal(committed, TestMessages.ReadAll(consumer, Victim, TimeSpan.Zero).Count);
        using RingProducer producer = ring.CreateProducer();
        const int Rounds = 600;
        long wakeCallsHalfWay = 0;
        for (int round = 0; round < Rounds; round++)
        {
            Assert.True(producer.TryWrite(new byte[] { 7 }, messageType: 3), "the new producer cannot write");
            Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((3, 7), (type, (int)payload[0]))));
            if (round == Rounds / 2)
            {
                wakeCallsHalfWay = consumer.WakeCalls;
            }
        }

        // The consumer checks for dead sleepers after every 256 wake-up calls: it may pay up to that many, then none.
        Assert.True(consumer.WakeCalls <= 260, $"{consumer.WakeCalls} wake-up calls for a dead sleeper in {committed + Rounds} releases");
        Assert.Equal(wakeCallsHalfWay, consumer.WakeCalls);
        Assert.Equal(consumer.WakeCalls, ring.GetStatus().Consumer!.Counters.WakeCalls);
    }
}
