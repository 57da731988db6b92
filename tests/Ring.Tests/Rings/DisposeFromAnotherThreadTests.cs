using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Every call of an endpoint, the non-blocking ones too, holds the mapping and the role against a
/// <c>Dispose</c> from another thread — the usual shutdown of a polling loop — and a pending asynchronous wait
/// gives the role up before <c>Dispose</c> returns.</summary>
[Collection(nameof(ProcessHeavy))]
public class DisposeFromAnotherThreadTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    /// <summary>Many rounds of: a thread polls <c>TryRead</c> and disposes each message, another disposes the
    /// consumer and then its ring at a moment that varies. A call that touched the ring after the dispose released
    /// the mapping would crash the test host; one that moved the head after the role was given up would leave the
    /// next consumer a gap or a stall. The next round's consumer must continue the sequence exactly where the last
    /// one stopped (or redeliver the one message whose release the dispose overtook).</summary>
    [Fact]
    public void Disposing_a_polling_consumer_and_its_ring_from_another_thread_never_touches_the_ring_afterwards()
    {
        using var name = new TempName("dispose-while-polling");
        using var holder = SharedRing.Create(name, new RingOptions { Capacity = 1 << 16 });
        using RingProducer producer = holder.CreateProducer();
        var payload = new byte[8];
        int written = 0;
        int expected = 0;
        var random = new Random(7);
        for (int round = 0; round < 150; round++)
        {
            while (true)
            {
                BinaryPrimitives.WriteInt32LittleEndian(payload, written);
                if (!producer.TryWrite(payload))
                {
                    break;
                }

                written++;
            }

            var ring = SharedRing.Open(name);
            var consumer = ring.CreateConsumer();
            int first = -1;
            int next = expected;
            int polled = 0;
            Exception? failure = null;
            var poller = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        if (!consumer.TryRead(out RingMessage message))
                        {
                            continue;
                        }

                        int sequence = BinaryPrimitives.ReadInt32LittleEndian(message.Payload);
                        if (first < 0)
                        {
                            first = sequence;
                        }
                        else if (sequence != next)
                        {
                            throw new InvalidOperationException($"read {sequence} after {next - 1}");
                        }

                        next = sequence + 1;
                        Interlocked.Increment(ref polled);
                        message.Dispose();
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception exception)
                {
                    failure = exception;
                }
            });
            poller.Start();
            int until = random.Next(1, 30);
            KernelWaits.WaitUntil(() => Volatile.Read(ref polled) >= until || !poller.IsAlive, "the poller's first messages");
            Thread.SpinWait(random.Next(0, 2000));
            // Either order: with the ring disposed first, the consumer's own reference is the last one.
            if (round % 2 == 0)
            {
                consumer.Dispose();
                ring.Dispose();
            }
            else
            {
                ring.Dispose();
                consumer.Dispose();
            }

            Assert.True(poller.Join(Generous), "the poller never saw the dispose");
            Assert.Null(failure);

            // This consumer started where the last one stopped, or one earlier: the release of that message lost
            // the race with the dispose, so the message is redelivered.
            Assert.True(first == expected || first == expected - 1, $"round {round}: started at {first}, expected {expected}");
            expected = next;
        }

        for (int i = 0; i < 10; i++, written++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, written);
            Assert.True(producer.TryWrite(payload));
        }

        using var last = holder.CreateConsumer();
        int start = -1;
        int end = -1;
        last.Read((_, message) =>
        {
            int sequence = BinaryPrimitives.ReadInt32LittleEndian(message);
            Assert.True(start < 0 || sequence == end + 1, $"read {sequence} after {end}");
            start = start < 0 ? sequence : start;
            end = sequence;
        });
        Assert.True(start == expected || start == expected - 1, $"the last consumer started at {start}, expected {expected}");
        Assert.Equal(written - 1, end);
    }

    /// <summary>The same for a producer: a thread writes with <c>TryWrite</c> and <c>TryClaim</c>/<c>Commit</c>,
    /// another disposes it and the ring. Every message the producer counted as written arrives, in order, and
    /// nothing else does.</summary>
    [Fact]
    public void Disposing_a_writing_producer_and_its_ring_from_another_thread_loses_and_invents_nothing()
    {
        using var name = new TempName("dispose-while-writing");
        using var holder = SharedRing.Create(name, new RingOptions { Capacity = 1 << 20 });
        using var consumer = holder.CreateConsumer();
        var random = new Random(11);
        int written = 0;
        for (int round = 0; round < 200; round++)
        {
            var ring = SharedRing.Open(name);
            var producer = ring.CreateProducer();
            int before = written;
            Exception? failure = null;
            var writer = new Thread(() =>
            {
                try
                {
                    var payload = new byte[8];
                    for (int i = 0; ; i++)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(payload, written);
                        bool done;
                        if (i % 2 == 0)
                        {
                            done = producer.TryWrite(payload);
                        }
                        else if (producer.TryClaim(8, out RingClaim claim))
                        {
                            payload.CopyTo(claim.Span);
                            claim.Commit();
                            done = true;
                        }
                        else
                        {
                            done = false;
                        }

                        if (done)
                        {
                            Interlocked.Increment(ref written);
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception exception)
                {
                    failure = exception;
                }
            });
            writer.Start();
            int until = before + random.Next(1, 20);
            KernelWaits.WaitUntil(() => Volatile.Read(ref written) >= until || !writer.IsAlive, "the writer's first messages");
            Thread.SpinWait(random.Next(0, 2000));
            producer.Dispose();
            ring.Dispose();
            Assert.True(writer.Join(Generous), "the writer never saw the dispose");
            Assert.Null(failure);

            int received = before;
            consumer.Read((_, payload) =>
            {
                Assert.Equal(received, BinaryPrimitives.ReadInt32LittleEndian(payload));
                received++;
            });
            Assert.Equal(written, received);
        }
    }

    [Fact]
    public async Task Disposing_a_consumer_with_a_pending_async_wait_frees_the_role_before_Dispose_returns()
    {
        using var name = new TempName("dispose-async-role");
        using var holder = SharedRing.Create(name);
        using RingProducer producer = holder.CreateProducer();
        for (int round = 0; round < 20; round++)
        {
            using var ring = SharedRing.Open(name);
            var consumer = ring.CreateConsumer();
            ValueTask<bool> waiting = consumer.WaitToReadAsync();
            KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, KernelWaits.AsyncWaiterThreadId());
            consumer.Dispose();

            // Not "soon": at once. (The waiter thread announced on this ring; it withdraws before the role is free.)
            using var successor = ring.CreateConsumer(Signaling.BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));

            // The successor's sleep is announced and stays announced, whatever the old waiter does meanwhile: a write
            // wakes it (no 200 ms re-check rescues a lost wake-up under the strict strategy).
            var wait = BlockingCall.Start(() => successor.WaitForData(Generous));
            wait.WaitUntilAsleep();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.AsTask().WaitAsync(Generous));
            Assert.True(producer.TryWrite(new byte[] { (byte)round }));
            Assert.True(await wait.Task.WaitAsync(Generous));
            Assert.Equal((1L, 0L), (successor.Waits.Woken, successor.Waits.TimedOut));
            Assert.Equal(1, successor.Read((_, payload) => Assert.Equal(round, payload[0])));
        }
    }

    /// <summary>The waiter thread looks at the consumer's own head, never at the shared copy: a peer that writes a
    /// wild head (one that even overflows a walk's limit) can neither complete the wait early nor keep the waiter
    /// thread spinning.</summary>
    [Fact]
    public async Task A_wild_shared_head_neither_completes_an_async_wait_nor_keeps_the_waiter_spinning()
    {
        using var test = new TestRing("async-wild-head");
        var (_, ring, producer, consumer) = test;
        ValueTask<bool> waiting = consumer.WaitToReadAsync();
        KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, KernelWaits.AsyncWaiterThreadId());

        ring.Header.Head.StoreRelease(long.MaxValue - 7);
        ring.Signals.Data.Event.Signal(); // makes the waiter thread re-check
        Thread.Sleep(50);
        KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, KernelWaits.AsyncWaiterThreadId());
        Assert.False(waiting.IsCompleted);

        Assert.True(producer.TryWrite(new byte[] { 42 }));
        Assert.True(await waiting.AsTask().WaitAsync(Generous));
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(42, payload[0])));
        Assert.Equal(ring.Header.ConsumedPosition.LoadAcquire(), consumer.OwnHead); // the consumer's own head won
        consumer.Dispose();
        Assert.Equal(ring.Header.Head.LoadAcquire(), consumer.OwnHead); // and its release, held back until now
    }
}
