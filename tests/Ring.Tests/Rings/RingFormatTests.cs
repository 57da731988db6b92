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
        byte[] bytes = new byte[4096 + Capacity];
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
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);
        var error = AssertOpenFails(bytes, "format version");
        Assert.Contains("is 2, expected 1", error.Message);
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
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(4096 + index, 4), length);
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
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(4096, 4), 16);
            BinaryPrimitives.WriteInt32LittleEndian(section.GetSpan(4100, 4), -5);
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
