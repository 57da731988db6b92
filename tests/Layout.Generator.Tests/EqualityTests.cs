using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Value equality of generated layouts: every member as its getter reads it (each element of inline arrays,
/// the bytes of inline strings up to their first NUL, bools normalized, NaN equal to NaN), never the raw bytes
/// of the struct, and never only the element 0 that the storage field declares.
/// </summary>
public sealed class EqualityTests
{
    private static readonly Lazy<Assembly> Loaded = new(() => GeneratorHarness.Load(Samples.Equality));

    private static Type Eq => Loaded.Value.GetType("Samples.Eq", throwOnError: true)!;

    private static Type Point => Loaded.Value.GetType("Samples.Point", throwOnError: true)!;

    [Fact]
    public void The_sample_has_the_offsets_the_cases_poke()
    {
        Assert.Equal(128, GeneratorHarness.Constant<int>(Eq, "Size"));
        Dictionary<string, int> offsets = GeneratorHarness.Offsets(Eq);
        Assert.Equal(
            [("Name", 0), ("Levels", 8), ("Price", 24), ("Ratio", 32), ("Done", 36), ("Flags", 37), ("At", 40), ("Path", 52), ("Mode", 80), ("Amount", 88), ("Id", 104), ("Handle", 120), ("Letter", 124)],
            offsets.OrderBy(o => o.Value).Select(o => (o.Key, o.Value)));
        Assert.Equal(new Dictionary<string, int> { ["X"] = 0, ["Weights"] = 4 }, GeneratorHarness.Offsets(Point));
    }

    public static TheoryData<string, Action<object>> Differences => new()
    {
        { "string AB vs AC", v => RuntimeBehaviorTests.Set(v, "Name", "AC") },
        { "string longer", v => RuntimeBehaviorTests.Set(v, "Name", "ABC") },
        { "last array element", v => RuntimeBehaviorTests.Set(v, "Levels", new[] { 1, 2, 4 }) },
        { "double", v => RuntimeBehaviorTests.Set(v, "Price", 2.5) },
        { "float", v => RuntimeBehaviorTests.Set(v, "Ratio", -0.25f) },
        { "bool", v => RuntimeBehaviorTests.Set(v, "Done", false) },
        { "last bool element", v => RuntimeBehaviorTests.Set(v, "Flags", new[] { true, true }) },
        { "nested scalar", v => SetBytes(v, 40, BitConverter.GetBytes(8)) },
        { "nested array element", v => SetBytes(v, 40 + 4 + 4, BitConverter.GetBytes(9f)) },
        { "last element of an array of nested layouts, in its array", v => SetBytes(v, 52 + 12 + 4 + 4, BitConverter.GetBytes(9f)) },
        { "enum above long.MaxValue", v => RuntimeBehaviorTests.Set(v, "Mode", Enum.ToObject(v.GetType().GetProperty("Mode")!.PropertyType, 2UL)) },
        { "decimal", v => RuntimeBehaviorTests.Set(v, "Amount", 1.5m) },
        { "Guid", v => SetBytes(v, 104 + 15, [0xEE]) },
        { "handle", v => RuntimeBehaviorTests.Set(v, "Handle", new SharedHandle(5)) },
        { "char", v => RuntimeBehaviorTests.Set(v, "Letter", 'Z') },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void A_difference_in_any_element_makes_values_unequal(string what, Action<object> change)
    {
        object a = Sample();
        object b = Sample();
        Assert.True(Equal(a, b), "the samples differ before: " + what);
        change(b);

        Assert.False(a.Equals(b), what);
        Assert.False(Equal(a, b), what);
        Assert.False(Operator(a, b, "op_Equality"), what);
        Assert.True(Operator(a, b, "op_Inequality"), what);
    }

    public static TheoryData<string, Action<object>> Alikes => new()
    {
        { "bytes after the string's NUL", v => SetBytes(v, 3, [(byte)'X', (byte)'Y']) },
        { "padding between members", v => SetBytes(v, 20, [1, 2, 3, 4]) },
        { "padding at the end", v => SetBytes(v, 126, [0xFF, 0xFF]) },
        { "another NaN", v => SetBytes(v, 24, BitConverter.GetBytes(BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0042))) },
        { "negative zero float", v => RuntimeBehaviorTests.Set(v, "Ratio", -0f) },
        { "bool byte 2", v => SetBytes(v, 36, [2]) },
        { "bool element byte 0x80", v => SetBytes(v, 37, [0x80]) },
        { "decimal with another scale", v => RuntimeBehaviorTests.Set(v, "Amount", 1.00m) },
    };

    [Theory]
    [MemberData(nameof(Alikes))]
    public void Values_the_getters_read_alike_are_equal_with_equal_hash_codes(string what, Action<object> change)
    {
        object a = Sample();
        object b = Sample();
        change(b);
        Assert.NotEqual(RawBytes.Of(a), RawBytes.Of(b)); // the bytes differ...

        Assert.True(a.Equals(b), what);                  // ...the values do not
        Assert.True(Equal(a, b), what);
        Assert.True(Operator(a, b, "op_Equality"), what);
        Assert.False(Operator(a, b, "op_Inequality"), what);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_object_is_false_for_null_and_other_types_and_the_struct_is_IEquatable()
    {
        object a = Sample();
        Assert.False(a.Equals(null));
        Assert.False(a.Equals(Activator.CreateInstance(Point)));
        Assert.Contains(typeof(IEquatable<>).MakeGenericType(Eq), Eq.GetInterfaces());
        Assert.Contains(typeof(IEquatable<>).MakeGenericType(Point), Point.GetInterfaces());
    }

    [Fact]
    public void A_record_struct_gets_value_equality_through_its_synthesized_operators()
    {
        const string source = GeneratorHarness.Usings + """
            [SharedLayout]
            public partial record struct R
            {
                [FixedString(4)] public partial string Name { get; set; }
                [FixedArray(2)] public partial int[] Values { get; set; }
            }

            public static class Probe
            {
                public static string Run()
                {
                    var a = new R { Name = "AB", Values = [1, 2] };
                    var b = new R { Name = "AC", Values = [1, 2] };
                    var c = new R { Name = "AB", Values = [1, 3] };
                    var d = new R { Name = "AB", Values = [1, 2] };
                    return $"{a == b} {a == c} {a == d} {a.Equals(d)} {a.Equals((object)d)} {a.GetHashCode() == d.GetHashCode()}";
                }
            }
            """;
        Type probe = GeneratorHarness.Load(source).GetType("Probe")!;
        Assert.Equal("False False True True True True", probe.GetMethod("Run")!.Invoke(null, null));
    }

    /// <summary>A struct that declares any one of the equality members owns equality: the generator then emits none of them.</summary>
    public static TheoryData<string, string> UserEquality => new()
    {
        { "Equals(T)", "public bool Equals(S other) => A == other.A;" },
        { "Equals(T?)", "public bool Equals(S? other) => other?.A == A;" },
        { "Equals(object)", "public override bool Equals(object? obj) => obj is S s && s.A == A;\npublic override int GetHashCode() => A;" },
        { "GetHashCode()", "public override int GetHashCode() => A;" },
        { "==", "public static bool operator ==(S l, S r) => l.A == r.A;\npublic static bool operator !=(S l, S r) => l.A != r.A;" },
        { "!=", "public static bool operator !=(S l, S? r) => l.A != r?.A;\npublic static bool operator ==(S l, S? r) => l.A == r?.A;" },
        { "a property named GetHashCode", "public new int GetHashCode => A;" },
        { "record Equals(T)", "" },
    };

    [Theory]
    [MemberData(nameof(UserEquality))]
    public void A_struct_declaring_its_own_equality_gets_no_generated_equality(string what, string members)
    {
        string source = what.StartsWith("record", StringComparison.Ordinal)
            ? GeneratorHarness.Usings + "[SharedLayout] public partial record struct S { public partial int A { get; set; } public bool Equals(S other) => A == other.A; public override int GetHashCode() => A; }"
            : GeneratorHarness.Usings + "[SharedLayout] public partial struct S { public partial int A { get; set; }\n" + members + "\n}";
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) = GeneratorHarness.Run(source);

        Assert.Empty(diagnostics);
        string generated = GeneratorHarness.GeneratedSource(result, "S");
        Assert.DoesNotContain("IEquatable", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Equals", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("GetHashCode", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("operator", generated, StringComparison.Ordinal);
        // Only the user's own equality warnings (== without Equals) may remain; nothing from the generated half.
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error || d.Location.SourceTree?.FilePath != "Source0.cs"));
    }

    [Fact]
    public void Equality_members_are_generated_for_a_struct_without_any()
    {
        (_, _, GeneratorDriverRunResult result) = GeneratorHarness.Run(GeneratorHarness.Usings + """
            [SharedLayout] public partial struct S
            {
                public partial int A { get; set; }
                public bool Equals(int value) => A == value;                 // another overload: not equality with S
                public static bool operator <(S l, S r) => l.A < r.A;         // not == or !=
                public static bool operator >(S l, S r) => l.A > r.A;
            }
            """);
        string generated = GeneratorHarness.GeneratedSource(result, "S");
        Assert.Contains("global::System.IEquatable<S>", generated, StringComparison.Ordinal);
        Assert.Contains("public readonly bool Equals(S other)", generated, StringComparison.Ordinal);
        Assert.Contains("public override readonly bool Equals(object? obj)", generated, StringComparison.Ordinal);
        Assert.Contains("public override readonly int GetHashCode()", generated, StringComparison.Ordinal);
        Assert.Contains("public static bool operator ==(in S left, in S right)", generated, StringComparison.Ordinal);
        Assert.Contains("public static bool operator !=(in S left, in S right)", generated, StringComparison.Ordinal);
    }

    /// <summary>Name "AB", Levels 1 2 3, Price NaN, Ratio 0, Done, Flags true false, At and Path set, and the rest.</summary>
    private static object Sample()
    {
        object value = Activator.CreateInstance(Eq)!;
        RuntimeBehaviorTests.Set(value, "Name", "AB");
        RuntimeBehaviorTests.Set(value, "Levels", new[] { 1, 2, 3 });
        RuntimeBehaviorTests.Set(value, "Price", double.NaN);
        RuntimeBehaviorTests.Set(value, "Ratio", 0f);
        RuntimeBehaviorTests.Set(value, "Done", true);
        RuntimeBehaviorTests.Set(value, "Flags", new[] { true, false });
        object point = Activator.CreateInstance(Point)!;
        RuntimeBehaviorTests.Set(point, "X", 7);
        RuntimeBehaviorTests.Set(point, "Weights", new[] { 0.5f, 1.5f });
        RuntimeBehaviorTests.Set(value, "At", point);
        Array path = Array.CreateInstance(Point, 2);
        path.SetValue(point, 0);
        path.SetValue(point, 1);
        RuntimeBehaviorTests.Set(value, "Path", path);
        RuntimeBehaviorTests.Set(value, "Mode", Enum.ToObject(Eq.GetProperty("Mode")!.PropertyType, ulong.MaxValue));
        RuntimeBehaviorTests.Set(value, "Amount", 1.0m);
        RuntimeBehaviorTests.Set(value, "Id", new Guid("00112233-4455-6677-8899-aabbccddeeff"));
        RuntimeBehaviorTests.Set(value, "Handle", SharedHandle.Invalid);
        RuntimeBehaviorTests.Set(value, "Letter", 'Ω');
        Assert.Equal("AB", Encoding.UTF8.GetString(RawBytes.Of(value), 0, 2));
        return value;
    }

    /// <summary>Overwrites bytes of the boxed struct in place (as a peer would write them).</summary>
    private static void SetBytes(object box, int offset, byte[] bytes)
    {
        byte[] image = RawBytes.Of(box);
        bytes.CopyTo(image, offset);
        RawBytes.Into(box, image);
    }

    /// <summary>IEquatable&lt;T&gt;.Equals(T).</summary>
    private static bool Equal(object a, object b) =>
        (bool)typeof(IEquatable<>).MakeGenericType(a.GetType()).GetMethod("Equals")!.Invoke(a, [b])!;

    private static bool Operator(object a, object b, string name)
    {
        MethodInfo? method = a.GetType().GetMethod(name, BindingFlags.Public | BindingFlags.Static);
        Assert.True(method is not null, $"{a.GetType().Name} has no {name}");
        return (bool)method.Invoke(null, [a, b])!;
    }
}
