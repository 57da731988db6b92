using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>
/// The consumer's release policy (RingConsumer.Consume) where the model test cannot reach: what a drained read held
/// back is released before every sleep (blocking or async), the walk never reaches the held-back bytes a lap later, and
/// a ring made by a build that keeps no read position is read as before (released at once, the field ignored); and the
/// two triggers no other test isolates: a producer's announced sleep for space, and the release right before the kernel
/// wait of what the wait's last re-check stepped over.
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
        RingStatus held = ring.GetStatus(); // the status shows both positions
        Assert.Equal((0L, 24L, 24L), (held.ReleasedPosition, held.Head, held.Tail));

        var waiting = BlockingCall.Start(() => consumer.WaitForData(Generous)).WaitUntilAsleep();
        Assert.Equal(ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Head.LoadAcquire());
        Assert.Equal(24L, ring.GetStatus().ReleasedPosition);

        Assert.True(producer.TryWrite(new byte[16]));
        Assert.True(await waiting.Task.WaitAsync(Generous));
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

    /// <summary>A read that drains the ring releases at once while a producer's sleep for space is announced: the
    /// sleeper waits for exactly the space that read frees, and nothing else would wake it. The announcement is made
    /// by hand here, as a producer's blocking write makes it (its slot's bit in the producers-asleep word): a real
    /// producer only sleeps for space in a ring fuller than a held-back read can leave it.</summary>
    [Fact]
    public void A_drained_read_releases_at_once_while_a_producer_sleep_for_space_is_announced()
    {
        using var test = new TestRing("release-asleep", new RingOptions { Capacity = 4096 });
        var (_, ring, producer, consumer) = test;
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.True(ring.Header.Head.LoadAcquire() < ring.Header.ConsumedPosition.LoadAcquire(), "the drained read released at once");

        ring.Header.ProducersAsleep.StoreRelease(1); // slot 0's bit: the producer's
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.Equal(ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Head.LoadAcquire());

        ring.Header.ProducersAsleep.StoreRelease(0); // withdrawn: the next drained read holds back again
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.Equal(1, consumer.Read((_, _) => { }));
        Assert.True(ring.Header.Head.LoadAcquire() < ring.Header.ConsumedPosition.LoadAcquire(), "a drained read released with no sleeper announced");
    }

    /// <summary>A blocking wait's last re-check, after its announcement, may step over padding — here a dead producer's
    /// claim that the recovery before the sleep revoked — and hold that step back like any drained read. The wait
    /// releases it right before the kernel wait, so a sleeping consumer never sits on bytes it has passed.</summary>
    [Fact]
    public async Task Padding_the_last_re_check_steps_over_is_released_before_the_wait_sleeps()
    {
        using var name = new TempName("release-recheck");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using RingProducer producer = ring.CreateProducer();
        using RingConsumer consumer = ring.CreateConsumer(WaitStrategy.SpinThenBlock(0)); // recovers before its sleep
        Assert.True(producer.TryClaim(8, out RingClaim claim));
        using (var section = SharedSection.Open(name))
        {
            // The claim now names a registry slot nobody holds: a dead producer's, which the consumer revokes.
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + 4, 4), ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1));
        }

        var waiting = BlockingCall.Start(() => consumer.WaitForData(Generous)).WaitUntilAsleep();
        long tail = ring.Header.Tail.LoadAcquire();
        Assert.Equal((tail, tail), (ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Head.LoadAcquire()));

        claim.Dispose(); // aborting a revoked claim changes nothing
        Assert.True(producer.TryWrite(new byte[16]));
        Assert.True(await waiting.Task.WaitAsync(Generous));
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
