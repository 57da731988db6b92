using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace RingIpc.Tests.Rings;

public class RingBehaviourTests
{
    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_message_written_in_one_mapping_is_read_in_another(RingKind kind)
    {
        using var name = new TempName("roundtrip");
        using var writerRing = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        using var readerRing = SharedRing.Open(name);
        Assert.Equal(kind, readerRing.Kind);
        Assert.Equal(4096, readerRing.Capacity);
        using var producer = writerRing.CreateProducer();
        using var consumer = readerRing.CreateConsumer();

        Assert.True(producer.TryWrite(new byte[] { 1, 2, 3 }, messageType: 42));
        Assert.True(consumer.TryRead(out RingMessage message));
        using (message)
        {
            Assert.Equal(42, message.MessageType);
            Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray());
        }

        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public void The_maximum_message_length_is_capacity_over_8_minus_the_record_header()
    {
        using var name = new TempName("max");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer();
        Assert.Equal(504, ring.MaxMessageLength);
        Assert.Equal(504, producer.MaxMessageLength);
        Assert.True(producer.TryWrite(new byte[504]));
    }

    [Fact]
    public void A_message_longer_than_the_maximum_is_refused_with_the_limit()
    {
        using var name = new TempName("too-long");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var producer = ring.CreateProducer();
        var error = Assert.Throws<ArgumentException>(() => producer.TryWrite(new byte[505]));
        Assert.Contains("504", error.Message);
        Assert.Throws<ArgumentException>(() => producer.TryClaim(505, out _));
        Assert.Throws<ArgumentException>(() => producer.TryClaim(-1, out _));
        using var consumer = ring.CreateConsumer();
        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public void An_empty_message_is_delivered()
    {
        using var test = new TestRing("empty");
        var (name, ring, producer, consumer) = test;
        Assert.True(producer.TryWrite(ReadOnlySpan<byte>.Empty, messageType: 3));
        Assert.True(consumer.TryRead(out RingMessage message));
        Assert.Equal(3, message.MessageType);
        Assert.Equal(0, message.Payload.Length);
        message.Dispose();
    }

    [Fact]
    public void Negative_message_types_are_reserved()
    {
        using var name = new TempName("type");
        using var ring = SharedRing.Create(name);
        using var producer = ring.CreateProducer();
        Assert.Throws<ArgumentOutOfRangeException>(() => producer.TryWrite(new byte[1], messageType: -1));
    }

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void A_full_ring_refuses_the_write_and_writes_nothing(RingKind kind)
    {
        using var test = new TestRing("full", new RingOptions { Kind = kind, Capacity = 4096 });
        var (name, ring, producer, consumer) = test;

        // Message i is 120 bytes of value i with type i: 128-byte records, exactly 32 fit.
        static byte[] MessageOf(int i) => Enumerable.Repeat((byte)i, 120).ToArray();
        int written = 0;
        while (producer.TryWrite(MessageOf(written), messageType: written))
        {
            written++;
        }

        Assert.Equal(32, written);
        using var section = SharedSection.Open(name);
        byte[] dataWhenFull = section.GetSpan(RingHeader.Size, 4096).ToArray();
        long tailWhenFull = ring.Header.Tail.LoadAcquire();

        // Refused writes of every shape, each with bytes and a type that no written message has.
        Assert.False(producer.TryWrite(Enumerable.Repeat((byte)0xEE, 120).ToArray(), messageType: 0xEE));
        Assert.False(producer.TryWrite(new byte[] { 0xEF }, messageType: 0xEF));
        Assert.False(producer.TryWrite(ReadOnlySpan<byte>.Empty, messageType: 0xF0));
        Assert.False(producer.TryClaim(0, out _, messageType: 0xF1));
        Assert.False(producer.TryClaim(ring.MaxMessageLength, out _, messageType: 0xF2));
        Assert.Equal(tailWhenFull, ring.Header.Tail.LoadAcquire());
        Assert.Equal(dataWhenFull, section.GetSpan(RingHeader.Size, 4096).ToArray());

        var received = new List<(int Type, byte[] Payload)>();
        int read = consumer.Read((type, payload) => received.Add((type, payload.ToArray())));
        Assert.Equal(32, read);
        for (int i = 0; i < 32; i++)
        {
            Assert.Equal(i, received[i].Type);
            Assert.Equal(MessageOf(i), received[i].Payload);
        }

        Assert.False(consumer.TryRead(out _));
        Assert.True(producer.TryWrite(MessageOf(32), messageType: 32));
        received.Clear();
        Assert.Equal(1, consumer.Read((type, payload) => received.Add((type, payload.ToArray()))));
        Assert.Equal(32, received[0].Type);
        Assert.Equal(MessageOf(32), received[0].Payload);
    }

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void An_aborted_or_abandoned_claim_leaves_no_record(RingKind kind)
    {
        using var test = new TestRing("abort", new RingOptions { Kind = kind, Capacity = 4096 });
        var (name, ring, producer, consumer) = test;

        Assert.True(producer.TryClaim(10, out RingClaim aborted, messageType: 1));
        aborted.Span.Fill(0xEE);
        aborted.Abort();
        AssertThrows<InvalidOperationException>(ref aborted, static (ref RingClaim c) => c.Commit());

        using (RingClaim abandoned = ClaimOrFail(producer, 20))
        {
            abandoned.Span.Fill(0xDD);
        }

        Assert.True(producer.TryClaim(3, out RingClaim committed, messageType: 7));
        committed.Span[0] = 9;
        committed.Commit();
        AssertThrows<InvalidOperationException>(ref committed, static (ref RingClaim c) => c.Abort());
        committed.Dispose();

        Assert.True(consumer.TryRead(out RingMessage message));
        Assert.Equal(7, message.MessageType);
        Assert.Equal(new byte[] { 9, 0, 0 }, message.Payload.ToArray());
        message.Dispose();
        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public void The_consumer_stops_at_an_uncommitted_claim_until_it_is_committed()
    {
        using var name = new TempName("pending");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc });
        using var first = ring.CreateProducer();
        using var second = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        Assert.True(first.TryClaim(4, out RingClaim pending, messageType: 1));
        Assert.True(second.TryWrite(new byte[] { 2 }, messageType: 2));
        Assert.False(consumer.TryRead(out _));
        pending.Commit();
        Assert.Equal(2, consumer.Read((_, _) => { }));
    }

