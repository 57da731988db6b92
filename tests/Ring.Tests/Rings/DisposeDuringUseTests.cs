using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Disposing an endpoint or its ring while one of its calls is under way — from inside a handler, or
/// from another thread — ends that call cleanly: nothing touches unmapped memory, a disposed consumer never
/// moves the head after giving up its role, and a successor starts exactly where its predecessor stopped.</summary>
[Collection(nameof(ProcessHeavy))]
public class DisposeDuringUseTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public void Disposing_the_consumer_inside_a_batch_handler_stops_the_batch_and_a_successor_gets_the_rest()
    {
        using var test = new TestRing("dispose-in-batch");
        var (name, ring, producer, consumer) = test;
        for (byte i = 0; i < 5; i++)
        {
            Assert.True(producer.TryWrite(new[] { i }));
        }

        var handled = new List<byte>();
        consumer.Read((_, payload) =>
        {
            handled.Add(payload[0]);
            if (payload[0] == 1)
            {
                consumer.Dispose();
            }
        });

        Assert.Equal(new byte[] { 0, 1 }, handled);
        using var successor = ring.CreateConsumer();
        var rest = new List<byte>();
        successor.Read((_, payload) => rest.Add(payload[0]));
        Assert.Equal(new byte[] { 2, 3, 4 }, rest);
        Assert.True(producer.TryWrite(new byte[] { 5 }));
        Assert.Equal(1, successor.Read((_, payload) => Assert.Equal(5, payload[0])));
    }

    [Fact]
    public async Task Disposing_the_consumer_and_its_ring_from_another_thread_during_a_batch_is_safe()
    {
        using var name = new TempName("dispose-batch-thread");
        var ring = SharedRing.Create(name);
        using (RingProducer producer = ring.CreateProducer())
        {
            for (byte i = 0; i < 5; i++)
            {
                Assert.True(producer.TryWrite(new[] { i }));
            }
        }

        var consumer = ring.CreateConsumer();
        using var inHandler = new ManualResetEventSlim();
        using var disposed = new ManualResetEventSlim();
        var handled = new List<byte>();
        var reader = Task.Run(() => consumer.Read((_, payload) =>
        {
            handled.Add(payload[0]);
            if (payload[0] == 1)
            {
                inHandler.Set();
                Assert.True(disposed.Wait(Generous));
            }
        }));

        Assert.True(inHandler.Wait(Generous));
        consumer.Dispose();
        ring.Dispose();
        disposed.Set();
        Assert.Equal(2, await reader.WaitAsync(Generous)); // stopped after the handler that saw the dispose
        Assert.Equal(new byte[] { 0, 1 }, handled);

        using var reopened = SharedRing.Open(name);
        using var successor = reopened.CreateConsumer();
        var rest = new List<byte>();
        successor.Read((_, payload) => rest.Add(payload[0]));
        Assert.Equal(new byte[] { 2, 3, 4 }, rest);
    }

    [Fact]
    public void A_message_pending_from_TryRead_stays_mapped_after_the_consumer_and_ring_are_disposed()
    {
        using var name = new TempName("pending-mapped");
        var ring = SharedRing.Create(name);
        using (RingProducer producer = ring.CreateProducer())
        {
            Assert.True(producer.TryWrite(new byte[] { 1, 2, 3 }, 4));
        }

        var consumer = ring.CreateConsumer();
        Assert.True(consumer.TryRead(out RingMessage message));
        consumer.Dispose();
        ring.Dispose();
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray()); // unmapped memory would crash here
        message.Dispose();

        // Not consumed: the consumer was disposed before the message was released.
        using var reopened = SharedRing.Open(name);
        using var successor = reopened.CreateConsumer();
        Assert.Equal(1, successor.Read((type, _) => Assert.Equal(4, type)));
    }

    [Theory]
    [InlineData("spin")]
    [InlineData("yield")]
    [InlineData("block")]
    public async Task A_waiting_consumer_ends_with_ObjectDisposedException_when_its_ring_is_disposed(string strategy)
    {
        using var name = new TempName("dispose-wait");
        var ring = SharedRing.Create(name);
        using var consumer = ring.CreateConsumer(Signaling.BlockingTests.Strict(Signaling.BlockingTests.Strategy(strategy)));
        var waiting = BlockingCall.Start(() => consumer.WaitForData(Timeout.InfiniteTimeSpan));
        WaitUntilInItsLastPhase(strategy, consumer.Waits, () => waiting.ThreadId);
        ring.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.Task.WaitAsync(Generous));
    }

    [Theory]
    [InlineData("spin")]
    [InlineData("yield")]
    [InlineData("block")]
    public async Task Disposing_a_producer_blocked_in_Write_ends_the_Write_and_frees_the_role_only_after_it_returned(string strategy)
    {
        using var test = new TestRing("dispose-write", new RingOptions { Capacity = 4096 });
        test.Producer.Dispose();
        var producer = test.Ring.CreateProducer(Signaling.BlockingTests.Strict(Signaling.BlockingTests.Strategy(strategy)));
        Signaling.BlockingTests.FillUp(producer);
        long writeEnded = 0;
        var writing = BlockingCall.Start(() =>
        {
            try
            {
                producer.Write(new byte[120], 9, Timeout.InfiniteTimeSpan);
            }
            catch (Exception) when (StampWriteEnd(ref writeEnded))
            {
                // never: the filter returns false. It runs when the Write has thrown but before the exception unwinds
                // through the Write's own frames, whose end releases the role: a successor may attach only after it.
            }
            finally
            {
                StampWriteEnd(ref writeEnded); // a Write that returned without throwing
            }
        });

        WaitUntilInItsLastPhase(strategy, producer.Waits, () => writing.ThreadId);
        producer.Dispose();
        RingProducer successor = CreateWhenFree(test.Ring);
        long successorAttached = System.Diagnostics.Stopwatch.GetTimestamp();
        using (successor)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => writing.Task.WaitAsync(Generous));
            Assert.True(Interlocked.Read(ref writeEnded) != 0 && Interlocked.Read(ref writeEnded) <= successorAttached,
                "a successor producer attached while the disposed producer's Write was still under way");

            // The successor starts at the real tail: the 32 records, then its own.
            Assert.Equal(1, test.Consumer.Read((_, _) => { }, 1));
            Assert.True(successor.TryWrite(new byte[120], 10));
            var types = new List<int>();
            test.Consumer.Read((type, _) => types.Add(type));
            Assert.Equal(32, types.Count);
            Assert.Equal(10, types[^1]);
        }
    }

    /// <summary>Waits until a blocked call is in its strategy's last phase: asleep in the kernel, yielding, or spinning.</summary>
    private static void WaitUntilInItsLastPhase(string strategy, WaitCounters waits, Func<int> threadId)
    {
        switch (strategy)
        {
            case "block":
                KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, threadId());
                break;
            case "yield":
                KernelWaits.WaitUntil(() => waits.Yields > 100, "the yielding phase");
                break;
            default:
                KernelWaits.WaitUntil(() => waits.Spins > 10_000, "the spinning phase");
                break;
        }
    }

    private static RingProducer CreateWhenFree(SharedRing ring)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return ring.CreateProducer();
            }
            catch (RingRoleException) when (clock.Elapsed < Generous)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Stamps the end of the blocked Write once (an exception filter's stamp is the earlier one); returns false.</summary>
    private static bool StampWriteEnd(ref long writeEnded)
    {
        Interlocked.CompareExchange(ref writeEnded, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        return false;
    }
}
