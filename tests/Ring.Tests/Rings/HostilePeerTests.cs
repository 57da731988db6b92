using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Misuse and hostile values that must give a clear exception, never a crash or a hang.</summary>
public class HostilePeerTests
{
    [Theory]
    [InlineData(-4L)]
    [InlineData(4092L)]
    [InlineData(3L)]
    public void A_misaligned_claim_position_in_an_mpsc_ring_is_refused(long tail)
    {
        using var name = new TempName("hostile-tail");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        using var producer = ring.CreateProducer();
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(128, 8), tail);
        }

        Assert.Equal("tail position", Assert.Throws<RingFormatException>(() => producer.TryWrite(new byte[8])).Field);
    }

    [Fact]
    public void A_handler_that_reads_from_its_own_consumer_is_refused()
    {
        using var test = new TestRing("reentrant");
        var (name, ring, producer, consumer) = test;
        producer.TryWrite(new byte[] { 1 });
        producer.TryWrite(new byte[] { 2 });
        Assert.Throws<InvalidOperationException>(() => consumer.Read((_, _) => consumer.Read((_, _) => { })));

        // The failing handler consumed message 1 (as any throwing handler does); message 2 comes once, next.
        Assert.True(consumer.TryRead(out RingMessage next));
        Assert.Equal(2, next.Payload[0]);
        next.Dispose();
        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public void Waiting_with_a_pending_message_is_refused()
    {
        using var test = new TestRing("pending-wait");
        var (name, ring, producer, consumer) = test;
        producer.TryWrite(new byte[] { 1 });
        Assert.True(consumer.TryRead(out RingMessage message));
        Assert.Throws<InvalidOperationException>(() => consumer.WaitForData(TimeSpan.Zero));
        message.Dispose();
    }

    [Fact]
    public async Task The_longest_timeout_waits_instead_of_timing_out_at_once()
    {
        using var test = new TestRing("max-timeout");
        var (name, ring, producer, consumer) = test;
        var waiting = Task.Run(() => consumer.WaitForData(TimeSpan.MaxValue));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        producer.Write(new byte[] { 1 }, TimeSpan.MaxValue);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Disposing_the_ring_under_a_blocked_wait_ends_it_with_ObjectDisposedException()
    {
        using var name = new TempName("dispose-under-wait");
        var ring = SharedRing.Create(name);
        var consumer = ring.CreateConsumer();
        var waiting = Task.Run(() => consumer.WaitForData(TimeSpan.FromSeconds(30)));
        await Task.Delay(100);
        ring.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        consumer.Dispose();
    }
}
