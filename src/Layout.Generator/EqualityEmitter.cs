using System;
using System.CodeDom.Compiler;
using System.Globalization;

namespace RingIpc.Layout.Generator;

/// <summary>
/// Model → the value-equality members of a [SharedLayout] struct: <c>IEquatable&lt;T&gt;</c>,
/// <c>Equals(T)</c>, <c>Equals(object)</c>, <c>GetHashCode()</c>, <c>==</c> and <c>!=</c> (for a record struct
/// only <c>Equals(T)</c> and <c>GetHashCode()</c>: the compiler synthesizes the rest over them). Emitted unless
/// the struct declares any of them itself (the all-or-nothing rule in Parser.Equality.cs).
/// </summary>
/// <remarks>
/// Values compare as the getters read them, member by member: every element of an inline array, an inline
/// string's UTF-8 bytes up to its first NUL (what the getter decodes; two invalid sequences that decode alike
/// still differ), bools normalized, float and double as <c>double.Equals</c> (NaN equals NaN, −0.0 equals 0.0),
/// decimal, Guid, SharedHandle and nested layouts through <c>EqualityComparer&lt;T&gt;.Default</c> (their own
/// IEquatable). Padding and the bytes after a string's NUL never count. Nothing allocates: elements are reached
/// in place with <c>Unsafe.Add</c>, no string is decoded, and the hash combiner is written inline
/// (<c>System.HashCode</c> does not exist on net472). The operators take <c>in</c> parameters, so comparing
/// two layouts of up to 1 MiB copies neither.
/// </remarks>
internal static class EqualityEmitter
{
    private const string Comparer = "global::System.Collections.Generic.EqualityComparer";
    private const string EqualHelper = "Equal";
    private const string HashHelper = "Hash";

    /// <summary>The interface to add to the generated declaration's base list, or null.</summary>
    public static string? Interface(LayoutModel model) =>
        model.EmitEquality && !model.IsRecord ? $"global::System.IEquatable<{CSharpEmitter.Identifier(model.Name)}>" : null;

    /// <summary>The public members (when <see cref="LayoutModel.EmitEquality"/>); they call the helpers of <see cref="WriteHelpers"/>.</summary>
    public static void WriteMembers(IndentedTextWriter writer, LayoutModel model)
    {
        if (!model.EmitEquality)
        {
            return;
        }
        string self = CSharpEmitter.Identifier(model.Name);
        string equal = Storage.Helper(EqualHelper);
        CSharpEmitter.WriteDocumented(writer,
            "<summary>Whether <paramref name=\"other\"/> holds the same values: every property as its getter reads it (each element of an inline array, " +
            "an inline string's UTF-8 bytes up to its first NUL, float and double as <c>Equals</c> compares them, so NaN equals NaN; any non-zero bool byte is true).</summary>",
            "<param name=\"other\">The value to compare with.</param>\n<returns><see langword=\"true\"/> if every property is equal.</returns>",
            $"public readonly bool Equals({self} other) => {equal}(in this, in other);");
        if (!model.IsRecord)
        {
            CSharpEmitter.WriteDocumented(writer, "<inheritdoc/>", string.Empty,
                $"public override readonly bool Equals(object? obj) => obj is {self} other && {equal}(in this, in other);");
        }
        CSharpEmitter.WriteDocumented(writer, "<inheritdoc/>", string.Empty,
            $"public override readonly int GetHashCode() => {Storage.Helper(HashHelper)}(in this);");
        if (!model.IsRecord)
        {
            WriteOperator(writer, self, "==", "the same values", string.Empty);
            WriteOperator(writer, self, "!=", "different values", "!");
        }
    }

    /// <summary>The comparison and the hash over the storage, in the helper class.</summary>
    public static void WriteHelpers(IndentedTextWriter writer, LayoutModel model)
    {
        string self = CSharpEmitter.Identifier(model.Name);
        WriteEqual(writer, self, model.Shape);
        WriteHash(writer, self, model.Shape);
    }

    private static void WriteOperator(IndentedTextWriter writer, string self, string token, string what, string negation) =>
        CSharpEmitter.WriteDocumented(writer,
            $"<summary>Whether the two hold {what}, compared as <c>Equals</c> compares them.</summary>",
            "<param name=\"left\">A value.</param>\n<param name=\"right\">Another value.</param>\n<returns>The comparison's result.</returns>",
            $"public static bool operator {token}(in {self} left, in {self} right) => {negation}{Storage.Helper(EqualHelper)}(in left, in right);");

