using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>
/// The consumer's release policy (RingConsumer.Consume) where the model test cannot reach: what a drained read held
/// back is released before every sleep (blocking or async), the walk never reaches the held-back bytes a lap later, and
/// a ring made by a build that keeps no read position is read as before (released at once, the field ignored).
/// </summary>
public class ReleasePolicyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_drained_read_holds_its_release_back_and_a_blocking_wait_releases_it_before_it_sleeps()
    {
        // No spin phase: the sleep comes after a few yields, before the idle release's 64 polls.
        using var name = new TempName("release-sleep");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using RingProducer producer = ring.CreateProducer();
        using RingConsumer consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(0));
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.True(ring.Header.Head.LoadAcquire() < ring.Header.ConsumedPosition.LoadAcquire(), "the drained read released at once");

        var waiting = BlockingCall.Start(() => consumer.WaitForData(Generous)).WaitUntilAsleep();
        Assert.Equal(ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Head.LoadAcquire());

        Assert.True(producer.TryWrite(new byte[16]));
        await waiting.Task.WaitAsync(Generous);
    }

    [Fact]
    public async Task An_async_wait_releases_what_was_held_back_before_it_registers()
    {
        using var test = new TestRing("release-async");
        var (_, ring, producer, consumer) = test;
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.True(ring.Header.Head.LoadAcquire() < ring.Header.ConsumedPosition.LoadAcquire(), "the drained read released at once");

        ValueTask<bool> waiting = consumer.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Head.LoadAcquire());

        Assert.True(producer.TryWrite(new byte[16]));
        Assert.True(await waiting.AsTask().WaitAsync(Generous));
    }

    /// <summary>Producers may write up to one capacity past the released head; the held-back records behind it are
    /// still there, committed-looking, one lap on. A walk that went one lap from the read position would hand them out
    /// again.</summary>
    [Fact]
    public void A_ring_filled_up_to_the_held_back_bytes_hands_out_only_the_new_messages()
    {
        using var test = new TestRing("release-lap", new RingOptions { Capacity = 4096 });
        var (_, ring, producer, consumer) = test;
        for (int i = 0; i < 3; i++)
        {
            Assert.True(producer.TryWrite(ReadOnlySpan<byte>.Empty, 1)); // 8-byte records: no padding, ever
        }

        Assert.Equal(3, consumer.Read((_, _) => { }));
        Assert.Equal((0L, 24L), (ring.Header.Head.LoadAcquire(), ring.Header.ConsumedPosition.LoadAcquire()));

        int written = 0;
        while (producer.TryWrite(ReadOnlySpan<byte>.Empty, 2))
        {
            written++;
        }

        Assert.Equal((4096 - 24) / 8, written); // up to the released head plus one capacity: over the held-back records
        int stale = 0;
        int read = consumer.Read((type, _) => stale += type == 2 ? 0 : 1);
        Assert.Equal((written, 0), (read, stale));
    }

    /// <summary>A ring without <see cref="RingHeader.FlagReadPosition"/> was made by a build before the release policy:
    /// its read-position word means nothing (that build never writes it), and its consumers start at the head, so this
    /// build must neither trust the word nor hold anything back.</summary>
    [Fact]
    public void A_ring_made_without_the_read_position_flag_ignores_the_word_and_releases_at_once()
    {
        using var name = new TempName("release-old-ring");
        using (var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 }))
        using (var section = SharedSection.Open(name))
        {
            Span<byte> flags = section.GetSpan(RingHeaderFields.Offsets.Flags, 4);
            BinaryPrimitives.WriteInt32LittleEndian(flags, BinaryPrimitives.ReadInt32LittleEndian(flags) & ~RingHeader.FlagReadPosition);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.ConsumedPosition, 8), 123_456); // junk
        }

        using var reopened = SharedRing.Open(name);
        Assert.False(reopened.Header.KeepsReadPosition);
        using RingProducer producer = reopened.CreateProducer();
        using RingConsumer consumer = reopened.CreateConsumer(); // the junk word is not read
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, reopened.GetStatus().UnreadMessages);
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.Equal(reopened.Header.Tail.LoadAcquire(), reopened.Header.Head.LoadAcquire());
        Assert.Equal(0, reopened.GetStatus().UnreadMessages);
    }
}
