using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>
/// Model-based property test: random sequences of writes, claims (committed or aborted), write batches (committed
/// or aborted, each of random messages written or claimed in place until one does not fit), single and
/// batch reads are applied both to a ring and to a <see cref="Queue{T}"/> of byte arrays, over many
/// wraps, for both kinds and several capacities. The model also predicts from positions alone whether
/// each write fits, so the ring may neither lose space nor overfill, and when the consumer gives back what it read. Each case starts the ring's positions at 0,
/// just below 2^32 (so that they cross it during the run) or high in the range (2^61 − 3 capacities).
/// </summary>
public class RingModelTests
{
    private enum OpKind
    {
        Write,
        ClaimCommit,
        ClaimAbort,
        BatchCommit,
        BatchAbort,
        Read,
        BatchRead,
    }

    private enum StartKind
    {
        Zero,
        Below2To32,
        High,
    }

    private readonly record struct Op(OpKind Kind, int Size, int Max)
    {
        public override string ToString() => $"{Kind}({Size},{Max})";
    }

    /// <summary>One generated case: where head and tail start, and the operations.</summary>
    private readonly record struct Case(StartKind StartKind, long Start, Op[] Sequence)
    {
        public override string ToString() => $"start {Start} ({StartKind}): [{string.Join(", ", Sequence)}]";
    }

