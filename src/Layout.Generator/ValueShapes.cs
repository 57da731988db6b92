namespace RingIpc.Layout.Generator;

/// <summary>The shapes of the built-in value types: C# storage type, canonical name, C type, size, alignment.</summary>
internal static class ValueShapes
{
    /// <summary>The fixed-size primitives both generators carry as themselves (bool as one byte), by their special
    /// type; null for any other type (decimal is a layout member only: the layout parser adds it).</summary>
    public static ValueShape? OfPrimitive(Microsoft.CodeAnalysis.SpecialType type) => type switch
    {
        Microsoft.CodeAnalysis.SpecialType.System_Boolean => Bool,
        Microsoft.CodeAnalysis.SpecialType.System_Char => Char,
        Microsoft.CodeAnalysis.SpecialType.System_SByte => SByte,
        Microsoft.CodeAnalysis.SpecialType.System_Byte => Byte,
        Microsoft.CodeAnalysis.SpecialType.System_Int16 => Int16,
        Microsoft.CodeAnalysis.SpecialType.System_UInt16 => UInt16,
        Microsoft.CodeAnalysis.SpecialType.System_Int32 => Int32,
        Microsoft.CodeAnalysis.SpecialType.System_UInt32 => UInt32,
        Microsoft.CodeAnalysis.SpecialType.System_Int64 => Int64,
        Microsoft.CodeAnalysis.SpecialType.System_UInt64 => UInt64,
        Microsoft.CodeAnalysis.SpecialType.System_Single => Single,
        Microsoft.CodeAnalysis.SpecialType.System_Double => Double,
        _ => null,
    };

    /// <summary>bool: one byte, 0 false and any other value true (stored as a byte, see BoolStorage).</summary>
    public static readonly ValueShape Bool = Primitive("bool", "bool", "uint8_t", 1, ValueEquality.Bool);
    public static readonly ValueShape Char = Primitive("char", "char16", "uint16_t", 2);
    public static readonly ValueShape SByte = Primitive("sbyte", "int8", "int8_t", 1);
    public static readonly ValueShape Byte = Primitive("byte", "uint8", "uint8_t", 1);
    public static readonly ValueShape Int16 = Primitive("short", "int16", "int16_t", 2);
    public static readonly ValueShape UInt16 = Primitive("ushort", "uint16", "uint16_t", 2);
    public static readonly ValueShape Int32 = Primitive("int", "int32", "int32_t", 4);
    public static readonly ValueShape UInt32 = Primitive("uint", "uint32", "uint32_t", 4);
    public static readonly ValueShape Int64 = Primitive("long", "int64", "int64_t", 8);
    public static readonly ValueShape UInt64 = Primitive("ulong", "uint64", "uint64_t", 8);
    public static readonly ValueShape Single = Primitive("float", "float32", "float", 4, ValueEquality.Floating);
    public static readonly ValueShape Double = Primitive("double", "float64", "double", 8, ValueEquality.Floating);

    /// <summary>decimal: flags, hi, lo, mid as four 32-bit words (the same bytes in .NET Framework, Mono and .NET).</summary>
    public static readonly ValueShape Decimal = new("decimal", "decimal", "uint32_t", 4, 16, 8, null, ValueEquality.Equatable);

    /// <summary>Guid: its 16 bytes as <c>Guid.ToByteArray</c> gives them.</summary>
    public static readonly ValueShape Guid = new("global::System.Guid", "guid", "uint8_t", 16, 16, 8, null, ValueEquality.Equatable);

    /// <summary>SharedHandle: a 32-bit handle value.</summary>
    public static readonly ValueShape Handle = new("global::RingIpc.SharedHandle", "handle32", "int32_t", 1, 4, 4, null, ValueEquality.Equatable);

    /// <summary>One byte of an inline UTF-8 string.</summary>
    public static readonly ValueShape Utf8 = new("byte", "utf8", "char", 1, 1, 1, null, ValueEquality.Integral);

    /// <summary>An enum: stored as the enum type, described and sized as its underlying type.</summary>
    public static ValueShape Enum(string csharpType, ValueShape underlying) =>
        underlying with { CSharpType = csharpType, Canonical = "enum(" + underlying.Canonical + ")", Equality = ValueEquality.Enum };

    /// <summary>A nested [SharedLayout] struct.</summary>
    public static ValueShape Nested(string csharpType, LayoutShape layout) =>
        new(csharpType, "layout(" + CanonicalLayout.Hex(layout.Fingerprint) + ")", null, 1, layout.Size, layout.Alignment, layout, ValueEquality.Equatable);

    private static ValueShape Primitive(string csharpType, string canonical, string cType, int size, ValueEquality equality = ValueEquality.Integral) =>
        new(csharpType, canonical, cType, 1, size, CanonicalLayout.PrimitiveAlignment(size), null, equality);
}
