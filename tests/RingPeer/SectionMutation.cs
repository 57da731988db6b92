using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace RingIpc.Peer;

/// <summary>
/// One random change of a ring's section, as a hostile or broken peer could make it: a 1-, 4- or 8-byte value written at
/// an offset chosen from the fields that matter (configuration, positions, signaling words, the consumer's line, counters,
/// the endpoint registry, record headers at and after the head) or anywhere, with a value chosen to hit the edges
/// (0, −1, extremes, off by one or by the alignment, the capacity, a bit flip, random).
/// </summary>
internal readonly struct SectionMutation
{
    public SectionMutation(int offset, int width, ulong value)
    {
        Offset = offset;
        Width = width;
        Value = value;
    }

    public int Offset { get; }

    public int Width { get; }

    public ulong Value { get; }

    private const int HeaderBytes = 8192;
    private const int RegistryOffset = 1024;
    private const int SlotBytes = 128;

    /// <summary>The header fields every case aims at most: their offsets in the v2 header.</summary>
    private static readonly int[] HeaderFields =
    {
        0, 8, 12, 16, 24, 28, 32, 40, 44, 48, 52, 56, 64, // configuration and creator
        128,                                            // tail
        256, 264, 268,                                  // head, zeroing intent
        384, 388, 392, 396, 400, 404,                   // data seq, consumer waiting, space seq, producers asleep
        512, 516, 520, 528, 536, 544,                   // consumer and SPSC producer pids, start time, heartbeat, head block
        640, 648, 656, 664, 672, 680, 688, 696,         // consumer counters
    };

    /// <summary>The offsets inside a registry slot: owner, start time, its owner, heartbeat, intent, counters.</summary>
    private static readonly int[] SlotFields = { 0, 4, 8, 16, 24, 32, 40, 64, 72, 80, 88, 96, 104, 112, 120 };

    public override string ToString() => $"{Width} byte(s) at {Offset} := 0x{Value:X}";

    /// <summary>A random mutation of a section of <paramref name="length"/> bytes whose current bytes are
    /// <paramref name="section"/> (the head's position is read from them, to aim at records near it).</summary>
    public static SectionMutation Random(Random random, ReadOnlySpan<byte> section, int capacity)
    {
        int width = random.Next(3) switch { 0 => 1, 1 => 4, _ => 8 };
        int offset = random.Next(10) switch
        {
            < 4 => HeaderFields[random.Next(HeaderFields.Length)],
            4 or 5 => RegistryOffset + SlotBytes * random.Next(4) + SlotFields[random.Next(SlotFields.Length)],
            6 or 7 => RecordHeaderNearHead(random, section, capacity),
            8 => random.Next(HeaderBytes),
            _ => random.Next(section.Length),
        };
        offset = Math.Min(offset, section.Length - width);
        ulong current = width switch
        {
            1 => section[offset],
            4 => BinaryPrimitives.ReadUInt32LittleEndian(section.Slice(offset)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(section.Slice(offset)),
        };
        ulong value = random.Next(11) switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            2 => width == 8 ? (ulong)long.MaxValue : int.MaxValue,
            3 => width == 8 ? unchecked((ulong)long.MinValue) : 0x8000_0000,
            4 => current + 1,
            5 => current - 1,
            6 => current + 8,
            7 => current - 8,
            8 => (ulong)capacity + (ulong)random.Next(-8, 9),
            9 => current ^ (1UL << random.Next(width * 8)),
            _ => ((ulong)(uint)random.Next() << 33) ^ ((ulong)(uint)random.Next() << 2) ^ (uint)random.Next(4), // random.NextInt64 is not in net472
        };
        return new SectionMutation(offset, width, value);
    }

    /// <summary>Writes the mutation into the section.</summary>
    public void Apply(Span<byte> section)
    {
        switch (Width)
        {
            case 1:
                section[Offset] = (byte)Value;
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(section.Slice(Offset), (uint)Value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(section.Slice(Offset), Value);
                break;
        }
    }

    /// <summary>The length or type word of a record header at or a few records after the head (records start 8-aligned).</summary>
    private static int RecordHeaderNearHead(Random random, ReadOnlySpan<byte> section, int capacity)
    {
        long head = BinaryPrimitives.ReadInt64LittleEndian(section.Slice(256));
        long index = (head + 8L * random.Next(64)) & (capacity - 1);
        return HeaderBytes + (int)index + (random.Next(2) * 4);
    }

    /// <summary>1 to 4 random mutations.</summary>
    public static List<SectionMutation> RandomSet(Random random, ReadOnlySpan<byte> section, int capacity)
    {
        var set = new List<SectionMutation>();
        for (int i = random.Next(1, 5); i > 0; i--)
        {
            set.Add(Random(random, section, capacity));
        }

        return set;
    }
}
