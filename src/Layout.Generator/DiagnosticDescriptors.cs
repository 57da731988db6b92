using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

// Diagnostic ids of RingIpc's generators. Ids are stable: never renumber or reuse one (AnalyzerReleases.*.md
// track them).
//
//   RIPC0001 – RIPC0099   the [SharedLayout] layout generator (this class). A new layout diagnostic takes the next
//                         free id after the last one below, so layout ids stay RIPC00xx.
//   RIPC0100 – RIPC0199   reserved for the [SharedService] RPC contract generator (a coming issue): its descriptors
//                         start at RIPC0100 and live with that generator, never here.
//   RIPC0200 and up       unassigned.

/// <summary>
/// Every diagnostic the layout generator reports. IDs are stable: never renumber or reuse one.
/// Each message says what to change.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RingIpc.Layout";

    /// <summary>RIPC0001: nint, nuint, IntPtr, UIntPtr.</summary>
    public static readonly DiagnosticDescriptor PointerSized = Error(
        "RIPC0001",
        "Pointer-sized type in a shared layout",
        "'{0}' of [SharedLayout] struct '{1}' is {2}: pointer-sized: differs between 32- and 64-bit processes; use long, or SharedHandle for OS handles");

    /// <summary>RIPC0002: pointers and function pointers.</summary>
    public static readonly DiagnosticDescriptor Pointer = Error(
        "RIPC0002",
        "Pointer in a shared layout",
        "'{0}' of [SharedLayout] struct '{1}' is a pointer ({2}): an address means nothing in another process and its size differs between 32- and 64-bit processes; store an offset into the shared section as long, or SharedHandle for OS handles");

    /// <summary>RIPC0003: references (string, arrays, classes, interfaces, delegates) without a fixed size.</summary>
    public static readonly DiagnosticDescriptor ReferenceType = Error(
        "RIPC0003",
        "Reference type in a shared layout",
        "'{0}' of [SharedLayout] struct '{1}' is a reference ({2}): shared memory can hold only inline values; {3}");

    /// <summary>RIPC0004: a struct that is not itself a shared layout.</summary>
    public static readonly DiagnosticDescriptor StructWithoutSharedLayout = Error(
        "RIPC0004",
        "Struct without [SharedLayout] in a shared layout",
        "'{0}' of [SharedLayout] struct '{1}' is of struct type '{2}', which has no [SharedLayout]: its layout may differ between 32- and 64-bit processes; mark '{2}' [SharedLayout] (partial, with partial properties), or store its parts as supported types (e.g. DateTime as its Ticks in a long)");

    /// <summary>RIPC0005: generic struct.</summary>
    public static readonly DiagnosticDescriptor Generic = Error(
        "RIPC0005",
        "Generic shared layout",
        "[SharedLayout] struct '{0}' is generic or nested in a generic type: a layout must be fixed at compile time; remove the type parameters (declare one struct per element type)");

    /// <summary>RIPC0006: a non-partial (auto-)property, whose hidden field would sit outside the layout.</summary>
    public static readonly DiagnosticDescriptor NonPartialProperty = Error(
        "RIPC0006",
        "Non-partial property with storage in a shared layout",
        "Property '{0}' of [SharedLayout] struct '{1}' has a compiler-generated backing field, outside the generated layout; declare it 'partial' without bodies (e.g. 'public partial int {0} {{ get; set; }}') so the generator places it, or give it bodies that compute its value from other properties");

    /// <summary>RIPC0007: an instance field.</summary>
    public static readonly DiagnosticDescriptor InstanceField = Error(
        "RIPC0007",
        "Instance field in a shared layout",
        "'{0}' of [SharedLayout] struct '{1}' is an instance field: the generator owns all storage of a shared layout; declare it as a partial property (e.g. 'public partial int {0} {{ get; set; }}') or make it static or const");

    /// <summary>RIPC0008: the struct (or a type containing it) is not partial.</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error(
        "RIPC0008",
        "Shared layout is not partial",
        "[SharedLayout] needs '{0}' to be declared 'partial' (the generator writes the other half); add the 'partial' modifier to '{0}'");

    /// <summary>RIPC0009: a cycle of nested layouts.</summary>
    public static readonly DiagnosticDescriptor Cycle = Error(
        "RIPC0009",
        "Cycle of nested shared layouts",
        "'{0}' of [SharedLayout] struct '{1}' makes the layout contain itself ({2}): a struct cannot contain itself; break the cycle, e.g. store an index or offset (int or long) instead of the struct");

    /// <summary>RIPC0010: a size out of range (capacity, empty or oversized layout).</summary>
    public static readonly DiagnosticDescriptor SizeOutOfRange = Error(
        "RIPC0010",
        "Shared layout size out of range",
        "{0} is out of range: {1}");

    /// <summary>RIPC0011: [FixedString]/[FixedArray] on a property of the wrong type.</summary>
    public static readonly DiagnosticDescriptor AttributeOnWrongType = Error(
        "RIPC0011",
        "Fixed-size attribute on a property of the wrong type",
        "[{0}] on '{1}' of [SharedLayout] struct '{2}' needs a property of type {3}, not '{4}'; change the property type or remove the attribute");

    /// <summary>RIPC0012: layout properties spread over several partial declarations.</summary>
    public static readonly DiagnosticDescriptor SplitDeclaration = Error(
        "RIPC0012",
        "Shared layout properties in several partial declarations",
        "Property '{0}' of [SharedLayout] struct '{1}' is in another partial declaration than '{2}': the layout follows declaration order, which is ambiguous across declarations; declare all partial properties of '{1}' in one declaration");

    /// <summary>RIPC0013: a member name that the generated code uses.</summary>
    public static readonly DiagnosticDescriptor ReservedName = Error(
        "RIPC0013",
        "Member name reserved by the layout generator",
        "'{0}' of [SharedLayout] struct '{1}' uses a name that the generator emits (Size, Alignment, Fingerprint, Offsets, CHeader); rename it");

    /// <summary>RIPC0014: a [LayoutOffset] that is misaligned or overlaps the member before it.</summary>
    public static readonly DiagnosticDescriptor PinnedOffset = Error(
        "RIPC0014",
        "Pinned offset cannot be honoured",
        "[LayoutOffset({0})] on '{1}' of [SharedLayout] struct '{2}' cannot be honoured: {3}; pin it at a multiple of {4} that is at least {5}, or move the property");

    /// <summary>RIPC0015: a readonly struct, whose generated storage could not be written.</summary>
    public static readonly DiagnosticDescriptor ReadOnlyStruct = Error(
        "RIPC0015",
        "Read-only shared layout",
        "[SharedLayout] struct '{0}' is readonly, but the generator writes mutable storage; remove 'readonly' from the struct (get-only or init properties keep its values fixed)");

    /// <summary>RIPC0016: an enum whose underlying type only IL can declare (bool, char, float, double), which C# cannot use.</summary>
    public static readonly DiagnosticDescriptor UnsupportedEnum = Error(
        "RIPC0016",
        "Enum with an underlying type C# cannot use",
        "'{0}' of [SharedLayout] struct '{1}' is the enum '{2}', whose underlying type ({3}) only IL can declare and C# cannot use; use an enum with an integer underlying type (byte, sbyte, short, ushort, int, uint, long or ulong)");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
