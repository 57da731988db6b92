using System;
using System.Buffers.Binary;
using System.IO;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>Opening something that is not a valid ring gives a <see cref="RingFormatException"/> naming the field.</summary>
public class RingFormatTests
{
    private const int Capacity = 4096;

    [Fact]
    public void Random_bytes_are_not_a_ring()
    {
        var random = new Random(1234);
        byte[] bytes = new byte[RingHeader.Size + Capacity];
        random.NextBytes(bytes);
        AssertOpenFails(bytes, "magic");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(4096 + 4095)]
    public void A_truncated_ring_is_refused(int length)
    {
        byte[] valid = ValidRingBytes();
        AssertOpenFails(valid.AsSpan(0, length).ToArray(), "section length");
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        AssertOpenFails(Array.Empty<byte>(), "section length");
    }

    [Fact]
    public void A_wrong_magic_is_named()
    {
        byte[] bytes = ValidRingBytes();
        bytes[0] = (byte)'X';
        var error = AssertOpenFails(bytes, "magic");
        Assert.Contains("RINGIPC1", error.Message);
    }

    [Fact]
    public void A_wrong_version_is_named_with_both_values()
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1);
        var error = AssertOpenFails(bytes, "format version");
        Assert.Contains("is 1, expected 2", error.Message);
    }

    [Fact]
    public void An_unknown_kind_is_named()
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), 7);
        AssertOpenFails(bytes, "kind");
    }

    [Theory]
    [InlineData(8192L)]            // larger than the file
    [InlineData(2048L)]            // smaller than the minimum
    [InlineData(4097L)]            // not a power of two
    [InlineData(1L << 40)]         // far too large
    [InlineData(-4096L)]
    public void A_wrong_capacity_is_named(long capacity)
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), capacity);
        AssertOpenFails(bytes, "capacity");
    }

    [Fact]
    public void A_wrong_max_record_length_is_named()
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), 100_000);
        AssertOpenFails(bytes, "max record length");
    }

    [Fact]
    public void A_wrong_header_size_is_named()
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), 64);
        AssertOpenFails(bytes, "header size");
    }

    [Fact]
    public void A_ring_that_is_not_ready_is_refused()
    {
        byte[] bytes = ValidRingBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(44), 1);
        AssertOpenFails(bytes, "init state");
    }

    [Theory]
    [InlineData(0, 4097, "record length")]          // past the end of the data area
    [InlineData(4088, 16, "record length")]         // crosses the end
    [InlineData(0, 4, "record length")]             // shorter than its own header
    [InlineData(0, 1000, "record length")]          // longer than the maximum (512)
    [InlineData(0, int.MaxValue, "record length")]
    public void A_corrupt_record_length_is_refused_by_the_consumer(int index, int length, string field)
    {
        using var name = new TempName("corrupt-record");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            // Move head and tail to the record's index, then plant the record there.
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(128, 8), index);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(256, 8), index);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.ConsumedPosition, 8), index);
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + index, 4), length);
        }

        using var consumer = ring.CreateConsumer();
        var single = Assert.Throws<RingFormatException>(() => consumer.TryRead(out _));
        Assert.Equal(field, single.Field);
        var batch = Assert.Throws<RingFormatException>(() => consumer.Read((_, _) => { }));
        Assert.Equal(field, batch.Field);
    }

    [Fact]
    public void A_corrupt_record_type_is_refused_by_the_consumer()
    {
        using var name = new TempName("corrupt-type");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size, 4), 16);
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(RingHeader.Size + 4, 4), -5);
        }

        using var consumer = ring.CreateConsumer();
        Assert.Equal("record type", Assert.Throws<RingFormatException>(() => consumer.TryRead(out _)).Field);
    }

    [Theory]
    [InlineData(0L, 8192L)]     // tail more than a capacity ahead of head
    [InlineData(64L, 0L)]       // head ahead of tail
    [InlineData(3L, 3L)]        // misaligned
    public void Corrupt_positions_are_refused_by_the_producer(long head, long tail)
    {
        using var name = new TempName("corrupt-positions");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(128, 8), tail);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(256, 8), head);
        }

        Assert.Throws<RingFormatException>(() => ring.CreateProducer());
    }

    [Fact]
    public void A_corrupt_head_is_refused_by_the_consumer()
    {
        using var name = new TempName("corrupt-head");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(256, 8), -8);
        }

        Assert.Equal("head position", Assert.Throws<RingFormatException>(() => ring.CreateConsumer()).Field);
    }

    /// <summary>README: a corrupt or hostile section yields a <see cref="RingFormatException"/> "naming the field, the
    /// value found and the value expected" — for every field that opening, the consumer or a producer validates.</summary>
    [Theory]
    [InlineData("magic", "magic")]
    [InlineData("format version", "format version")]
    [InlineData("init state", "init state")]
    [InlineData("kind", "kind")]
    [InlineData("capacity, not a power of two", "capacity")]
    [InlineData("capacity, not the file's", "capacity")]
    [InlineData("header size", "header size")]
    [InlineData("max record length", "max record length")]
    [InlineData("message size", "message size")]
    [InlineData("section length", "section length")]
    [InlineData("record length, too short", "record length")]
    [InlineData("record length, crossing the end", "record length")]
    [InlineData("record length, above capacity / 8", "record length")]
    [InlineData("record type, negative", "record type")]
    [InlineData("claimed record length", "claimed record length")]
    [InlineData("head position", "head position")]
    [InlineData("head/tail positions", "head/tail positions")]
    [InlineData("consumed position, past the tail", "consumed position")]
    [InlineData("consumed position, behind the head", "consumed position")]
    [InlineData("tail position", "tail position")]
    [InlineData("message length of a typed read", "message length")]
    public void Every_refusal_names_the_value_found_and_the_value_expected(string corruption, string field)
    {
        RingFormatException error = Provoke(corruption);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Found), $"no value found in: {error.Message}");
        Assert.False(string.IsNullOrWhiteSpace(error.Expected), $"no value expected in: {error.Message}");
        Assert.Contains(error.Field, error.Message);
        Assert.Contains(error.Found, error.Message);
        Assert.Contains(error.Expected, error.Message);
    }

    /// <summary>Corrupts a ring as <paramref name="corruption"/> says and returns what refused it.</summary>
    private static RingFormatException Provoke(string corruption)
    {
        switch (corruption)
        {
            case "magic":
                return OpenFails(bytes => bytes[0] = (byte)'X');
            case "format version":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.FormatVersion), 1));
            case "init state":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.InitState), 1));
            case "kind":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.Kind), 7));
            case "capacity, not a power of two":
                return OpenFails(bytes => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.Capacity), 4097));
            case "capacity, not the file's":
                return OpenFails(bytes => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.Capacity), 8192));
            case "header size":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.HeaderSize), 64));
            case "max record length":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.MaxRecordLength), 100_000));
            case "message size":
                return OpenFails(bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(RingHeaderFields.Offsets.MessageSize), 5)); // untyped: must be 0
            case "section length":
                return AssertOpenFails(ValidRingBytes().AsSpan(0, 100).ToArray(), "section length");
            case "record length, too short":
                return ConsumerFails(0, RecordLayout.Header(4, 1));
            case "record length, crossing the end":
                return ConsumerFails(Capacity - 8, RecordLayout.Header(16, 1));
            case "record length, above capacity / 8":
                return ConsumerFails(0, RecordLayout.Header(Capacity / 8 + 8, 1));
            case "record type, negative":
                return ConsumerFails(0, RecordLayout.Header(16, -5));
            case "claimed record length":
                // A claim of a registry slot nobody holds: a waiting consumer checks its length
                // before it would revoke it.
                return ConsumerFails(0, RecordLayout.Header(-100_000, ClaimMarkers.MarkerOf(EndpointRegistry.SlotCount - 1)), consumer => consumer.WaitForData(TimeSpan.FromSeconds(5)));
            case "head position":
                return RingFails(section => BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Head, 8), -8), RingKind.Spsc,
                    ring => ring.CreateConsumer().Dispose());
            case "head/tail positions":
                return RingFails(section => BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Head, 8), 64), RingKind.Spsc,
                    ring => ring.CreateProducer().Dispose());
            case "consumed position, past the tail":
                return RingFails(section => BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.ConsumedPosition, 8), 64), RingKind.Spsc,
                    ring => ring.CreateConsumer().Dispose());
            case "consumed position, behind the head":
                return RingFails(section =>
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Tail, 8), 128);
                        BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Head, 8), 64);
                        BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.ConsumedPosition, 8), 56);
                    }, RingKind.Spsc, ring => ring.CreateConsumer().Dispose());
            case "tail position":
            {
                using var name = new TempName("found-expected");
                using var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = Capacity });
                using var producer = ring.CreateProducer();
                using (var section = SharedSection.Open(name))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Tail, 8), 3);
                }

                return Assert.Throws<RingFormatException>(() => producer.TryWrite(new byte[8]));
            }

            case "message length of a typed read":
            {
                using var test = new TestRing("found-expected", new RingOptions { Capacity = Capacity });
                Assert.True(test.Producer.TryWrite(new byte[3]));
                return Assert.Throws<RingFormatException>(() => test.Consumer.TryRead(out long _, out _));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "no such corruption");
        }
    }

    /// <summary>Opening a valid ring's bytes changed by <paramref name="corrupt"/> fails.</summary>
    private static RingFormatException OpenFails(Action<byte[]> corrupt)
    {
        byte[] bytes = ValidRingBytes();
        corrupt(bytes);
        using var name = new TempName("bad");
        name.WriteFile(bytes);
        return Assert.Throws<RingFormatException>(() => SharedRing.Open(name));
    }

    /// <summary>A consumer fails on the record header <paramref name="header"/> planted at <paramref name="index"/>
    /// (head and tail moved there), in <paramref name="read"/> (by default a <c>TryRead</c>).</summary>
    private static RingFormatException ConsumerFails(int index, long header, Action<RingConsumer>? read = null)
    {
        using var name = new TempName("found-expected");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Tail, 8), index);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.Head, 8), index);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeaderFields.Offsets.ConsumedPosition, 8), index);
            BinaryPrimitives.WriteInt64LittleEndian(section.GetSpan(RingHeader.Size + index, 8), header);
        }

        using var consumer = ring.CreateConsumer();
        return Assert.Throws<RingFormatException>(() => (read ?? (c => c.TryRead(out _)))(consumer));
    }

    /// <summary>An endpoint of a ring whose header <paramref name="corrupt"/> changed after creation fails in <paramref name="use"/>.</summary>
    private static RingFormatException RingFails(Action<SharedSection> corrupt, RingKind kind, Action<SharedRing> use)
    {
        using var name = new TempName("found-expected");
        using var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = Capacity });
        using (var section = SharedSection.Open(name))
        {
            corrupt(section);
        }

        return Assert.Throws<RingFormatException>(() => use(ring));
    }

    /// <summary>The bytes of a freshly created, valid ring.</summary>
    private static byte[] ValidRingBytes()
    {
        using var name = new TempName("template");
        using (SharedRing.Create(name, new RingOptions { Capacity = Capacity }))
        {
        }

        return File.ReadAllBytes(name.Path);
    }

    private static RingFormatException AssertOpenFails(byte[] bytes, string field)
    {
        using var name = new TempName("bad");
        name.WriteFile(bytes);
        var error = Assert.Throws<RingFormatException>(() => SharedRing.Open(name));
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message);
        return error;
    }
}
