using System;

namespace RingIpc;

/// <summary>
/// Stores a <see cref="string"/> property of a <see cref="SharedLayoutAttribute">[SharedLayout]</see>
/// struct inline, as UTF-8 in a fixed number of bytes (NUL-padded; no terminator when full).
/// </summary>
/// <remarks>
/// The generated setter throws <see cref="ArgumentException"/> when the value needs more than
/// <see cref="MaxBytes"/> UTF-8 bytes or contains <c>'\0'</c>; the getter allocates a string. For
/// allocation-free access the generator adds <c>Copy&lt;Name&gt;Utf8To(Span&lt;byte&gt;)</c>,
/// <c>Set&lt;Name&gt;Utf8(ReadOnlySpan&lt;byte&gt;)</c> and, where the target framework allows a span over
/// a struct's own storage (.NET 7 or later), a <c>&lt;Name&gt;Utf8</c> span property.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FixedStringAttribute : Attribute
{
    /// <summary>Stores the string in <paramref name="maxBytes"/> bytes of UTF-8.</summary>
    /// <param name="maxBytes">The capacity in bytes, at least 1.</param>
    public FixedStringAttribute(int maxBytes) => MaxBytes = maxBytes;

    /// <summary>The capacity in UTF-8 bytes.</summary>
    public int MaxBytes { get; }
}
