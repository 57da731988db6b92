using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>A consumer process killed mid-batch or mid-zeroing: a new consumer gets every committed message not yet
/// released, in order and exactly once, starting precisely at the README's at-least-once boundary; and the ring moves on
/// past a wrap.</summary>
[Collection(nameof(ProcessHeavy))]
public class ConsumerCrashWindowTests
{
    private const int Producer = 0;
    private const int Filler = 1;
    private const int Count = 60;

    /// <summary>The child reads batches of up to 16 (or single messages, <c>try</c>), so the 2nd batch (the 20th
    /// release) is mid-stream; <c>wrap</c> first moves the ring so that the messages in flight straddle its end.</summary>
    [Theory]
    [InlineData(RingKind.Mpsc, "mid-batch", "batch", false)]
    [InlineData(RingKind.Spsc, "mid-batch", "batch", false)]
    [InlineData(RingKind.Mpsc, "mid-batch", "batch", true)]
    [InlineData(RingKind.Mpsc, "mid-zeroing", "batch", false)]
    [InlineData(RingKind.Spsc, "mid-zeroing", "batch", false)]
    [InlineData(RingKind.Mpsc, "mid-zeroing", "batch", true)]
    [InlineData(RingKind.Spsc, "mid-zeroing", "try", true)]
    public void A_new_consumer_resumes_at_the_at_least_once_boundary(RingKind kind, string point, string how, bool wrap)
    {
        using var name = new TempName("crash-" + point);
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using RingProducer producer = ring.CreateProducer();
        if (wrap)
        {
            using RingConsumer before = ring.CreateConsumer();
            TestMessages.Write(producer, Filler, 0, 60); // ~2.9 KiB: index 0 comes ~25 messages into the next 60
            Assert.Equal(60, TestMessages.ReadAll(before, Filler, TimeSpan.Zero).Count);
        }

        TestMessages.Write(producer, Producer, 0, Count);
        using var victim = PeerProcess.StartArmed(point + (how == "try" ? ":20" : ":2"), "crash-consume", name, how, "120");
        victim.WaitForOutput("crash-point " + point, TimeSpan.FromSeconds(60));
        victim.Kill();
        (List<long> handed, int released) = PeerReports.ConsumerTrace(victim.Output);
        Assert.True(handed.SequenceEqual(Enumerable.Range(0, handed.Count).Select(i => (long)i)), "the victim was handed " + string.Join(", ", handed));
        Assert.True(released < handed.Count, "the victim died with nothing in flight");

        // README Guarantees: a batch is released once its handler returned for it all; a message whose zeroing had
        // begun is never delivered again. So mid-batch the batch in flight comes again, mid-zeroing it does not.
        long resume = point == "mid-batch" ? released : handed.Count;
        using RingConsumer successor = ring.CreateConsumer();
        List<long> rest = TestMessages.ReadAll(successor, Producer, TimeSpan.FromMilliseconds(200));
        Assert.Equal(Enumerable.Range((int)resume, Count - (int)resume).Select(i => (long)i), rest);
        Assert.Equal(point == "mid-zeroing" ? 1 : 0, ring.GetStatus().Consumer!.Counters.FinishedZeroings);

        // Not stalled: two laps more, one message at a time.
        TestMessages.PingPong(producer, successor, Filler, 200);
    }
}
