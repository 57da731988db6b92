using System;
using System.Buffers.Binary;

namespace RingIpc.Peer;

/// <summary>
/// The self-checking message the cross-process tests move: producer id, sequence number, a body whose
/// length and bytes derive from both, and a checksum over all of it. A lost, duplicated, reordered or
/// corrupted message cannot pass <see cref="Verify"/>.
/// </summary>
public static class TestMessage
{
    private const int FixedLength = 4 + 8 + 4;

    /// <summary>The longest message <see cref="Write"/> produces.</summary>
    public const int MaxLength = FixedLength + 40;

    /// <summary>The length of message <paramref name="sequence"/> of <paramref name="producer"/>.</summary>
    public static int LengthOf(int producer, long sequence) => FixedLength + (int)((sequence + producer) % 41);

    /// <summary>Writes the message into <paramref name="destination"/>, which is <see cref="LengthOf"/> bytes long.</summary>
    public static void Write(Span<byte> destination, int producer, long sequence)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, producer);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(4), sequence);
        Span<byte> body = destination.Slice(12, destination.Length - FixedLength);
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = BodyByte(producer, sequence, i);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(destination.Length - 4), Checksum(destination.Slice(0, destination.Length - 4)));
    }

    /// <summary>Checks a received message; returns null if it is intact, else what is wrong.</summary>
    public static string? Verify(ReadOnlySpan<byte> message, out int producer, out long sequence)
    {
        producer = -1;
        sequence = -1;
        if (message.Length < FixedLength)
        {
            return $"message of {message.Length} bytes is too short";
        }

        producer = BinaryPrimitives.ReadInt32LittleEndian(message);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(message.Slice(4));
        if (producer < 0 || sequence < 0 || message.Length != LengthOf(producer, sequence))
        {
            return $"producer {producer} sequence {sequence}: length {message.Length}";
        }

        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(message.Slice(message.Length - 4));
        if (checksum != Checksum(message.Slice(0, message.Length - 4)))
        {
            return $"producer {producer} sequence {sequence}: checksum mismatch";
        }

        ReadOnlySpan<byte> body = message.Slice(12, message.Length - FixedLength);
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] != BodyByte(producer, sequence, i))
            {
                return $"producer {producer} sequence {sequence}: body byte {i} corrupted";
            }
        }

        return null;
    }

    private static byte BodyByte(int producer, long sequence, int i) => (byte)((sequence * 31) + (producer * 7) + i);

    /// <summary>FNV-1a, 32-bit.</summary>
    private static uint Checksum(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
