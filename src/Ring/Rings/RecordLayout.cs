namespace RingIpc.Rings;

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
/// A length ≤ 0 means "not committed yet". A producer claims with the header
/// <c>(-length, claim marker)</c>, where the marker <c>-(pid + 2)</c> names its process, then writes the
/// payload, then commits by replacing the whole 8-byte header with <c>(+length, type)</c> in one
/// compare-and-swap. An aborted claim is committed as padding, which the consumer skips. If the producer's
/// process dies before it commits, a waiting consumer finds the marker's process gone and swaps the header to
/// padding itself; the same compare-and-swap makes a late commit of a revoked claim fail instead of landing.
/// The consumer zeroes every byte it consumed before it moves the head past it, so unclaimed space always
/// reads as 0 (not committed).
/// </remarks>
internal static class RecordLayout
{
    public const int LengthOffset = 0;
    public const int TypeOffset = 4;
    public const int HeaderLength = 8;
    public const int Alignment = 8;

    /// <summary>The type of a record that carries no message (wrap padding, aborted claim).</summary>
    public const int PaddingType = -1;

    /// <summary>The 8-byte record header as one little-endian 64-bit value: length in the low half, type in the high.</summary>
    public static long Header(int length, int type) => (uint)length | ((long)type << 32);

    /// <summary>The type field of an uncommitted claim: names the claiming process (always below <see cref="PaddingType"/>).</summary>
    public static int ClaimMarker(int processId) => -(processId + 2);

    /// <summary>The process named by a claim marker.</summary>
    public static int ClaimOwner(int marker) => -marker - 2;

    /// <summary>Rounds <paramref name="recordLength"/> up to the record alignment.</summary>
    public static int Align(int recordLength) => (recordLength + (Alignment - 1)) & ~(Alignment - 1);

    /// <summary>The longest record (header included) in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxRecordLength(int capacity) => capacity / 8;

    /// <summary>The longest message payload in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxMessageLength(int capacity) => MaxRecordLength(capacity) - HeaderLength;
}
