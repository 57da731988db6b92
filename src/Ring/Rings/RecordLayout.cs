namespace RingIpc;

/// <summary>
/// The record format inside the data area.
/// </summary>
/// <remarks>
/// <code>
/// +-------------------------------+-------------------------------+------------- - -
/// |  length (header + payload)    |  message type (-1 = padding)  |  payload ...
/// +-------------------------------+-------------------------------+------------- - -
/// </code>
/// A record starts at an 8-aligned index and occupies <c>Align(length)</c> bytes; it never crosses the
/// end of the data area: a producer that would cross it first writes a padding record up to the end.
/// A length ≤ 0 means "not committed yet". A producer claims with the header <c>(-length, claim marker)</c>
/// (<see cref="ClaimMarkers"/>), then writes the payload, then commits by replacing the whole 8-byte header
/// with <c>(+length, type)</c> in one compare-and-swap. An aborted claim is committed as padding, which the
/// consumer skips and releases. The consumer zeroes every byte it consumed before it moves the head past it,
/// so unclaimed space always reads as 0 (not committed). <see cref="RecordCursor"/> reads records;
/// <see cref="ClaimMarkers"/> says who claimed one and when a claim may be revoked.
/// </remarks>
internal static class RecordLayout
{
    public const int HeaderLength = 8;
    public const int Alignment = 8;

    /// <summary>The type of a record that carries no message (wrap padding, aborted or revoked claim).</summary>
    public const int PaddingType = -1;

    /// <summary>The 8-byte record header as one little-endian 64-bit value: length in the low half, type in the high.</summary>
    public static long Header(int length, int type) => (uint)length | ((long)type << 32);

    /// <summary>The length half of a record header.</summary>
    public static int LengthOf(long header) => (int)header;

    /// <summary>The type half of a record header.</summary>
    public static int TypeOf(long header) => (int)(header >> 32);

    /// <summary>Rounds <paramref name="recordLength"/> up to the record alignment.</summary>
    public static int Align(int recordLength) => (recordLength + (Alignment - 1)) & ~(Alignment - 1);

    /// <summary>The longest record (header included) in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxRecordLength(int capacity) => capacity / 8;

    /// <summary>The longest message payload in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxMessageLength(int capacity) => MaxRecordLength(capacity) - HeaderLength;
}
