using System;
using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>What a record header says.</summary>
internal enum RecordState : byte
{
    /// <summary>Nothing claimed here yet (length 0), or the end of the lap the walk may cover.</summary>
    Empty,

    /// <summary>Claimed by a producer and not committed yet (length &lt; 0).</summary>
    Claimed,

    /// <summary>Committed padding: wrap padding, an aborted or a revoked claim. Carries no message.</summary>
    Padding,

    /// <summary>A committed message.</summary>
    Message,
}

/// <summary>One record as the cursor read it: where it is, its 8-byte header, and what that says.</summary>
internal readonly struct Record
{
    public Record(long position, long header, RecordState state)
    {
        Position = position;
        Header = header;
        State = state;
    }

    public long Position { get; }

    /// <summary>The header as read (length in the low half, type in the high), for a compare-and-swap.</summary>
    public long Header { get; }

    public RecordState State { get; }

    /// <summary>The record's length, header included (negative for a claim).</summary>
    public int Length => RecordLayout.LengthOf(Header);

    /// <summary>The message type, <see cref="RecordLayout.PaddingType"/>, or a claim's marker.</summary>
    public int Type => RecordLayout.TypeOf(Header);

    /// <summary>The bytes a committed record occupies (its aligned length).</summary>
    public int Occupied => RecordLayout.Align(Length);

    /// <summary>The payload's length of a committed record.</summary>
    public int PayloadLength => Length - RecordLayout.HeaderLength;
}

/// <summary>
/// The one record walker: every consumer path (reads, batch reads, the checks of waits, the async waiter,
/// revocation) reads records through it. <see cref="Next"/> steps over padding up to a limit of at most one
/// lap and answers what the first other record is: empty, claimed (by whom), or a message. Every header is
/// validated before anything uses it, so a corrupt or hostile section yields a <see cref="RingFormatException"/>,
/// never a read outside the data area, and no walk is unbounded.
/// </summary>
/// <remarks>It only reads (and <see cref="ClaimMarkers.TryRevoke"/> swaps a dead claim's header); releasing what
/// it stepped over is the consumer's job.</remarks>
internal readonly unsafe struct RecordCursor
{
    private readonly byte* _data;
    private readonly int _capacity;
    private readonly int _mask;
    private readonly int _maxRecordLength;

    public RecordCursor(byte* data, in RingDescription ring)
    {
        _data = data;
        _capacity = ring.Capacity;
        _mask = ring.Mask;
        _maxRecordLength = ring.MaxRecordLength;
    }

    /// <summary>The data area's size: the longest walk from one position.</summary>
    public int Capacity => _capacity;

    /// <summary>The longest record, header included (capacity / 8).</summary>
    public int MaxRecordLength => _maxRecordLength;

    /// <summary>Walks from <paramref name="position"/> over padding, but not to or past <paramref name="limit"/>
    /// (at most one lap from where the caller's walk began).</summary>
    /// <returns>The first record that is not padding; <see cref="RecordState.Empty"/> at <paramref name="limit"/>
    /// if only padding came before it. Its <see cref="Record.Position"/> is where the padding ends.</returns>
    /// <exception cref="RingFormatException">A record on the way is corrupt.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Record Next(long position, long limit)
    {
        while (position < limit)
        {
            Record record = Peek(position);
            if (record.State != RecordState.Padding)
            {
                return record;
            }

            position += record.Occupied;
        }

        return new Record(limit, 0, RecordState.Empty);
    }

    /// <summary>Whether a record with a positive length (a message or padding) is committed at
    /// <paramref name="position"/>: one load, no validation (a hint only; <see cref="Peek"/> validates when it reads it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsCommitted(long position) => RecordLayout.LengthOf(HeaderAt(position).LoadAcquire()) > 0;

    /// <summary>Reads and validates the record at <paramref name="position"/>.</summary>
    /// <exception cref="RingFormatException">It is corrupt.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Record Peek(long position)
    {
        int index = (int)(position & _mask);

        // One 8-byte acquire load: a commit swaps the whole header at once, so length and type always agree.
        long header = HeaderAt(position).LoadAcquire();
        int length = RecordLayout.LengthOf(header);
        if (length == 0)
        {
            return new Record(position, header, RecordState.Empty);
        }

        if (length < 0)
        {
            return new Record(position, header, RecordState.Claimed); // its length is checked before use
        }

        int type = RecordLayout.TypeOf(header);
        if (length < RecordLayout.HeaderLength || length > _capacity - index || (type < 0 && type != RecordLayout.PaddingType) ||
            (length > _maxRecordLength && type != RecordLayout.PaddingType))
        {
            ThrowCorrupt(index, length, type);
        }

        return new Record(position, header, type == RecordLayout.PaddingType ? RecordState.Padding : RecordState.Message);
    }

    /// <summary>Kept out of <see cref="Peek"/>, so that the hot path stays small enough to inline.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowCorrupt(int index, int length, int type)
    {
        if (length < RecordLayout.HeaderLength || length > _capacity - index)
        {
            throw new RingFormatException("record length", $"{length} at index {index}",
                $"{RecordLayout.HeaderLength} to {_capacity - index} (a record never crosses the end of the data area)");
        }

        if (type < 0)
        {
            throw new RingFormatException("record type", $"{type} at index {index}", "a non-negative message type or -1 (padding)");
        }

        throw new RingFormatException("record length", $"{length} at index {index}", $"at most {_maxRecordLength} (capacity / 8)");
    }

    /// <summary>The payload of a committed message, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> PayloadOf(Record message) =>
        new(_data + (message.Position & _mask) + RecordLayout.HeaderLength, message.PayloadLength);

    /// <summary>The 8-byte header of the record at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SharedInt64 HeaderAt(long position) => new(_data + (position & _mask));

    /// <summary>A claimed record's length, checked before it is used.</summary>
    /// <exception cref="RingFormatException">The claimed length is impossible.</exception>
    public int ValidateClaimedLength(in Record claim)
    {
        int index = (int)(claim.Position & _mask);
        int length = -claim.Length;
        if (length < RecordLayout.HeaderLength || length > _maxRecordLength || length > _capacity - index)
        {
            throw new RingFormatException("claimed record length", $"{length} at index {index}",
                $"{RecordLayout.HeaderLength} to {Math.Min(_maxRecordLength, _capacity - index)}");
        }

        return length;
    }

    /// <summary>Whether every byte of [<paramref name="from"/>, <paramref name="to"/>) is zero (at most one lap).</summary>
    public bool IsZero(long from, long to)
    {
        int fromIndex = (int)(from & _mask);
        long length = Math.Min(to - from, _capacity);
        int firstPart = (int)Math.Min(length, _capacity - fromIndex);
        return IsZero(_data + fromIndex, firstPart) && IsZero(_data, (int)(length - firstPart));
    }

    private static bool IsZero(byte* bytes, int length)
    {
#if NET
        return new ReadOnlySpan<byte>(bytes, length).IndexOfAnyExcept((byte)0) < 0;
#else
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }

        return true;
#endif
    }

    /// <summary>Zeroes the bytes of [<paramref name="from"/>, <paramref name="to"/>), wrapping at the end of the data area.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Clear(long from, long to)
    {
        int fromIndex = (int)(from & _mask);
        long length = to - from;
        int firstPart = (int)Math.Min(length, _capacity - fromIndex);
        new Span<byte>(_data + fromIndex, firstPart).Clear();
        new Span<byte>(_data, (int)(length - firstPart)).Clear();
    }
}
