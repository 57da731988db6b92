using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>WaitToReadAsync and ReadAsync: one background thread waits for every ring. The consumers' sleep cap is
/// lifted, so a lost wake-up leaves a wait pending until the test's time limit.</summary>
[Collection(nameof(ProcessHeavy))]
public class AsyncTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_ready_ring_completes_synchronously()
    {
        using var test = new TestRing("async-ready");
        var (name, ring, producer, consumer) = test;
        producer.TryWrite(new byte[] { 1 });
        ValueTask<bool> wait = consumer.WaitToReadAsync();
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
    }

    [Fact]
    public async Task A_write_wakes_the_sleeping_waiter_thread_and_completes_a_pending_wait()
    {
        using var name = new TempName("async-wake");
        using var ring = SharedRing.Create(name);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer(BlockingTests.Strict(WaitStrategy.Default));
        Task<bool> wait = consumer.WaitToReadAsync().AsTask();
        WaitUntilTheWaiterThreadSleepsFor(ring);
        Assert.False(wait.IsCompleted);
        producer.TryWrite(new byte[] { 1 });
        Assert.True(await wait.WaitAsync(Generous));
        Assert.True(consumer.Waits.Woken >= 1, $"the waiter thread was not woken: {consumer.Waits}");
        Assert.Equal((0L, 0L), (consumer.Waits.TimedOut, consumer.Waits.Polled));
        Assert.Equal(1, producer.WakeCalls);
        Assert.Equal(1, await consumer.ReadAsync((_, payload) => Assert.Equal(1, payload[0])).AsTask().WaitAsync(Generous));
    }

    [Fact]
    public async Task An_awaiting_consumer_sleeps_and_a_synchronous_wait_after_it_is_woken_too()
    {
        // The waiter thread withdraws its announcement before it completes a wait, so a synchronous wait that
        // follows never shares the consumer-waiting flag with it (a lost wake-up when the cap is lifted).
        using var name = new TempName("async-then-sync");
        using var ring = SharedRing.Create(name);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using (var cancellation = new CancellationTokenSource())
        {
            Task<bool> wait = consumer.WaitToReadAsync(cancellation.Token).AsTask();
            WaitUntilTheWaiterThreadSleepsFor(ring);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Generous));
        }

        var waiting = BlockingCall.Start(() => consumer.WaitForData(TimeSpan.FromSeconds(60))).WaitUntilAsleep().Task;
        producer.TryWrite(new byte[] { 2 });
        Assert.True(await waiting.WaitAsync(Generous), "the synchronous wait was not woken");
    }

    [Fact]
    public async Task Many_rings_are_waited_for_at_once_and_each_completes_on_its_own_write()
    {
        const int Rings = 20;
        var names = Enumerable.Range(0, Rings).Select(_ => new TempName("async-many")).ToArray();
        var rings = names.Select(n => SharedRing.Create(n, new RingOptions { Capacity = 4096 })).ToArray();
        var consumers = rings.Select(r => r.CreateConsumer(BlockingTests.Strict(WaitStrategy.Default))).ToArray();
        var producers = rings.Select(r => r.CreateProducer()).ToArray();
        try
        {
            var waits = consumers.Select(c => c.WaitToReadAsync().AsTask()).ToArray();
            WaitUntilTheWaiterThreadSleepsFor(rings);
            Assert.All(waits, w => Assert.False(w.IsCompleted));
            for (int i = Rings - 1; i >= 0; i -= 2)
            {
                producers[i].TryWrite(new byte[] { (byte)i });
            }

            for (int i = 0; i < Rings; i++)
            {
                if (i % 2 == 1)
                {
                    Assert.True(await waits[i].WaitAsync(Generous));
                }
            }

            await Task.Delay(50);
            Assert.All(waits.Where((_, i) => i % 2 == 0), w => Assert.False(w.IsCompleted));
            for (int i = 0; i < Rings; i += 2)
            {
                producers[i].TryWrite(new byte[] { (byte)i });
            }

            Assert.All(await Task.WhenAll(waits).WaitAsync(Generous), Assert.True);
        }
        finally
        {
            foreach (var endpoint in consumers.Cast<IDisposable>().Concat(producers))
            {
                endpoint.Dispose();
            }

            foreach (var ring in rings)
            {
                ring.Dispose();
            }

            foreach (var name in names)
            {
                name.Dispose();
            }
        }
    }

    [Fact]
    public async Task Cancellation_ends_a_pending_wait_and_the_ring_stays_usable()
    {
        using var test = new TestRing("async-cancel");
        var (name, ring, producer, consumer) = test;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.WaitToReadAsync(cancellation.Token).AsTask().WaitAsync(Generous));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.WaitToReadAsync(new CancellationToken(true)).AsTask());

        producer.TryWrite(new byte[] { 3 });
        Assert.True(await consumer.WaitToReadAsync().AsTask().WaitAsync(Generous));
    }

    /// <summary>The waiter thread announced its wait on <paramref name="ring"/> and sleeps in the kernel.</summary>
    internal static void WaitUntilTheWaiterThreadSleepsFor(params SharedRing[] rings)
    {
        KernelWaits.WaitUntil(() => rings.All(r => r.Header.ConsumerWaiting.LoadAcquire() == 1), "the waiter thread's announcement");
        KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, KernelWaits.AsyncWaiterThreadId());
    }

    [Fact]
    public async Task Disposing_the_ring_faults_a_pending_wait()
    {
        using var name = new TempName("async-dispose");
        var ring = SharedRing.Create(name);
        var consumer = ring.CreateConsumer();
        Task<bool> wait = consumer.WaitToReadAsync().AsTask();
        await Task.Delay(50);
        ring.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => wait.WaitAsync(Generous));
        consumer.Dispose();
    }
}
