using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RingIpc.Layout.Generator;

// The models passed between pipeline stages: records of strings, numbers and EquatableArrays only
// (no ISymbol, SyntaxNode or Location), so that the incremental driver can compare them by value.

/// <summary>What a member stores, which decides its property body.</summary>
internal enum MemberKind
{
    /// <summary>A value stored as its own type: integers, char, float, double, decimal, Guid, enums, SharedHandle, nested layouts.</summary>
    Scalar,

    /// <summary>A bool property stored as one byte (0 or 1; any non-zero byte reads as true).</summary>
    Bool,

    /// <summary>A [FixedString] string: UTF-8 bytes.</summary>
    InlineString,

    /// <summary>A [FixedArray] array: consecutive elements.</summary>
    InlineArray,

    /// <summary>A member with a diagnostic: emitted as a stub so the only errors are the diagnostics.</summary>
    Invalid,
}

/// <summary>How the generated equality members compare and hash one stored value, as its getter reads it.</summary>
internal enum ValueEquality
{
    /// <summary>Integers and char (and the bytes of inline strings): <c>==</c>.</summary>
    Integral,

    /// <summary>Enums: <c>==</c>; hashed as their value widened to long (no boxing).</summary>
    Enum,

    /// <summary>A bool stored as one byte: 0 is false, any other byte true.</summary>
    Bool,

    /// <summary>float and double: as <c>double.Equals</c> (NaN equals NaN, −0.0 equals 0.0).</summary>
    Floating,

    /// <summary>decimal, Guid, SharedHandle and nested layouts: through <c>EqualityComparer&lt;T&gt;.Default</c> (their own IEquatable).</summary>
    Equatable,
}

/// <summary>The shape of one stored value (a scalar, or one element of an inline string or array).</summary>
/// <param name="CSharpType">The element type as fully qualified C# ("int", "global::N.E"); stored as such except bool, stored as a byte (Storage.TypeOf).</param>
/// <param name="Canonical">The type's name in the canonical description ("int32", "layout(0x…)").</param>
/// <param name="CType">The C type of one element (<c>int32_t</c>), or null for a nested layout.</param>
/// <param name="CCount">How many <see cref="CType"/> make one element (16 for a Guid as bytes), 1 usually.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="Alignment">Canonical alignment.</param>
/// <param name="Nested">The nested layout, for nested [SharedLayout] structs.</param>
/// <param name="Equality">How the equality members compare the value.</param>
internal sealed record ValueShape(
    string CSharpType,
    string Canonical,
    string? CType,
    int CCount,
    int Size,
    int Alignment,
    LayoutShape? Nested,
    ValueEquality Equality);

/// <summary>One accessor of a partial property as declared ("get", "private set", "init").</summary>
internal sealed record AccessorModel(string Modifiers, string Keyword);

/// <summary>One partial property and where the canonical rule put it.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Modifiers">The declared modifiers, verbatim ("public partial").</param>
/// <param name="PropertyType">The declared type, fully qualified, with nullable annotation.</param>
/// <param name="Accessors">The declared accessors.</param>
/// <param name="Kind">How the value is stored.</param>
/// <param name="Element">The stored value's shape (null when <see cref="Kind"/> is Invalid).</param>
/// <param name="Count">Elements (capacity in bytes for strings, length for arrays, 1 for scalars).</param>
/// <param name="Offset">Byte offset in the struct.</param>
/// <param name="PinnedOffset">The [LayoutOffset], or -1.</param>
internal sealed record MemberModel(
    string Name,
    string Modifiers,
    string PropertyType,
    EquatableArray<AccessorModel> Accessors,
    MemberKind Kind,
    ValueShape? Element,
    int Count,
    int Offset,
    int PinnedOffset = -1)
{
    /// <summary>Bytes the member occupies.</summary>
    public int ByteSize => Element is null ? 0 : Element.Size * Count;
}

/// <summary>A computed layout: its members with offsets, size, alignment and fingerprint.</summary>
/// <param name="FullName">The struct's full name ("N.Outer.Quote"), for messages and C names.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Alignment">Largest member alignment.</param>
/// <param name="Fingerprint">FNV-1a 64 of the canonical description.</param>
/// <param name="Members">The members in declaration order; empty for a layout read from metadata.</param>
internal sealed record LayoutShape(
    string FullName,
    int Size,
    int Alignment,
    ulong Fingerprint,
    EquatableArray<MemberModel> Members);

/// <summary>A type that contains the struct ("class", "Outer").</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>Everything the emitters need for one [SharedLayout] struct.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="Containers">Containing types, outermost first.</param>
/// <param name="Keyword">"struct" or "record struct".</param>
/// <param name="Name">The struct's name.</param>
/// <param name="Shape">The layout.</param>
/// <param name="HasErrors">Whether a diagnostic was reported: then only stubs are emitted.</param>
/// <param name="EmitCHeader">[SharedLayout(CHeader = true)].</param>
/// <param name="EmitEquality">Whether to emit the value-equality members: false when the struct declares its own (see Parser.DeclaresEquality).</param>
internal sealed record LayoutModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> Containers,
    string Keyword,
    string Name,
    LayoutShape Shape,
    bool HasErrors,
    bool EmitCHeader,
    bool EmitEquality)
{
    /// <summary>A record struct: the compiler synthesizes Equals(object), == and != over the Equals(T) the generator writes.</summary>
    public bool IsRecord => Keyword == "record struct";
}

/// <summary>A source location without a reference to the syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo From(Location location) =>
        new(location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo From(SyntaxNode node) => From(node.GetLocation());

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report (descriptors compare by value).</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location.ToLocation(), [.. Arguments]);
}

/// <summary>What parsing one [SharedLayout] struct gives: a model to emit (unless the struct cannot take a generated part) and diagnostics.</summary>
internal sealed record ParseResult(LayoutModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Facts about the compilation that change the emitted code.</summary>
/// <param name="SpanAccessors">Whether [UnscopedRef] and MemoryMarshal.CreateSpan exist (.NET 7+), so span properties over the struct's own storage can be emitted.</param>
internal sealed record EmitOptions(bool SpanAccessors);
