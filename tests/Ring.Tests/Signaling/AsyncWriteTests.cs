using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>WaitToWriteAsync and WriteAsync: a producer of a full ring waits on the process's one background waiter
/// thread. The producers' sleep cap is lifted, so a lost wake-up leaves a write pending until the test's time limit.</summary>
[Collection(nameof(ProcessHeavy))]
public class AsyncWriteTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_ring_with_room_completes_synchronously_and_a_message_too_long_is_refused()
    {
        using var test = new TestRing("async-write-room");
        ValueTask wait = test.Producer.WaitToWriteAsync(100);
        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
        ValueTask write = test.Producer.WriteAsync(new byte[] { 5 }, messageType: 3);
        Assert.True(write.IsCompletedSuccessfully);
        Assert.True(test.Consumer.TryRead(out RingMessage message));
        using (message)
        {
            Assert.Equal((3, (byte)5), (message.MessageType, message.Payload[0]));
        }

        var tooLong = Assert.Throws<ArgumentException>(() => test.Producer.WaitToWriteAsync(test.Producer.MaxMessageLength + 1));
        Assert.Contains($"0 to {test.Producer.MaxMessageLength} bytes", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_to_a_full_ring_waits_without_a_thread_and_completes_when_the_consumer_reads()
    {
        using var name = new TempName("async-write-full");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer();
        int written = Fill(producer);
        Task write = producer.WriteAsync(BitConverter.GetBytes(-1)).AsTask();
        await Task.Delay(100);
        Assert.False(write.IsCompleted, "a write to a full ring completed");

        Assert.Equal(1, consumer.Read((_, _) => { }, 1)); // frees room: the consumer wakes the waiter thread
        await write.WaitAsync(Generous);
        Assert.True(producer.Waits.Woken >= 1, $"the waiter thread was not woken: {producer.Waits}");

        // Nothing lost, nothing out of order: the written ones after the first, then the awaited one.
        int next = 1;
        int last = 0;
        consumer.Read((_, payload) => last = Check(payload, ref next, written));
        Assert.Equal((written, -1), (next, last));
    }

    [Fact]
    public async Task Cancelling_a_pending_write_writes_nothing_and_the_ring_stays_usable()
    {
        using var name = new TempName("async-write-cancel");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer();
        int written = Fill(producer);
        using (var cancellation = new CancellationTokenSource())
        {
            Task write = producer.WriteAsync(BitConverter.GetBytes(-1), cancellationToken: cancellation.Token).AsTask();
            await Task.Delay(50);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Generous));
        }

        Assert.Equal(written, consumer.Read((_, _) => { }));
        await producer.WriteAsync(BitConverter.GetBytes(7)).AsTask().WaitAsync(Generous);
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(7, BitConverter.ToInt32(payload))));
    }

    [Fact]
    public async Task Disposing_the_producer_faults_a_pending_write()
    {
        using var name = new TempName("async-write-dispose");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        var producer = ring.CreateProducer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer();
        Fill(producer);
        Task write = producer.WriteAsync(new byte[4]).AsTask();
        await Task.Delay(50);
        producer.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => write.WaitAsync(Generous));
    }

    [Fact]
    public async Task Many_async_writes_through_a_small_ring_against_a_sleeping_consumer_all_arrive_in_order()
    {
        // Both sides sleep often and nothing re-checks on a timer: a lost wake-up on either side hangs the test.
        const int count = 20_000;
        using var name = new TempName("async-write-stress");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        using var consumer = ring.CreateConsumer(BlockingTests.Strict(WaitStrategy.SpinThenBlock(spinCount: 0)));
        var reader = Task.Run(() =>
        {
            int next = 0;
            var random = new Random(11);
            while (next < count)
            {
                consumer.Read((_, payload) => Assert.Equal(next++, BitConverter.ToInt32(payload)), random.Next(1, 40), Generous);
                if (random.Next(8) == 0)
                {
                    Thread.Sleep(1); // let the ring fill, so the producer waits
                }
            }

            return next;
        });
        byte[] payload = new byte[60];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await producer.WriteAsync(payload);
        }

        Assert.Equal(count, await reader.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.True(producer.Waits.Woken >= 1, $"the producer never waited: {producer.Waits}");
    }

    /// <summary>Writes sequence numbers 0, 1, ... until the ring is full; returns how many.</summary>
    private static int Fill(RingProducer producer)
    {
        int written = 0;
        while (producer.TryWrite(BitConverter.GetBytes(written)))
        {
            written++;
        }

        return written;
    }

    private static int Check(ReadOnlySpan<byte> payload, ref int next, int written)
    {
        int value = BitConverter.ToInt32(payload);
        if (next < written)
        {
            Assert.Equal(next, value);
            next++;
        }

        return value;
    }
}
