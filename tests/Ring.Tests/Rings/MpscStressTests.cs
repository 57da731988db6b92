using System;
using System.Diagnostics;
using System.Threading;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Rings;

[Collection(nameof(ProcessHeavy))]
public class MpscStressTests
{
    [Fact]
    public void Four_producer_threads_lose_duplicate_and_reorder_nothing()
    {
        const int Producers = 4;
        const long PerProducer = 250_000;
        using var name = new TempName("mpsc-threads");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 16 * 1024 });
        var clock = Stopwatch.StartNew();
        const long DeadlineMs = 120_000;
        var failures = new string?[Producers];
        var threads = new Thread[Producers];
        for (int p = 0; p < Producers; p++)
        {
            int producerId = p;
            threads[p] = new Thread(() => failures[producerId] = Produce(ring, producerId, PerProducer, clock, DeadlineMs)) { IsBackground = true };
            threads[p].Start();
        }

        using var consumer = ring.CreateConsumer();
        var next = new long[Producers];
        long received = 0;
        string? error = null;
        RingMessageHandler handler = (type, payload) =>
        {
            string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
            if (problem is null && (producer != type || sequence != next[producer]))
            {
                problem = $"producer {producer}: expected sequence {next[producer]}, got {sequence}";
            }

            if (problem is not null)
            {
                error ??= problem;
                return;
            }

            next[producer]++;
            received++;
        };

        var backoff = new Backoff(clock, DeadlineMs);
        while (received < Producers * PerProducer && error is null)
        {
            if (consumer.Read(handler, 256) > 0)
            {
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                break;
            }
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "a producer thread did not finish");
        }

        Assert.Null(error);
        Assert.All(failures, Assert.Null);
        Assert.Equal(Producers * PerProducer, received);
        Assert.All(next, n => Assert.Equal(PerProducer, n));
        Assert.False(consumer.TryRead(out _));
    }

    private static string? Produce(SharedRing ring, int producerId, long count, Stopwatch clock, long deadlineMs)
    {
        using var producer = ring.CreateProducer();
        var backoff = new Backoff(clock, deadlineMs);
        Span<byte> message = stackalloc byte[TestMessage.MaxLength];
        for (long sequence = 0; sequence < count;)
        {
            int length = TestMessage.LengthOf(producerId, sequence);
            TestMessage.Write(message.Slice(0, length), producerId, sequence);
            if (producer.TryWrite(message.Slice(0, length), producerId))
            {
                sequence++;
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                return $"producer {producerId} timed out at {sequence}";
            }
        }

        return null;
    }
}
