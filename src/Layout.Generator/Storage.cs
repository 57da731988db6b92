namespace RingIpc.Layout.Generator;

/// <summary>
/// How the generated code stores a member and reaches its elements. One private field at the member's offset
/// holds element 0; the other elements of an inline string or array follow it inside the struct's explicit
/// Size and are reached with <c>Unsafe.Add</c> from that field (the runtime's field-wise view of the struct
/// sees element 0 only, which is why the generator writes the equality members itself).
/// </summary>
internal static class Storage
{
    /// <summary>The runtime helpers in RingIpc.dll that the accessors call.</summary>
    public const string Support = "global::RingIpc.SharedLayoutSupport";

    /// <summary>Element access without unsafe code (System.Runtime on .NET; the System.Runtime.CompilerServices.Unsafe package that RingIpc depends on for net472).</summary>
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    /// <summary>Span helpers (System.Memory on net472).</summary>
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";

    /// <summary>
    /// The private nested class that holds the generated helper methods. Storage fields are named
    /// <c>__ripc_&lt;Property&gt;</c>, never just <c>__ripc</c>, so no property name makes the two collide (names
    /// with two consecutive underscores are reserved for the implementation by the C# specification).
    /// </summary>
    public const string HelperClass = "__ripc";

    /// <summary>The prefix of the storage fields.</summary>
    private const string FieldPrefix = HelperClass + "_";

    /// <summary>The storage field of <paramref name="member"/> (its element 0).</summary>
    public static string Field(MemberModel member) => FieldPrefix + member.Name;

    /// <summary>A call target for the helper method <paramref name="name"/> (declared in <see cref="HelperClass"/>).</summary>
    public static string Helper(string name) => HelperClass + "." + name;

    /// <summary>The stored type of one element: a bool as a byte (see <see cref="BoolStorage"/>), anything else as itself.</summary>
    public static string TypeOf(ValueShape element) => element.Equality == ValueEquality.Bool ? "byte" : element.CSharpType;

    /// <summary>Element <paramref name="index"/> of <paramref name="member"/> in <paramref name="owner"/>, a struct variable or <c>in</c> parameter.</summary>
    public static string Element(string owner, MemberModel member, string index) =>
        $"{Unsafe}.Add(ref {Unsafe}.AsRef(in {owner}.{Field(member)}), {index})";
}
