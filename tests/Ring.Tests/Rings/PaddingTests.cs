using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Padding records (aborted claims, revoked claims, wrap padding) carry no message, but they hold
/// space until the consumer steps over them: every consumer path must release them.</summary>
[Collection(nameof(ProcessHeavy))]
public class PaddingTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>36 aborted 100-byte claims fill a 4 KiB ring with padding (36 × 112 = 4032 bytes).</summary>
    private static void FillWithAbortedClaims(RingProducer producer)
    {
        for (int i = 0; i < 36; i++)
        {
            Assert.True(producer.TryClaim(100, out RingClaim claim));
            claim.Abort();
        }

        Assert.False(producer.TryWrite(new byte[100]), "the padding should leave no room for a 100-byte message");
    }

    [Fact]
    public async Task A_consumer_that_waits_for_data_releases_padding_so_a_producer_never_waits_on_it()
    {
        using var test = new TestRing("padding-wait", new RingOptions { Capacity = 4096 });
        var (name, ring, producer, consumer) = test;

        // Fill first: a consumer already waiting would release the padding while it is being made (as it should),
        // and the check that the ring is full would race with it.
        FillWithAbortedClaims(producer);
        var reader = Task.Run(() =>
        {
            // The loop a new user writes: wait, then read.
            while (!consumer.WaitForData(Generous))
            {
            }

            Assert.True(consumer.TryRead(out RingMessage message));
            using (message)
            {
                return message.MessageType;
            }
        });

        producer.Write(new byte[100], 7, TimeSpan.FromSeconds(10)); // times out if the padding is never released
        Assert.Equal(7, await reader.WaitAsync(Generous));
    }

    [Fact]
    public async Task A_consumer_that_awaits_data_releases_padding_so_a_producer_never_waits_on_it()
    {
        using var test = new TestRing("padding-async", new RingOptions { Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        FillWithAbortedClaims(producer); // before the wait starts: see the test above
        Task<bool> waiting = consumer.WaitToReadAsync().AsTask();
        producer.Write(new byte[100], 7, TimeSpan.FromSeconds(10));
        Assert.True(await waiting.WaitAsync(Generous));
        Assert.Equal(1, consumer.Read((type, _) => Assert.Equal(7, type)));
    }

    [Fact]
    public void Checking_for_data_releases_padding_at_the_head()
    {
        using var test = new TestRing("padding-check", new RingOptions { Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        FillWithAbortedClaims(producer);
        Assert.False(consumer.WaitForData(TimeSpan.Zero));
        Assert.True(producer.TryWrite(new byte[100]), "WaitForData stepped over the padding without releasing it");
    }

    [Fact]
    public async Task TryRead_steps_over_at_most_one_lap_of_padding_per_call()
    {
        // Producers that abort claims without pause must not keep one TryRead from returning.
        using var test = new TestRing("padding-lap", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        using var stop = new CancellationTokenSource();
        long aborts = 0;
        var aborter = Task.Run(() =>
        {
            using RingProducer other = ring.CreateProducer();
            while (!stop.IsCancellationRequested)
            {
                if (other.TryClaim(504, out RingClaim claim))
                {
                    claim.Abort();
                    Interlocked.Increment(ref aborts);
                }
            }
        });

        try
        {
            using var section = SharedSection.Open(name);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Interlocked.Read(ref aborts) < 8)
            {
                Assert.True(clock.Elapsed < Generous, "the aborting producer did not start");
                Thread.Yield();
            }

            clock.Restart();
            while (clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                long before = HeadOf(section);
                Task<bool> read = Task.Run(() => consumer.TryRead(out _));
                Assert.False(await read.WaitAsync(Generous));
                long stepped = HeadOf(section) - before;
                Assert.True(stepped <= ring.Capacity, $"one TryRead stepped over {stepped} bytes of padding, more than one lap ({ring.Capacity})");
            }
        }
        finally
        {
            stop.Cancel();
            await aborter.WaitAsync(Generous);
        }
    }

    internal static long HeadOf(SharedSection section) =>
        BitConverter.ToInt64(section.GetSpan(RingHeaderFields.Offsets.Head, 8));
}