    [Fact]
    public void A_message_stays_valid_until_disposed_and_blocks_the_next_read()
    {
        using var test = new TestRing("release");
        var (name, ring, producer, consumer) = test;
        producer.TryWrite(new byte[] { 1 });
        producer.TryWrite(new byte[] { 2 });
        Assert.True(consumer.TryRead(out RingMessage first));
        Assert.Throws<InvalidOperationException>(() => consumer.TryRead(out _));
        Assert.Throws<InvalidOperationException>(() => consumer.Read((_, _) => { }));
        Assert.Equal(1, first.Payload[0]);
        first.Dispose();
        Assert.True(consumer.TryRead(out RingMessage second));
        first.Dispose(); // a stale copy must not release the second message
        Assert.Throws<InvalidOperationException>(() => consumer.TryRead(out _));
        Assert.Equal(2, second.Payload[0]);
        second.Dispose();
    }

    [Fact]
    public void A_batch_read_respects_its_limit_and_keeps_order()
    {
        using var test = new TestRing("batch");
        var (name, ring, producer, consumer) = test;
        for (byte i = 0; i < 10; i++)
        {
            Assert.True(producer.TryWrite(new[] { i }, messageType: i));
        }

        var seen = new System.Collections.Generic.List<int>();
        Assert.Equal(4, consumer.Read((type, payload) => seen.Add(payload[0] * 100 + type), maxMessages: 4));
        Assert.Equal(6, consumer.Read((type, payload) => seen.Add(payload[0] * 100 + type)));
        Assert.Equal(new[] { 0, 101, 202, 303, 404, 505, 606, 707, 808, 909 }, seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => consumer.Read((_, _) => { }, 0));
        Assert.Throws<ArgumentNullException>(() => consumer.Read(null!));
    }

    [Fact]
    public void A_handler_that_throws_consumes_the_messages_handed_to_it()
    {
        using var test = new TestRing("throwing");
        var (name, ring, producer, consumer) = test;
        for (byte i = 0; i < 5; i++)
        {
            producer.TryWrite(new[] { i });
        }

        Assert.Throws<InvalidTimeZoneException>(() => consumer.Read((_, payload) =>
        {
            if (payload[0] == 2)
            {
                throw new InvalidTimeZoneException();
            }
        }));
        Assert.True(consumer.TryRead(out RingMessage next));
        Assert.Equal(3, next.Payload[0]);
        next.Dispose();
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct Quote
    {
        public long Instrument;
        public double Price;
        public int Size;
    }

    [Fact]
    public void A_typed_message_round_trips_with_its_size()
    {
        using var test = new TestRing("typed");
        var (name, ring, producer, consumer) = test;
        Assert.True(producer.TryWrite(new Quote { Instrument = 7, Price = 1.5, Size = -3 }, messageType: 5));
        Assert.True(consumer.TryRead(out RingMessage message));
        Assert.Equal(20, message.Payload.Length);
        Quote quote = MemoryMarshal.Read<Quote>(message.Payload);
        message.Dispose();
        Assert.Equal((7L, 1.5, -3), (quote.Instrument, quote.Price, quote.Size));
    }

    [Fact]
    public void Use_after_dispose_throws_ObjectDisposedException()
    {
        using var name = new TempName("disposed");
        var ring = SharedRing.Create(name);
        var producer = ring.CreateProducer();
        var consumer = ring.CreateConsumer();
        producer.Dispose();
        consumer.Dispose();
        producer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => producer.TryWrite(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => producer.TryClaim(1, out _));
        Assert.Throws<ObjectDisposedException>(() => consumer.TryRead(out _));
        Assert.Throws<ObjectDisposedException>(() => consumer.Read((_, _) => { }));
        Assert.Throws<ObjectDisposedException>(() => consumer.WaitForData(TimeSpan.Zero));

        var producer2 = SharedRing.Open(name).CreateProducer();
        ring.Dispose();
        ring.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ring.CreateProducer());
        Assert.Throws<ObjectDisposedException>(() => ring.CreateConsumer());
        Assert.True(producer2.TryWrite(new byte[1])); // another mapping of the same ring is unaffected
        producer2.Dispose();
    }

