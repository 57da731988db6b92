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

    /// <summary>A consumer that drained the ring holds the release of its last read back (RingConsumer.Consume); killed
    /// then, it leaves its read position ahead of the head. A new consumer starts at that read position (nothing read is
    /// delivered again: the at-least-once boundary is where the read call ended) and releases the space, so a producer
    /// can fill the whole ring again.</summary>
    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_consumer_killed_with_its_release_held_back_leaves_nothing_read_twice_and_no_space_lost(RingKind kind)
    {
        using var name = new TempName("crash-held-back");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using RingProducer producer = ring.CreateProducer();
        TestMessages.Write(producer, Producer, 0, 10);
        using var victim = PeerProcess.Start("crash-consume", name, "drain-then-stop", "120");
        victim.WaitForOutput("drained", TimeSpan.FromSeconds(60));
        long head = ring.Header.Head.LoadAcquire();
        long consumed = ring.Header.ConsumedPosition.LoadAcquire();
        long tail = ring.Header.Tail.LoadAcquire();
        Assert.True(head < consumed && consumed == tail, $"the victim holds nothing back: head {head}, read position {consumed}, tail {tail}");
        victim.Kill();
        (List<long> handed, _) = PeerReports.ConsumerTrace(victim.Output);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), handed);

        using RingConsumer successor = ring.CreateConsumer();
        Assert.Equal((tail, tail), (ring.Header.Head.LoadAcquire(), ring.Header.ConsumedPosition.LoadAcquire()));
        using (var section = SharedSection.Open(name))
        {
            // Released means zeroed: a stale header there would look committed a lap later.
            Assert.True(section.GetSpan(RingHeader.Size + (int)head, (int)(consumed - head)).IndexOfAnyExcept((byte)0) < 0,
                "the successor moved the head over bytes it did not zero");
        }

        Assert.False(successor.TryRead(out _), "a message the victim read was delivered again");
        Assert.Equal(0, ring.GetStatus().UnreadMessages);

        // The whole capacity is free: 512 empty messages (an 8-byte header each, so never a padding) fill it exactly.
        int written = 0;
        while (producer.TryWrite(ReadOnlySpan<byte>.Empty, 7))
        {
            written++;
        }

        Assert.Equal(512, written);
        Assert.Equal(512, successor.Read((_, _) => { }));
    }
}
