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
/// A length ≤ 0 means "not committed yet": a producer writes <c>-length</c> when it claims, then the
/// payload, then <c>+length</c> with release. An aborted claim is committed as padding, which the
/// consumer skips. The consumer zeroes every byte it consumed before it moves the head past it, so
/// unclaimed space always reads as 0 (not committed).
/// </remarks>
internal static class RecordLayout
{
    public const int LengthOffset = 0;
    public const int TypeOffset = 4;
    public const int HeaderLength = 8;
    public const int Alignment = 8;

    /// <summary>The type of a record that carries no message (wrap padding, aborted claim).</summary>
    public const int PaddingType = -1;

    /// <summary>Rounds <paramref name="recordLength"/> up to the record alignment.</summary>
    public static int Align(int recordLength) => (recordLength + (Alignment - 1)) & ~(Alignment - 1);

    /// <summary>The longest record (header included) in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxRecordLength(int capacity) => capacity / 8;

    /// <summary>The longest message payload in a data area of <paramref name="capacity"/> bytes.</summary>
    public static int MaxMessageLength(int capacity) => MaxRecordLength(capacity) - HeaderLength;
}
