using System;
using System.Buffers.Binary;

namespace RingIpc.Bench;

/// <summary>What the reader of a throughput row makes of one message.</summary>
internal enum SeriesCheck
{
    /// <summary>A message of the size being measured, in sequence: counted.</summary>
    Counted,

    /// <summary>A message of the previous size, in sequence, still in flight after the reader moved on: not counted.</summary>
    Drained,

    /// <summary>Lost, duplicated, reordered, or of a size the row is not at: the run fails.</summary>
    Wrong,
}

/// <summary>
/// The reader's check of one writer's messages across the payload sizes of a row. The writer numbers the messages of
/// each size from 0 (bytes 0–7 of the payload) and moves to the next size only once the reader has printed the current
/// size's result; the first message of each size also carries, in bytes 8–15, how many messages of the previous size
/// the writer wrote. So the reader may still see the previous size's messages (each in sequence) before the first of
/// the next, and then checks that none of them was lost; anything else fails the run.
/// </summary>
internal sealed class SizeSeries
{
    /// <summary>The smallest payload: the sequence number and the previous size's count.</summary>
    public const int MinimumSize = 16;

    private readonly int[] _sizes;
    private int _phase;
    private long _expected;
    private long _previousExpected;

    /// <summary>A writer's series over <paramref name="sizes"/>, starting at the first.</summary>
    public SizeSeries(int[] sizes) => _sizes = sizes;

    /// <summary>The size being measured.</summary>
    public int Size => _sizes[_phase];

    /// <summary>The writer's side: numbers message <paramref name="sequence"/> of its size, after
    /// <paramref name="previousCount"/> messages of the previous size (0 for the first size).</summary>
    public static void Stamp(Span<byte> payload, long sequence, long previousCount)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        if (sequence == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload.Slice(8), previousCount);
        }
    }

    /// <summary>Checks one message.</summary>
    public SeriesCheck Check(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < MinimumSize)
        {
            return SeriesCheck.Wrong;
        }

        long sequence = BinaryPrimitives.ReadInt64LittleEndian(payload);
        if (payload.Length == _sizes[_phase])
        {
            if (sequence != _expected++)
            {
                return SeriesCheck.Wrong;
            }

            // The first message of a size says how many of the previous size were sent: all of them must have come.
            return sequence != 0 || BinaryPrimitives.ReadInt64LittleEndian(payload.Slice(8)) == (_phase == 0 ? 0 : _previousExpected)
                ? SeriesCheck.Counted
                : SeriesCheck.Wrong;
        }

        // A message of the previous size may still come, but only before the first of this size.
        if (_phase > 0 && payload.Length == _sizes[_phase - 1] && _expected == 0)
        {
            return sequence == _previousExpected++ ? SeriesCheck.Drained : SeriesCheck.Wrong;
        }

        return SeriesCheck.Wrong;
    }

    /// <summary>Moves to the next size (after the reader printed this size's result).</summary>
    public void Advance()
    {
        if (_phase + 1 >= _sizes.Length)
        {
            throw new InvalidOperationException("the row has no further size");
        }

        _phase++;
        _previousExpected = _expected;
        _expected = 0;
    }

    /// <summary>Parses the sizes argument of a child: comma-separated byte counts.</summary>
    public static int[] ParseSizes(string argument) => Array.ConvertAll(argument.Split(','), s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Formats sizes for a child's arguments.</summary>
    public static string FormatSizes(int[] sizes) => string.Join(",", sizes);
}
