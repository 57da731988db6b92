using System.CodeDom.Compiler;

namespace RingIpc.Layout.Generator;

/// <summary>
/// bool storage: one byte per bool, written as 0 or 1 and read as C reads it: 0 is false, any other byte (a
/// peer may write one) is true. Every read normalizes, scalars and inline-array elements alike, so no bool that
/// generated code returns holds another byte than 0 or 1 (.NET compares such a bool unequal to <c>true</c>).
/// Inline bool arrays are stored as bytes too: their span property is a <c>Span&lt;byte&gt;</c> of the stored
/// bytes, never a <c>Span&lt;bool&gt;</c> that would hand out a peer's 2 as a bool.
/// </summary>
internal static class BoolStorage
{
    private const string ReadArrayHelper = "ReadBools";
    private const string CopyArrayHelper = "CopyBools";

    /// <summary>Whether <paramref name="member"/> is an inline bool array (which needs <see cref="WriteArrayHelpers"/>).</summary>
    public static bool IsArray(MemberModel member) =>
        member.Kind == MemberKind.InlineArray && member.Element!.Equality == ValueEquality.Bool;

    /// <summary>The bool a stored byte means.</summary>
    public static string Read(string storedByte) => $"{storedByte} != 0";

    /// <summary>Stores the bool <paramref name="value"/> in the byte <paramref name="field"/>.</summary>
    public static string Write(string field, string value) => $"{field} = {value} ? (byte)1 : (byte)0";

    /// <summary>A new bool[] with the normalized elements.</summary>
    public static string ReadArray(string field, string count) => $"{Storage.Helper(ReadArrayHelper)}(ref {field}, {count})";

    /// <summary>Copies the normalized elements to the Span&lt;bool&gt; <paramref name="destination"/>.</summary>
    public static string CopyArray(string field, string count, string destination) => $"{Storage.Helper(CopyArrayHelper)}(ref {field}, {count}, {destination})";

    /// <summary>A ReadOnlySpan&lt;bool&gt; as its bytes (0 or 1 for every bool C# code makes), for SharedLayoutSupport.Write.</summary>
    public static string AsBytes(string bools) => $"{Storage.MemoryMarshal}.Cast<bool, byte>({bools})";

    /// <summary>The helpers behind <see cref="ReadArray"/> and <see cref="CopyArray"/>, once per struct, in the helper class.</summary>
    public static void WriteArrayHelpers(IndentedTextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine("// Inline bools: the stored bytes, each normalized (0 false, any other byte true).");
        writer.WriteLine($"internal static bool[] {ReadArrayHelper}(ref byte first, int length)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("var values = new bool[length];");
        writer.WriteLine($"{CopyArrayHelper}(ref first, length, values);");
        writer.WriteLine("return values;");
        writer.Indent--;
        writer.WriteLine("}");
        writer.WriteLine();
        writer.WriteLine($"internal static void {CopyArrayHelper}(ref byte first, int length, global::System.Span<bool> destination)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine($"global::System.Span<byte> bytes = {Storage.MemoryMarshal}.Cast<bool, byte>(destination);");
        writer.WriteLine($"{Storage.Support}.CopyTo(ref first, length, bytes); // checks the length, copies the bytes as stored");
        writer.WriteLine("for (int i = 0; i < length; i++)");
        writer.WriteLine("{");
        writer.Indent++;
        writer.WriteLine("bytes[i] = bytes[i] != 0 ? (byte)1 : (byte)0;");
        writer.Indent--;
        writer.WriteLine("}");
        writer.Indent--;
        writer.WriteLine("}");
    }
}
