using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Every diagnostic: its exact ID and source span. Sources mark each expected span with <c>[|…|]</c>.
/// The generated stubs keep the user's error list to our diagnostics, except where C# itself rejects
/// the source (pointers outside unsafe code, partial members in a non-partial type).
/// </summary>
public sealed class DiagnosticTests
{
    private static string Struct(string members) =>
        GeneratorHarness.Usings + "public struct Plain { public int X; }\n[SharedLayout]\npublic partial struct S\n{\n" + members + "\n}\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        // id, source, other compiler errors expected ("" = none)
        { "RIPC0001", Struct("public partial [|nint|] P { get; set; }"), "" },
        { "RIPC0001", Struct("public partial [|nuint|] P { get; set; }"), "" },
        { "RIPC0001", Struct("public partial [|IntPtr|] P { get; set; }"), "" },
        { "RIPC0001", Struct("public partial [|UIntPtr|] P { get; set; }"), "" },
        { "RIPC0001", Struct("[FixedArray(2)] public partial [|IntPtr[]|] P { get; set; }"), "" },
        { "RIPC0002", Struct("public unsafe partial [|int*|] P { get; set; }"), "CS0227" },
        { "RIPC0002", Struct("public unsafe partial [|delegate*<void>|] P { get; set; }"), "CS0227" },
        { "RIPC0003", Struct("public partial [|string|] P { get; set; }"), "" },
        { "RIPC0003", Struct("public partial [|int[]|] P { get; set; }"), "" },
        { "RIPC0003", Struct("[FixedArray(2)] public partial [|string[]|] P { get; set; }"), "" },
        { "RIPC0003", Struct("public partial [|object|] P { get; set; }"), "" },
        { "RIPC0003", Struct("public partial [|IDisposable|] P { get; set; }"), "" },
        { "RIPC0003", Struct("public partial [|Action|] P { get; set; }"), "" },
        { "RIPC0004", Struct("public partial [|DateTime|] P { get; set; }"), "" },
        { "RIPC0004", Struct("public partial [|int?|] P { get; set; }"), "" },
        { "RIPC0004", Struct("public partial [|Plain|] P { get; set; }"), "" },
        { "RIPC0005", GeneratorHarness.Usings + "[SharedLayout] public partial struct [|G|]<T> { }", "" },
        { "RIPC0005", GeneratorHarness.Usings + "public partial class C<T> { [SharedLayout] public partial struct [|S|] { } }", "" },
        { "RIPC0006", Struct("public partial int A { get; set; }\npublic int [|Auto|] { get; set; }"), "" },
        { "RIPC0007", Struct("public partial int A { get; set; }\npublic int [|Field|];"), "" },
        { "RIPC0007", Struct("public partial int A { get; set; }\npublic event Action [|Changed|];"), "" },
        { "RIPC0008", GeneratorHarness.Usings + "[SharedLayout] public struct [|NotPartial|] { public int A => 1; }", "" },
        { "RIPC0008", GeneratorHarness.Usings + "public class C { [SharedLayout] public partial struct [|S|] { public partial int A { get; set; } } }", "CS9248" },
        { "RIPC0009", GeneratorHarness.Usings + """
            [SharedLayout] public partial struct A { public partial [|B|] Next { get; set; } }
            [SharedLayout] public partial struct B { public partial [|A|] Back { get; set; } }
            """, "" },
        { "RIPC0009", GeneratorHarness.Usings + "[SharedLayout] public partial struct A { [FixedArray(2)] public partial [|A[]|] Self { get; set; } }", "" },
        { "RIPC0010", Struct("[FixedString([|0|])] public partial string P { get; set; }"), "" },
        { "RIPC0010", Struct("[FixedArray([|-1|])] public partial int[] P { get; set; }"), "" },
        { "RIPC0010", Struct("[FixedArray([|300000|])] public partial long[] P { get; set; }"), "" },
        { "RIPC0010", GeneratorHarness.Usings + "[SharedLayout] public partial struct [|Empty|] { }", "" },
        { "RIPC0010", GeneratorHarness.Usings + """
            [SharedLayout] public partial struct [|Huge|]
            {
                [FixedArray(100000)] public partial long[] A { get; set; }
                [FixedArray(100000)] public partial long[] B { get; set; }
            }
            """, "" },
        { "RIPC0010", GeneratorHarness.Usings + "[SharedLayout([|Size = 4|])] public partial struct S { public partial long A { get; set; } }", "" },
        { "RIPC0010", GeneratorHarness.Usings + "[SharedLayout(CHeader = true, [|Size = 12|])] public partial struct S { public partial long A { get; set; } }", "" },
        { "RIPC0011", Struct("[[|FixedString(4)|]] public partial int P { get; set; }"), "" },
        { "RIPC0011", Struct("[[|FixedArray(4)|]] public partial string P { get; set; }"), "" },
        { "RIPC0013", Struct("public partial int [|Size|] { get; set; }"), "" },
        { "RIPC0014", Struct("[LayoutOffset([|4|])] public partial long P { get; set; }"), "" },
        { "RIPC0014", Struct("public partial long A { get; set; }\n[LayoutOffset([|4|])] public partial int B { get; set; }"), "" },
        { "RIPC0014", Struct("[LayoutOffset([|-8|])] public partial long P { get; set; }"), "" },
        { "RIPC0015", GeneratorHarness.Usings + "[SharedLayout] public readonly partial struct [|R|] { public int A => 1; }", "" },
        { "RIPC0013", Struct("public partial int A { get; set; }\npublic static int [|Fingerprint|]() => 0;"), "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_exact_id_and_span(string id, string markedSource, string otherErrors)
    {
        (string source, List<TextSpan> spans) = Unmark(markedSource);
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, _) = GeneratorHarness.Run(source);

        Assert.Equal(spans.Select(s => (id, s)), diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, d.Location.SourceSpan)));
        Assert.All(diagnostics, d => Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        string[] compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ToArray();
        Assert.Equal(otherErrors.Length == 0 ? [] : otherErrors.Split(','), compilerErrors);
    }

    [Fact]
    public void Errors_reported_elsewhere_leave_only_those_errors()
    {
        // An unknown type (the compiler reports it) and a nested layout with its own error (reported on it).
        (string source, List<TextSpan> spans) = Unmark(GeneratorHarness.Usings + """
            [SharedLayout] public partial struct Inner { public partial [|nint|] P { get; set; } }
            [SharedLayout] public partial struct Outer { public partial Inner In { get; set; } public partial Missing M { get; set; } }
            """);
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, _) = GeneratorHarness.Run(source);

        Assert.Equal([("RIPC0001", spans[0])], diagnostics.Select(d => (d.Id, d.Location.SourceSpan)));
        Assert.Equal(["CS0246"], output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    [Fact]
    public void Layout_properties_in_two_partial_declarations_are_reported()
    {
        (string first, _) = Unmark(GeneratorHarness.Usings + "[SharedLayout] public partial struct S { public partial int A { get; set; } }");
        (string second, List<TextSpan> spans) = Unmark("public partial struct S { public partial int [|B|] { get; set; } }");
        (_, ImmutableArray<Diagnostic> diagnostics, _) = GeneratorHarness.Run(first, second);

        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("RIPC0012", spans[0], "Source1.cs"), (diagnostic.Id, diagnostic.Location.SourceSpan, diagnostic.Location.GetLineSpan().Path));
    }

    [Fact]
    public void Messages_say_the_fix()
    {
        string Message(string members) =>
            GeneratorHarness.Run(Unmark(Struct(members)).Source).GeneratorDiagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(
            "'P' of [SharedLayout] struct 'S' is nint: pointer-sized: differs between 32- and 64-bit processes; use long, or SharedHandle for OS handles",
            Message("public partial nint P { get; set; }"));
        Assert.Contains("add [FixedString(maxBytes)]", Message("public partial string P { get; set; }"));
        Assert.Contains("add [FixedArray(length)]", Message("public partial int[] P { get; set; }"));
        Assert.Contains("mark 'System.DateTime' [SharedLayout]", Message("public partial DateTime P { get; set; }"));
        Assert.Contains("declare it 'partial'", Message("public int P { get; set; }"));
    }

    [Fact]
    public void Every_descriptor_has_a_unique_stable_id()
    {
        string[] ids = typeof(LayoutGenerator).Assembly.GetType("RingIpc.Layout.Generator.DiagnosticDescriptors")!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToArray();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"RIPC{i:D4}"), ids.Order());
    }

    [Fact]
    public void Layout_ids_are_unique_and_stay_below_the_range_reserved_for_the_rpc_generator()
    {
        string[] ids = typeof(LayoutGenerator).Assembly.GetTypes()
            .Where(t => t != typeof(ServiceDiagnosticDescriptors)) // RIPC0100–RIPC0199: ServiceDiagnosticTests checks those
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static))
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToArray();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        // RIPC0001–RIPC0099: the layout generator; RIPC0100–RIPC0199: reserved for the [SharedService] RPC generator.
        Assert.All(ids, id => Assert.Matches("^RIPC00[0-9][0-9]$", id));
        Assert.DoesNotContain("RIPC0000", ids);
    }

    /// <summary>Removes the <c>[|…|]</c> markers and returns the spans they enclosed.</summary>
    internal static (string Source, List<TextSpan> Spans) Unmark(string marked)
    {
        var spans = new List<TextSpan>();
        var text = new System.Text.StringBuilder();
        int start = -1;
        for (int i = 0; i < marked.Length; i++)
        {
            if (string.CompareOrdinal(marked, i, "[|", 0, 2) == 0)
            {
                start = text.Length;
                i++;
            }
            else if (string.CompareOrdinal(marked, i, "|]", 0, 2) == 0)
            {
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i++;
            }
            else
            {
                text.Append(marked[i]);
            }
        }
        return (text.ToString(), spans);
    }
}
