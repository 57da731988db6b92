using System;

namespace RingIpc;

/// <summary>
/// Stores an array property (<c>T[]</c>) of a <see cref="SharedLayoutAttribute">[SharedLayout]</see>
/// struct inline, as exactly <see cref="Length"/> consecutive elements. <c>T</c> is any type a
/// <c>[SharedLayout]</c> property may have, except strings and arrays.
/// </summary>
/// <remarks>
/// The generated getter allocates a copy; the setter copies up to <see cref="Length"/> elements, clears
/// the rest, and throws <see cref="ArgumentException"/> for a longer array. For allocation-free access the
/// generator adds <c>Copy&lt;Name&gt;To(Span&lt;T&gt;)</c>, <c>Set&lt;Name&gt;(ReadOnlySpan&lt;T&gt;)</c>
/// and, where the target framework allows a span over a struct's own storage (.NET 7 or later), a
/// <c>&lt;Name&gt;Span</c> property. A <c>bool[]</c> is stored as bytes (0 or 1, as a scalar bool), so its
/// span property is a <c>Span&lt;byte&gt;</c> (any non-zero byte reads as <see langword="true"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FixedArrayAttribute : Attribute
{
    /// <summary>Stores <paramref name="length"/> elements inline.</summary>
    /// <param name="length">The number of elements, at least 1.</param>
    public FixedArrayAttribute(int length) => Length = length;

    /// <summary>The number of elements.</summary>
    public int Length { get; }
}
