using System;

namespace RingIpc;

/// <summary>
/// A typed ring was opened with a message struct whose layout differs from the one the ring was created
/// for (another version of the struct, or another struct): reading it would give garbage, so the ring is
/// not attached. Rebuild both sides with the same <c>[SharedLayout]</c> definition.
/// </summary>
public sealed class RingLayoutMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ringName">The ring.</param>
    /// <param name="typeName">The message struct this process uses.</param>
    /// <param name="expectedFingerprint">That struct's layout fingerprint.</param>
    /// <param name="foundFingerprint">The fingerprint recorded in the ring (0: the ring carries untyped bytes).</param>
    public RingLayoutMismatchException(string ringName, string typeName, ulong expectedFingerprint, ulong foundFingerprint)
        : base($"Ring '{ringName}' carries messages with layout fingerprint 0x{foundFingerprint:X16}{(foundFingerprint == 0 ? " (untyped bytes)" : "")}, " +
               $"but {typeName} has fingerprint 0x{expectedFingerprint:X16}: the two processes use different versions of the message struct.")
    {
        TypeName = typeName;
        ExpectedFingerprint = expectedFingerprint;
        FoundFingerprint = foundFingerprint;
    }

    /// <summary>The message struct this process uses.</summary>
    public string TypeName { get; }

    /// <summary>The layout fingerprint of <see cref="TypeName"/>.</summary>
    public ulong ExpectedFingerprint { get; }

    /// <summary>The fingerprint recorded in the ring.</summary>
    public ulong FoundFingerprint { get; }
}
