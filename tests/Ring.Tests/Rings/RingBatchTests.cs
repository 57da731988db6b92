using System;
using System.Collections.Generic;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary><see cref="RingBatch"/>: many messages, one publication, all or nothing (the model test covers random
/// batches; these pin the edges: visibility, errors, copies, completion after dispose, MPSC).</summary>
public class RingBatchTests
{
    private delegate void BatchAction(RingBatch batch);

    [Fact]
    public void The_consumer_sees_none_of_an_open_batch_and_all_of_it_at_the_commit()
    {
        using var test = new TestRing("batch-visible", new RingOptions { Capacity = 4096 });
        var (_, _, producer, consumer) = test;
        Assert.True(producer.TryBeginBatch(256, out RingBatch batch));
        Assert.True(batch.TryWrite([1, 2, 3], messageType: 1));
        Assert.True(batch.TryWrite(0x0102030405060708L, messageType: 2));
        Assert.True(batch.TryClaim(5, out Span<byte> inPlace, messageType: 3));
        inPlace.Fill(9);
        Assert.Equal(3, batch.Count);
        Assert.False(consumer.TryRead(out _), "a message of an open batch was visible");

        batch.Commit();
        var received = new List<(int Type, byte[] Payload)>();
        Assert.Equal(3, consumer.Read((type, payload) => received.Add((type, payload.ToArray()))));
        Assert.Equal([1, 2, 3], received.ConvertAll(r => r.Type));
        Assert.Equal([[1, 2, 3], BitConverter.GetBytes(0x0102030405060708L), [9, 9, 9, 9, 9]], received.ConvertAll(r => r.Payload));
        Assert.False(consumer.TryRead(out _));
    }

    [Fact]
    public void A_batch_says_full_at_the_first_message_that_does_not_fit_and_commits_what_fitted()
    {
        using var test = new TestRing("batch-full", new RingOptions { Capacity = 4096 });
        var (_, ring, producer, consumer) = test;
        Assert.True(producer.TryBeginBatch(69, out RingBatch batch)); // rounded down to 64: two records of 24 and one of 16
        Assert.True(batch.TryWrite(new byte[16]));
        Assert.True(batch.TryWrite(new byte[16]));
        Assert.False(batch.TryWrite(new byte[9]), "a 24-byte record fitted in the 16 bytes left");
        Assert.True(batch.TryWrite(new byte[8]));
        Assert.False(batch.TryWrite([]), "a record fitted in a full batch");
        batch.Commit();
        Assert.Equal(64, ring.Header.Tail.LoadAcquire());
        Assert.Equal(3, consumer.Read((_, _) => { }));
    }

    [Fact]
    public void An_aborted_or_disposed_batch_leaves_nothing_and_gives_its_room_back()
    {
        using var test = new TestRing("batch-abort", new RingOptions { Capacity = 4096 });
        var (_, ring, producer, consumer) = test;
        Assert.True(producer.TryBeginBatch(producer.MaxBatchLength, out RingBatch aborted));
        Assert.True(aborted.TryWrite([1]));
        aborted.Abort();
        Assert.True(producer.TryBeginBatch(100, out RingBatch disposed));
        using (disposed)
        {
            Assert.True(disposed.TryWrite([2]));
        }

        Assert.True(producer.TryBeginBatch(100, out RingBatch empty));
        empty.Commit(); // committed empty: released like an abort
        Assert.True(producer.TryWrite([3], messageType: 7));
        Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((7, 3), (type, (int)payload[0]))));
        Assert.False(consumer.TryRead(out _));
        consumer.Dispose();
        Assert.Equal(ring.Header.Tail.LoadAcquire(), ring.Header.Head.LoadAcquire());
    }

    [Fact]
    public void Bad_arguments_and_misuse_are_refused_with_clear_errors()
    {
        using var test = new TestRing("batch-errors", new RingOptions { Capacity = 4096 });
        var (_, _, producer, consumer) = test;
        Assert.Equal(512, producer.MaxBatchLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => producer.TryBeginBatch(7, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => producer.TryBeginBatch(513, out _));
        Assert.True(producer.TryBeginBatch(512, out RingBatch batch));
        Assert.Contains("batch open", Assert.Throws<InvalidOperationException>(() => producer.TryBeginBatch(64, out _)).Message);
        Throws<ArgumentException>(batch, b => b.TryWrite(new byte[producer.MaxMessageLength + 1]));
        Throws<ArgumentOutOfRangeException>(batch, b => b.TryWrite([1], messageType: -1));
        Throws<ArgumentException>(batch, b => b.TryClaim(-1, out _));
        Assert.Equal(0, batch.Count);

        RingBatch copy = batch;
        copy.Commit();
        Throws<InvalidOperationException>(batch, b => b.Commit());
        Throws<InvalidOperationException>(batch, b => b.Abort());
        Throws<InvalidOperationException>(batch, b => b.TryWrite([1]));
        Throws<InvalidOperationException>(batch, b => _ = b.Count);
        batch.Dispose(); // a completed batch: nothing to do

        Assert.True(producer.TryBeginBatch(64, out RingBatch next));
        Assert.True(next.TryWrite([5]));
        batch.Dispose(); // a copy of an earlier batch must not abort the one open now
        next.Commit();
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(5, payload[0])));
        Throws<InvalidOperationException>(default, b => b.Commit());
        default(RingBatch).Dispose();
    }

    [Fact]
    public void A_full_ring_refuses_a_batch_and_reserves_nothing()
    {
        using var test = new TestRing("batch-no-room", new RingOptions { Capacity = 4096 });
        var (_, ring, producer, _) = test;
        while (producer.TryWrite(new byte[500]))
        {
        }

        long tail = ring.Header.Tail.LoadAcquire();
        Assert.False(producer.TryBeginBatch(512, out _));
        Assert.Equal(tail, ring.Header.Tail.LoadAcquire());
    }

    [Fact]
    public void A_typed_ring_takes_only_its_struct_in_a_batch()
    {
        using var name = new TempName("batch-typed");
        using var ring = SharedRing.Create<QuoteV1>(name);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        Assert.True(producer.TryBeginBatch(256, out RingBatch batch));
        Assert.True(batch.TryWrite(new QuoteV1 { Instrument = 1, Price = 2.5 }, messageType: 4));
        Throws<ArgumentException>(batch, b => b.TryWrite(new byte[3]));
        batch.Commit();
        Assert.True(consumer.TryRead(out QuoteV1 quote, out int type));
        Assert.Equal((1L, 2.5, 4), (quote.Instrument, quote.Price, type));
    }

    [Fact]
    public void A_batch_can_be_completed_after_its_producer_was_disposed()
    {
        using var name = new TempName("batch-after-dispose");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = 4096 });
        using var consumer = ring.CreateConsumer();
        var producer = ring.CreateProducer();
        Assert.True(producer.TryBeginBatch(128, out RingBatch batch));
        Assert.True(batch.TryWrite([6]));
        producer.Dispose();
        Assert.True(batch.TryWrite([7]));
        batch.Commit();
        var received = new List<int>();
        Assert.Equal(2, consumer.Read((_, payload) => received.Add(payload[0])));
        Assert.Equal([6, 7], received);
        using var successor = ring.CreateProducer(); // the SPSC role was given up once the batch completed
    }

    [Fact]
    public void An_mpsc_consumer_stops_at_an_open_batch_and_keeps_the_order_of_the_claims()
    {
        using var test = new TestRing("batch-mpsc", new RingOptions { Kind = RingKind.Mpsc, Capacity = 4096 });
        var (_, ring, producer, consumer) = test;
        using var other = ring.CreateProducer();
        Assert.True(other.TryWrite([1]));
        Assert.True(producer.TryBeginBatch(64, out RingBatch batch));
        Assert.True(other.TryWrite([4])); // claimed after the batch: read after it
        Assert.True(batch.TryWrite([2]));
        Assert.True(batch.TryWrite([3]));
        var received = new List<int>();
        Assert.Equal(1, consumer.Read((_, payload) => received.Add(payload[0])));
        batch.Commit();
        Assert.Equal(3, consumer.Read((_, payload) => received.Add(payload[0])));
        Assert.Equal([1, 2, 3, 4], received);
    }

    private static void Throws<T>(RingBatch batch, BatchAction action)
        where T : Exception
    {
        try
        {
            action(batch);
        }
        catch (T)
        {
            return;
        }

        Assert.Fail($"expected {typeof(T).Name}");
    }
}
