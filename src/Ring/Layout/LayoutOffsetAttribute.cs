using System;

namespace RingIpc;

/// <summary>
/// Pins a property of a <see cref="SharedLayoutAttribute">[SharedLayout]</see> struct at a byte offset,
/// e.g. to keep fields written by different processes on different cache lines. The generator pads up to
/// it; members after it continue by the canonical rule.
/// </summary>
/// <remarks>
/// The offset must be a multiple of the member's alignment and at or after the end of the member
/// before it; otherwise the build fails (RIPC0014). The offset is part of the fingerprint.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LayoutOffsetAttribute : Attribute
{
    /// <summary>Pins the property at <paramref name="offset"/>.</summary>
    /// <param name="offset">The byte offset from the start of the struct.</param>
    public LayoutOffsetAttribute(int offset) => Offset = offset;

    /// <summary>The byte offset from the start of the struct.</summary>
    public int Offset { get; }
}
