using System;

namespace RingIpc;

/// <summary>
/// Marks a <c>partial struct</c> whose memory layout is the same in 32-bit and 64-bit processes, so that
/// it can live in shared memory and be read by a peer of either bitness (or by native code).
/// </summary>
/// <remarks>
/// <para>Declare the data as <c>partial</c> properties; the RingIpc layout generator writes the other
/// half: explicit layout with computed <c>[FieldOffset]</c>s, private storage, the property bodies,
/// and the constants <c>Size</c>, <c>Alignment</c> and <c>Fingerprint</c> plus a nested <c>Offsets</c>
/// class with one constant per property. The struct also implements <see cref="ISharedLayout"/>.</para>
/// <para>Canonical rule, identical on every platform because it never depends on the ABI: properties in
/// declaration order, each primitive aligned to its size (at most 8), nested layouts to their own
/// alignment, inline strings and arrays to their element's alignment, and the size rounded up to the
/// largest alignment.</para>
/// <para>Allowed property types: <see cref="bool"/> (1 byte), all fixed-size integers, <see cref="char"/>,
/// <see cref="float"/>, <see cref="double"/>, <see cref="decimal"/>, <see cref="Guid"/>, enums, other
/// <c>[SharedLayout]</c> structs, <see cref="SharedHandle"/>, <see cref="string"/> with
/// <see cref="FixedStringAttribute"/> and arrays with <see cref="FixedArrayAttribute"/>. Anything else
/// (pointer-sized integers, pointers, references, other structs) is a compile error (RIPC0001 and up)
/// that says what to use instead.</para>
/// </remarks>
/// <example>
/// <code>
/// [SharedLayout]
/// public partial struct Quote
/// {
///     public partial int Id { get; set; }          // offset 0
///     public partial long Time { get; set; }       // offset 8
///     public partial double Price { get; set; }    // offset 16
///     [FixedString(15)]
///     public partial string Symbol { get; set; }   // offset 24, Size = 40
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SharedLayoutAttribute : Attribute
{
    /// <summary>
    /// When <see langword="true"/>, the generator also emits <c>public const string CHeader</c>: a C11
    /// header for native peers with <c>&lt;stdint.h&gt;</c> types, explicit padding members and
    /// <c>_Static_assert</c>s on <c>sizeof</c> and every <c>offsetof</c>. Write it to a <c>.h</c> file
    /// from a build step or a test. Default <see langword="false"/>.
    /// </summary>
    public bool CHeader { get; set; }

    /// <summary>
    /// The exact size in bytes, for a layout with reserved space at its end (e.g. a 4096-byte header page);
    /// 0 (the default) means the canonical size. It must be at least what the members need and a multiple of
    /// the layout's alignment (RIPC0010 otherwise). Pin members with <see cref="LayoutOffsetAttribute"/>.
    /// </summary>
    public int Size { get; set; }
}
