using System;
using System.Diagnostics;
using System.Linq;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>
/// A real process stopped exactly inside each named crash window (the library's test-only crash points,
/// <c>RINGIPC_TEST_CRASH_AT</c>) and killed there with SIGKILL. Random kills rarely hit a window a few instructions
/// wide; these hit each one every time. After each kill: nothing committed is lost or delivered twice, the ring does not
/// stall, and the counters in the header show the recovery.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class CrashWindowTests
{
    private const int Victim = 1;
    private const int Survivor = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A producer killed in a window of its write path: the messages it committed before (all but the one in
    /// the window) arrive exactly once, a live producer's messages after the kill all arrive, nothing stalls, and the
    /// consumer's counters name the repair — a revoked claim, or a reservation turned into padding.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc, "after-reserve", 150, "gap")]
    [InlineData(RingKind.Mpsc, "during-wrap", 2, "gap")]
    [InlineData(RingKind.Mpsc, "after-claim", 150, "claim")]
    [InlineData(RingKind.Mpsc, "before-commit", 150, "claim")]
    [InlineData(RingKind.Spsc, "after-reserve", 150, "gap")]
    [InlineData(RingKind.Spsc, "during-wrap", 2, "gap")]
    [InlineData(RingKind.Spsc, "after-claim", 150, "claim")]
    [InlineData(RingKind.Spsc, "before-commit", 150, "claim")]
    public void A_producer_killed_inside_a_write_window_loses_only_its_uncommitted_message(RingKind kind, string point, int occurrence, string repair)
    {
        using var name = new TempName("crash-producer");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var consumer = ring.CreateConsumer();
        var received = new Deliveries();
        using (var victim = PeerProcess.StartArmed($"{point}:{occurrence}", "produce", name, $"{Victim}", "1000000", "60"))
        {
            // Drain while the victim writes (a 4 KiB ring wraps every ~100 messages), until it stops in the window.
            var clock = Stopwatch.StartNew();
            while (!victim.Output.Contains($"crash-point {point}", StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the victim never reached {point}:\n{victim.Output}");
                consumer.Read(received.Handler, 64, TimeSpan.FromMilliseconds(20));
            }

            victim.Kill();
        }

        const int survivorMessages = 500;
        WriteAndDrain(ring, consumer, received, Survivor, survivorMessages);

        int committed = received.AssertConsecutive(Victim);
        if (point != "during-wrap")
        {
            Assert.Equal(occurrence - 1, committed); // each message passes each write window once
        }

        Assert.Equal(survivorMessages, received.AssertConsecutive(Survivor));
        RingEndpointCounters counters = ring.GetStatus().Consumer!.Counters;
        Assert.Equal(repair == "claim" ? (0L, 1L) : (1L, 0L), (counters.RepairedGaps, counters.AbandonedClaims));
        Assert.Equal(received.Count, counters.Messages);
    }

    /// <summary>A producer killed while asleep on a full ring leaves its bit in the producers-asleep word; the consumer
    /// clears it, so it stops paying a wake-up system call per release (bounded by the check every 256 wake calls).</summary>
    [Fact]
    public void A_producer_killed_asleep_stops_costing_the_consumer_a_wake_call_per_release()
    {
        using var name = new TempName("crash-asleep");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using var consumer = ring.CreateConsumer();
        using var producer = ring.CreateProducer();
        byte[] message = new byte[56];
        while (producer.TryWrite(message))
        {
        }

        using (var victim = PeerProcess.StartArmed("asleep", "write-one", name, "60"))
        {
            victim.WaitForOutput("crash-point asleep", TimeSpan.FromMinutes(1));
            victim.Kill();
        }

        const int releases = 3000;
        for (int i = 0; i < releases; i++)
        {
            Assert.True(consumer.TryRead(out RingMessage read), "the ring stalled");
            read.Dispose();
            Assert.True(producer.TryWrite(message));
        }

        Assert.True(consumer.WakeCalls <= 300, $"{consumer.WakeCalls} wake calls over {releases} releases: the dead sleeper's bit was never cleared");
        Assert.Equal(consumer.WakeCalls, ring.GetStatus().Consumer!.Counters.WakeCalls);
    }

    /// <summary>The consumer killed with a batch handed out but not released: its successor receives that batch again
    /// (the documented at-least-once boundary) and everything after it, in order; nothing released is delivered again.
    /// Killed half-way through zeroing a released batch: its successor finishes the zeroing and starts after that
    /// batch — released means never redelivered — and the ring does not stall on the half-zeroed records.</summary>
    [Theory]
    [InlineData("mid-batch", 128)]   // batches 1 and 2 (64 messages each) released, batch 3 handed out
    [InlineData("mid-zeroing", 192)] // batches 1 to 3 released, the third one's zeroing half done
    public void A_consumer_killed_inside_a_read_window_hands_its_successor_exactly_what_it_had_not_released(string point, int firstRedelivered)
    {
        using var name = new TempName("crash-consumer");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 64 * 1024 });
        const int prefilled = 600; // at most 64 B a record: no wrap, so every batch read takes 64 messages
        const int writer = 0;      // the peer's verifier expects producers 0..n-1, the id as message type
        using (var producer = ring.CreateProducer())
        {
            Write(producer, writer, 0, prefilled);
        }

        using (var victim = PeerProcess.StartArmed($"{point}:3", "consume", name, "1", $"{prefilled}", "60"))
        {
            victim.WaitForOutput($"crash-point {point}", TimeSpan.FromMinutes(1));
            victim.Kill();
        }

        using var successor = ring.CreateConsumer();
        var received = new Deliveries();
        var clock = Stopwatch.StartNew();
        while (received.Count < prefilled - firstRedelivered)
        {
            Assert.True(clock.Elapsed < Bound, $"the successor stalled after {received.Count} messages");
            successor.Read(received.Handler, 64, TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(prefilled - firstRedelivered, received.AssertConsecutive(writer, first: firstRedelivered));
        Assert.False(successor.TryRead(out _));
        Assert.Equal(point == "mid-zeroing" ? 1 : 0, ring.GetStatus().Consumer!.Counters.FinishedZeroings);

        // Not stalled: more messages go through, around the data area's end.
        WriteAndDrain(ring, successor, received, Survivor, 2000);
        Assert.Equal(2000, received.AssertConsecutive(Survivor));
    }

    /// <summary>Writes <paramref name="count"/> messages of <paramref name="producerId"/> from this process while
    /// draining, then drains the rest; fails if the consumer makes no progress within <see cref="Bound"/>.</summary>
    private static void WriteAndDrain(SharedRing ring, RingConsumer consumer, Deliveries received, int producerId, int count)
    {
        using var producer = ring.CreateProducer();
        byte[] message = new byte[TestMessage.MaxLength];
        var progress = Stopwatch.StartNew();
        for (int sequence = 0; sequence < count;)
        {
            int length = TestMessage.LengthOf(producerId, sequence);
            TestMessage.Write(message.AsSpan(0, length), producerId, sequence);
            if (producer.TryWrite(message.AsSpan(0, length)))
            {
                sequence++;
                progress.Restart();
            }
            else
            {
                Assert.True(progress.Elapsed < Bound, $"the ring stalled: producer {producerId} could not write message {sequence}");
                consumer.Read(received.Handler, 64, TimeSpan.FromMilliseconds(20));
            }
        }

        progress.Restart();
        while (received.Of(producerId).Count < count)
        {
            Assert.True(progress.Elapsed < Bound, $"the ring stalled: {received.Of(producerId).Count} of producer {producerId}'s {count} messages arrived");
            consumer.Read(received.Handler, 64, TimeSpan.FromMilliseconds(20));
        }
    }

    private static void Write(RingProducer producer, int producerId, long first, int count)
    {
        byte[] message = new byte[TestMessage.MaxLength];
        for (long sequence = first; sequence < first + count; sequence++)
        {
            int length = TestMessage.LengthOf(producerId, sequence);
            TestMessage.Write(message.AsSpan(0, length), producerId, sequence);
            Assert.True(producer.TryWrite(message.AsSpan(0, length), messageType: producerId), "the ring is full");
        }
    }
}
