using System;

namespace RingIpc;

/// <summary>
/// A shared section does not hold a valid ring: a header field or a record read from shared memory
/// has a value the format does not allow. The message names the field, the value found and the value
/// expected. The section may be corrupt, of another version, or written by a hostile peer; nothing was
/// read outside the section.
/// </summary>
public sealed class RingFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    /// <param name="field">The header field or record part that is invalid.</param>
    /// <param name="found">The value found in the section.</param>
    /// <param name="expected">A description of the values allowed.</param>
    public RingFormatException(string field, string found, string expected)
        : base($"Invalid ring: {field} is {found}, expected {expected}.")
    {
        Field = field;
        Found = found;
        Expected = expected;
    }

    /// <summary>The header field or record part that is invalid.</summary>
    public string Field { get; }

    /// <summary>The value found in the section.</summary>
    public string Found { get; }

    /// <summary>A description of the values allowed.</summary>
    public string Expected { get; }
}