    private static void WriteEqual(IndentedTextWriter writer, string self, LayoutShape shape) =>
        WriteWalk(writer, $"internal static bool {EqualHelper}(in {self} left, in {self} right)", null, "return true;", shape,
            (element, at) => $"if ({Differ(element, at("left"), at("right"))}) return false;",
            // As the getter reads it: the bytes up to the first NUL (the rest is ignored).
            at => new[] { $"byte l = {at("left")};", $"if (l != {at("right")}) return false;", "if (l == 0) break;" });

    private static void WriteHash(IndentedTextWriter writer, string self, LayoutShape shape) =>
        WriteWalk(writer, $"internal static int {HashHelper}(in {self} value)", "int hash = 17;", "return hash;", shape,
            (element, at) => Mix(Hash(element, at("value"))),
            at => new[] { $"byte b = {at("value")};", "if (b == 0) break;", Mix("b") });

    /// <summary>
    /// One helper method that visits every member as its getter reads it: <paramref name="value"/> writes the
    /// statement for one value (a scalar, or each element of an inline array), <paramref name="stringByte"/> the
    /// loop body for one byte of an inline string. Both get <c>at</c>, which maps a parameter name to the
    /// storage expression of the value being visited.
    /// </summary>
    private static void WriteWalk(IndentedTextWriter writer, string signature, string? first, string last, LayoutShape shape,
        Func<ValueShape, Func<string, string>, string> value, Func<Func<string, string>, string[]> stringByte)
    {
        writer.WriteLine();
        writer.WriteLine(signature);
        writer.WriteLine("{");
        writer.Indent++;
        if (first is not null)
        {
            writer.WriteLine(first);
        }
        foreach (MemberModel member in shape.Members)
        {
            ValueShape element = member.Element!;
            string count = member.Count.ToString(CultureInfo.InvariantCulture);
            switch (member.Kind)
            {
                case MemberKind.InlineString:
                    Loop(writer, count, stringByte(owner => Storage.Element(owner, member, "i")));
                    break;
                case MemberKind.InlineArray:
                    Loop(writer, count, value(element, owner => Storage.Element(owner, member, "i")));
                    break;
                default:
                    writer.WriteLine(value(element, owner => $"{owner}.{Storage.Field(member)}"));
                    break;
            }
        }
        writer.WriteLine(last);
        writer.Indent--;
        writer.WriteLine("}");
    }

    /// <summary>A C# condition that is true when the stored values <paramref name="a"/> and <paramref name="b"/> read differently.</summary>
    private static string Differ(ValueShape element, string a, string b) => element.Equality switch
    {
        ValueEquality.Integral or ValueEquality.Enum => $"{a} != {b}",
        ValueEquality.Bool => $"({BoolStorage.Read(a)}) != ({BoolStorage.Read(b)})",
        ValueEquality.Floating => $"!{a}.Equals({b})",
        _ => $"!{Comparer}<{element.CSharpType}>.Default.Equals({a}, {b})",
    };

    /// <summary>An int hash of the stored value <paramref name="x"/>, equal for values that <see cref="Differ"/> finds equal.</summary>
    private static string Hash(ValueShape element, string x) => element.Equality switch
    {
        ValueEquality.Integral => $"{x}.GetHashCode()",
        ValueEquality.Enum => $"unchecked((long){x}).GetHashCode()", // an enum's own GetHashCode boxes on .NET Framework
        ValueEquality.Bool => $"({BoolStorage.Read(x)} ? 1 : 0)",
        // NaNs and zeros differ in bits but are equal; .NET Framework hashes NaN payloads differently.
        ValueEquality.Floating => $"({x} == 0 || double.IsNaN({x}) ? 0 : {x}.GetHashCode())",
        _ => $"{Comparer}<{element.CSharpType}>.Default.GetHashCode({x})",
    };

    /// <summary>The inline hash combiner (System.HashCode is missing on net472).</summary>
    private static string Mix(string hash) => $"hash = unchecked((hash * -1521134295) + {hash});";

    private static void Loop(IndentedTextWriter writer, string count, params string[] body)
    {
        writer.WriteLine($"for (int i = 0; i < {count}; i++)");
        writer.WriteLine("{");
        writer.Indent++;
        foreach (string line in body)
        {
            writer.WriteLine(line);
        }
        writer.Indent--;
        writer.WriteLine("}");
    }
}