    [Fact]
    public void A_claim_still_open_when_its_producer_and_ring_are_disposed_can_be_completed()
    {
        using var name = new TempName("open-claim");
        var ring = SharedRing.Create(name);
        var producer = ring.CreateProducer();
        Assert.True(producer.TryClaim(3, out RingClaim claim, messageType: 4));
        producer.Dispose();
        ring.Dispose();
        claim.Span[0] = 42; // still mapped: the producer keeps the mapping until its claims are complete
        claim.Commit();

        using var reader = SharedRing.Open(name);
        using var consumer = reader.CreateConsumer();
        Assert.True(consumer.TryRead(out RingMessage message));
        Assert.Equal((4, 42), (message.MessageType, (int)message.Payload[0]));
        message.Dispose();
    }

    [Fact]
    public void Using_a_claim_variable_after_committing_it_does_not_abort_or_throw()
    {
        using var test = new TestRing("using-claim");
        var (name, ring, producer, consumer) = test;
        if (producer.TryClaim(1, out RingClaim claim, messageType: 1))
        {
            using (claim) // disposes a hidden copy that does not know about the Commit below
            {
                claim.Span[0] = 9;
                claim.Commit();
            }
        }

        Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((1, 9), (type, (int)payload[0]))));
    }

    [Fact]
    public void A_stale_copy_of_a_claim_cannot_complete_a_later_claim_in_the_same_slot()
    {
        using var test = new TestRing("stale-claim", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        Assert.True(producer.TryClaim(120, out RingClaim first, messageType: 1));
        RingClaim copy = first;
        first.Commit();
        consumer.Read((_, _) => { });

        // A full lap later, a new claim of the same length occupies the first one's slot.
        for (int i = 0; i < 31; i++)
        {
            Assert.True(producer.TryWrite(new byte[120], 2));
            consumer.Read((_, _) => { });
        }

        Assert.True(producer.TryClaim(120, out RingClaim second, messageType: 3));
        AssertThrows<InvalidOperationException>(ref copy, static (ref RingClaim c) => c.Abort());
        copy.Dispose(); // does nothing
        second.Commit();
        Assert.Equal(1, consumer.Read((type, _) => Assert.Equal(3, type)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(2048)]
    [InlineData(4095)]
    [InlineData(4097)]
    [InlineData(6144)]
    [InlineData((1 << 30) + 1)]
    [InlineData(int.MinValue)]
    [InlineData(-4096)]
    public void Capacities_must_be_powers_of_two_from_4KiB_to_1GiB(int capacity)
    {
        using var name = new TempName("capacity");
        var error = Assert.ThrowsAny<ArgumentException>(() => SharedRing.Create(name, new RingOptions { Capacity = capacity }));
        Assert.Contains("power of two", error.Message);
        Assert.False(File.Exists(name.Path));
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        using var name = new TempName("kind");
        Assert.ThrowsAny<ArgumentException>(() => SharedRing.Create(name, new RingOptions { Kind = (RingKind)3 }));
    }

    [Fact]
    public void Invalid_ring_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SharedRing.Create("../escape"));
        Assert.Throws<ArgumentException>(() => SharedRing.Open("a/b"));
        Assert.Throws<ArgumentException>(() => SharedRing.Delete(""));
    }

    [Fact]
    public void OpenOrCreate_attaches_to_an_existing_ring_and_checks_its_shape()
    {
        using var name = new TempName("ooc");
        using var created = SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 8192 });
        using var opened = SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 8192 });
        Assert.True(created.Created);
        Assert.False(opened.Created);
        var error = Assert.Throws<InvalidOperationException>(() => SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Spsc, Capacity = 8192 }));
        Assert.Contains("Mpsc", error.Message);
        Assert.Throws<InvalidOperationException>(() => SharedRing.OpenOrCreate(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 }));
    }

    [Fact]
    public void Create_refuses_an_existing_name_and_Open_a_missing_one()
    {
        using var name = new TempName("exists");
        using var ring = SharedRing.Create(name);
        Assert.Throws<IOException>(() => SharedRing.Create(name));
        Assert.True(SharedRing.Delete(name));
        Assert.Throws<FileNotFoundException>(() => SharedRing.Open(name));
    }

    private delegate void ClaimAction(ref RingClaim claim);

    /// <summary>Assert.Throws for a ref struct, which a lambda cannot capture.</summary>
    private static void AssertThrows<TException>(ref RingClaim claim, ClaimAction action)
        where TException : Exception
    {
        try
        {
            action(ref claim);
        }
        catch (TException)
        {
            return;
        }

        Assert.Fail($"{typeof(TException).Name} was not thrown.");
    }

    private static RingClaim ClaimOrFail(RingProducer producer, int length)
    {
        Assert.True(producer.TryClaim(length, out RingClaim claim));
        return claim;
    }
}