    [Theory]
    [InlineData(RingKind.Spsc, 4096)]
    [InlineData(RingKind.Spsc, 8192)]
    [InlineData(RingKind.Spsc, 65536)]
    [InlineData(RingKind.Mpsc, 4096)]
    [InlineData(RingKind.Mpsc, 16384)]
    public void The_ring_behaves_like_a_queue(RingKind kind, int capacity)
    {
        int maxMessage = capacity / 8 - 8;
        Gen<int> sizes = Gen.Frequency(
            (3, Gen.Choose(0, 16)),
            (3, Gen.Choose(0, maxMessage)),
            (1, Gen.Elements(0, 1, 7, 8, maxMessage - 1, maxMessage)));
        Gen<Op> ops = Gen.Frequency(
            (4, sizes.Select(s => new Op(OpKind.Write, s, 0))),
            (2, sizes.Select(s => new Op(OpKind.ClaimCommit, s, 0))),
            (1, sizes.Select(s => new Op(OpKind.ClaimAbort, s, 0))),
            (2, BatchBytes(capacity).SelectMany(_ => Gen.Choose(0, 30), (bytes, messages) => new Op(OpKind.BatchCommit, bytes, messages))),
            (1, BatchBytes(capacity).SelectMany(_ => Gen.Choose(0, 10), (bytes, messages) => new Op(OpKind.BatchAbort, bytes, messages))),
            (3, Gen.Constant(new Op(OpKind.Read, 0, 0))),
            (1, Gen.Choose(60, 70).Select(n => new Op(OpKind.Read, 0, n))), // a consumer polling an empty ring: the idle release
            (2, Gen.Choose(1, 40).Select(m => new Op(OpKind.BatchRead, 0, m))));
        Gen<(StartKind, long)> starts = Gen.Frequency(
            (1, Gen.Constant((StartKind.Zero, 0L))),
            (2, Gen.Choose(0, 64).Select(k => (StartKind.Below2To32, (1L << 32) - 4096 - (8L * k)))),
            (1, Gen.Choose(0, 64).Select(k => (StartKind.High, (1L << 61) - (3L * capacity) - (8L * k)))));
        Gen<Op[]> sequences = Gen.Choose(50, 400).SelectMany(n => Gen.ArrayOf(ops, n));
        Arbitrary<Case> cases = starts.SelectMany(_ => sequences, (start, sequence) => new Case(start.Item1, start.Item2, sequence)).ToArbitrary();

        // How many cases of each start ran, and how many of those that started below 2^32 moved past it.
        var ran = new Dictionary<StartKind, int>();
        int crossed2To32 = 0;
        Prop.ForAll(cases, c =>
            {
                long end = Run(kind, capacity, c.Start, c.Sequence);
                ran[c.StartKind] = ran.GetValueOrDefault(c.StartKind) + 1;
                if (c.Start < 1L << 32 && end >= 1L << 32)
                {
                    crossed2To32++;
                }
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(90));

        Assert.True(ran.Count == 3, $"not every start position was tried: {string.Join(", ", ran)}");
        Assert.True(crossed2To32 > 0, "no case that started below 2^32 moved its positions past 2^32");
    }

    /// <returns>The position head and tail reached once the ring was drained.</returns>
    private static long Run(RingKind kind, int capacity, long start, Op[] sequence)
    {
        using var test = new TestRing("model", new RingOptions { Kind = kind, Capacity = capacity, InitialPosition = start });
        var (name, ring, producer, consumer) = test;
        var model = new Model(capacity, start);
        int counter = 0;
        var received = new List<(int Type, byte[] Payload)>();
        RingMessageHandler collect = (type, payload) => received.Add((type, payload.ToArray()));

        foreach (Op op in sequence)
        {
            counter++;
            switch (op.Kind)
            {
                case OpKind.Write:
                case OpKind.ClaimCommit:
                case OpKind.ClaimAbort:
                {
                    byte[] payload = Payload(counter, op.Size);
                    int type = counter % 1000;
                    bool expected = model.Fits(op.Size);
                    bool actual = Apply(producer, op.Kind, payload, type);
                    Assert.True(expected == actual, $"op {counter} {op}: the model says fits={expected}, the ring said {actual}");
                    if (actual)
                    {
                        model.Append(op.Size, op.Kind == OpKind.ClaimAbort ? null : (type, payload));
                    }

                    break;
                }

                case OpKind.BatchCommit:
                case OpKind.BatchAbort:
                    ApplyBatch(producer, model, op, counter, capacity / 8 - 8);
                    break;

                case OpKind.Read:
                {
                    for (int poll = 0; poll < Math.Max(1, op.Max); poll++)
                    {
                        (int Type, byte[] Payload)? expected = model.TakeOne();
                        if (consumer.TryRead(out RingMessage message))
                        {
                            using (message)
                            {
                                Assert.True(expected.HasValue, $"op {counter}: the ring returned a message, the model is empty");
                                Assert.Equal(expected.Value.Type, message.MessageType);
                                Assert.Equal(expected.Value.Payload, message.Payload.ToArray());
                            }
                        }
                        else
                        {
                            Assert.False(expected.HasValue, $"op {counter}: the ring is empty, the model is not");
                        }
                    }

                    break;
                }

                case OpKind.BatchRead:
                {
                    var expected = model.TakeBatch(op.Max);
                    received.Clear();
                    int count = consumer.Read(collect, op.Max);
                    Assert.Equal(expected.Count, count);
                    Assert.Equal(expected.Select(e => e.Type), received.Select(r => r.Type));
                    Assert.Equal(expected.Select(e => e.Payload), received.Select(r => r.Payload));
                    break;
                }
            }

            long head = ring.Header.Head.LoadAcquire();
            Assert.True(model.Released == head, $"op {counter} {op}: the model released up to {model.Released}, the ring up to {head}");
        }

        // Drain: everything the model holds is still there, in order.
        var rest = new List<(int Type, byte[] Payload)>();
        for (var batch = model.TakeBatch(int.MaxValue); batch.Count > 0; batch = model.TakeBatch(int.MaxValue))
        {
            rest.AddRange(batch); // as the loop below: its last call finds the ring empty
        }

        received.Clear();
        while (consumer.Read(collect) > 0)
        {
        }

        Assert.Equal(rest.Select(e => e.Payload), received.Select(r => r.Payload));

        // The ring's own positions are the model's: nothing lost, nothing overfilled, every padding read, and the
        // release held back exactly as the model says; a disposed consumer releases the rest.
        Assert.Equal((model.Released, model.Tail, model.Tail),
            (ring.Header.Head.LoadAcquire(), ring.Header.ConsumedPosition.LoadAcquire(), ring.Header.Tail.LoadAcquire()));
        consumer.Dispose();
        Assert.Equal(model.Tail, ring.Header.Head.LoadAcquire());
        return model.Tail;
    }

    /// <summary>The bytes a batch asks for: small, up to the most a batch may take, the bounds, and lengths that are
    /// not multiples of 8.</summary>
    private static Gen<int> BatchBytes(int capacity) => Gen.Frequency(
        (3, Gen.Choose(8, 300)),
        (2, Gen.Choose(8, capacity / 8)),
        (1, Gen.Elements(8, 15, 16, capacity / 8 - 1, capacity / 8)));

    /// <summary>Begins a batch of <see cref="Op.Size"/> bytes, where the model says it fits; writes up to
    /// <see cref="Op.Max"/> messages of random sizes (copied or filled in place) while the model says each fits in the
    /// batch, and checks that the first that does not is refused; then commits or aborts it.</summary>
    private static void ApplyBatch(RingProducer producer, Model model, Op op, int counter, int maxMessage)
    {
        int regionBytes = op.Size & ~7;
        bool expected = model.FitsRecord(regionBytes);
        bool begun = producer.TryBeginBatch(op.Size, out RingBatch batch);
        Assert.True(expected == begun, $"op {counter} {op}: the model says the batch fits={expected}, the ring said {begun}");
        if (!begun)
        {
            return;
        }

        var random = new Random(counter);
        var messages = new List<(int Length, (int Type, byte[] Payload) Message)>();
        int used = 0;
        for (int i = 0; i < op.Max; i++)
        {
            byte[] payload = Payload(counter * 100 + i, random.Next(4) == 0 ? random.Next(maxMessage + 1) : random.Next(40));
            int type = (counter + i) % 1000;
            int record = (8 + payload.Length + 7) & ~7;
            bool fits = record <= regionBytes - used;
            bool written;
            if (random.Next(2) == 0)
            {
                written = batch.TryWrite(payload, type);
            }
            else
            {
                written = batch.TryClaim(payload.Length, out Span<byte> span, type);
                if (written)
                {
                    payload.CopyTo(span);
                }
            }

            Assert.True(fits == written, $"op {counter} {op}, message {i} of {payload.Length} B: the model says it fits={fits}, the batch said {written}");
            if (!written)
            {
                break;
            }

            used += record;
            messages.Add((record, (type, payload)));
        }

        Assert.Equal(messages.Count, batch.Count);
        if (op.Kind == OpKind.BatchCommit)
        {
            batch.Commit();
            model.AppendBatch(regionBytes, messages);
        }
        else
        {
            batch.Abort();
            model.AppendBatch(regionBytes, []);
        }

        bool threw = false;
        try
        {
            batch.Commit(); // a completed batch stays completed
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }

        Assert.True(threw, $"op {counter}: a completed batch committed again");
    }

    private static bool Apply(RingProducer producer, OpKind kind, byte[] payload, int type)
    {
        if (kind == OpKind.Write)
        {
            return producer.TryWrite(payload, type);
        }

        if (!producer.TryClaim(payload.Length, out RingClaim claim, type))
        {
            return false;
        }

        payload.CopyTo(claim.Span);
        if (kind == OpKind.ClaimCommit)
        {
            claim.Commit();
        }
        else
        {
            claim.Abort();
        }

        return true;
    }

    private static byte[] Payload(int seed, int size)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The reference: a queue of messages plus the byte positions a ring of this capacity
    /// would use (8-aligned records, padding to the end of the data area when a record would cross it), and the
    /// consumer's release policy: what it read is given back to producers at once, unless the read drained the ring:
    /// then once a sixteenth of the ring is read and held back, or on the 64th empty poll in a row at the same position.</summary>
    private sealed class Model(int capacity, long start)
    {
        private const int IdleReleasePolls = 64;
        private readonly Queue<(long Length, (int Type, byte[] Payload)? Message)> _records = new();
        private long _head = start;
        private long _released = start;
        private long _tail = start;
        private long _stuckAt = -1;
        private int _stuckPolls;

        public long Tail => _tail;

        /// <summary>The head producers see: the consumer's release.</summary>
        public long Released => _released;

        public bool Fits(int size) => FitsRecord((8 + size + 7) & ~7);

        /// <summary>Whether a record of <paramref name="record"/> bytes (a multiple of 8) fits.</summary>
        public bool FitsRecord(int record)
        {
            long toEnd = capacity - (_tail % capacity);
            long padding = record > toEnd ? toEnd : 0;
            return _tail + padding + record - _released <= capacity;
        }

        public void Append(int size, (int Type, byte[] Payload)? message) => AppendRecord((8 + size + 7) & ~7, message);

        /// <summary>A batch of <paramref name="region"/> bytes: its messages, then padding for the rest; committed empty
        /// or aborted, one padding record.</summary>
        public void AppendBatch(int region, List<(int Length, (int Type, byte[] Payload) Message)> messages)
        {
            if (messages.Count == 0)
            {
                AppendRecord(region, null);
                return;
            }

            long toEnd = capacity - (_tail % capacity);
            if (region > toEnd)
            {
                _records.Enqueue((toEnd, null)); // the padding before the region, as for any record
                _tail += toEnd;
            }

            int used = 0;
            foreach (var (length, message) in messages)
            {
                _records.Enqueue((length, message));
                used += length;
            }

            if (used != region)
            {
                _records.Enqueue((region - used, null));
            }

            _tail += region;
        }

        private void AppendRecord(long record, (int Type, byte[] Payload)? message)
        {
            long toEnd = capacity - (_tail % capacity);
            if (record > toEnd)
            {
                _records.Enqueue((toEnd, null));
                _tail += toEnd;
            }

            _records.Enqueue((record, message));
            _tail += record;
        }

        /// <summary>A <c>TryRead</c>: releases the padding before the next message (a read of its own), then takes it.</summary>
        public (int Type, byte[] Payload)? TakeOne()
        {
            long start = _head;
            while (_records.Count > 0 && !_records.Peek().Message.HasValue)
            {
                _head += _records.Dequeue().Length;
            }

            if (_head != start)
            {
                Consumed(drained: _records.Count == 0);
            }

            if (_records.Count == 0)
            {
                EmptyPoll(_head, _head); // after the padding's release
                return null;
            }

            var (length, message) = _records.Dequeue();
            _head += length;
            Consumed(drained: _records.Count == 0); // the consumer looks at the next header: committed or not
            return message;
        }

        /// <summary>A batch <c>Read</c> of up to <paramref name="max"/> messages: an empty one counts a poll at the
        /// position after the padding, before the padding is released.</summary>
        public List<(int Type, byte[] Payload)> TakeBatch(int max)
        {
            long start = _head;
            var taken = Take(max);
            if (taken.Count == 0)
            {
                EmptyPoll(_head, start); // before the padding's release, at the call's end
            }

            if (_head != start)
            {
                Consumed(drained: taken.Count < max); // a batch cut short by its maximum did not look further
            }

            return taken;
        }

        /// <summary>A read ends: it releases at once unless it <paramref name="drained"/> the ring; then only once a
        /// sixteenth of the ring is held back.</summary>
        private void Consumed(bool drained)
        {
            if (!drained || _head - _released >= capacity / 16)
            {
                _released = _head;
            }
        }

        /// <summary>An empty poll at <paramref name="position"/>: the 64th in a row there releases what was read up to
        /// <paramref name="readPosition"/>, the consumer's position at that moment.</summary>
        private void EmptyPoll(long position, long readPosition)
        {
            if (position != _stuckAt)
            {
                (_stuckAt, _stuckPolls) = (position, 0);
            }
            else if (++_stuckPolls == IdleReleasePolls)
            {
                _released = readPosition;
            }
        }

        /// <summary>Removes up to <paramref name="max"/> messages and the padding and aborted records
        /// before and between them, as the consumer does.</summary>
        private List<(int Type, byte[] Payload)> Take(int max)
        {
            var taken = new List<(int Type, byte[] Payload)>();
            while (_records.Count > 0 && taken.Count < max)
            {
                var (length, message) = _records.Dequeue();
                _head += length;
                if (message.HasValue)
                {
                    taken.Add(message.Value);
                }
            }

            return taken;
        }
    }
}
