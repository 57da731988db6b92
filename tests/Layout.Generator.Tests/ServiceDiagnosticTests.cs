using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Every [SharedService] diagnostic: its exact ID and source span (marked <c>[|…|]</c>), and that nothing is generated
/// for an interface with a diagnostic, so the diagnostics are the only errors. Spans: RIPC0100/RIPC0103 the return
/// type; RIPC0101 the method's identifier (no token) or the misplaced token's type; RIPC0102 the parameter's type;
/// RIPC0104 the generic identifier; RIPC0105 the member's identifier or the base-list entry; RIPC0106 the later
/// method's identifier; RIPC0107 the interface's identifier, or the method's for a name the generated code uses.
/// </summary>
public sealed class ServiceDiagnosticTests
{
    private static string Service(string members) =>
        ServiceHarness.Usings + "public struct Plain { public int X; }\n[SharedService]\npublic partial interface IS\n{\n" + members + "\n}\n";

    private static string Method(string parameter) => Service($"ValueTask M({parameter}, CancellationToken ct);");

    private static string Result(string type) => Service($"ValueTask<{type}> M(CancellationToken ct);");

    public static TheoryData<string, string, string> Cases => new()
    {
        // id, source, other compiler errors expected ("" = none)
        { "RIPC0100", Service("[|Task<int>|] M(CancellationToken ct);"), "" },
        { "RIPC0100", Service("[|Task|] M(CancellationToken ct);"), "" },
        { "RIPC0100", Service("[|int|] M(CancellationToken ct);"), "" },
        { "RIPC0100", Service("[|void|] M(CancellationToken ct);"), "" },
        { "RIPC0100", Service("[|ref int|] M(CancellationToken ct);"), "" },
        { "RIPC0101", Service("ValueTask [|M|]();"), "" },
        { "RIPC0101", Service("ValueTask [|M|](int a);"), "" },
        { "RIPC0101", Service("ValueTask M([|CancellationToken|] ct, int a);"), "" },
        { "RIPC0101", Service("ValueTask M(CancellationToken a, [|CancellationToken|] b);"), "" },
        { "RIPC0102", Method("[|nint|] p"), "" },
        { "RIPC0102", Method("[|nuint|] p"), "" },
        { "RIPC0102", Method("[|IntPtr|] p"), "" },
        { "RIPC0102", Method("[|UIntPtr|] p"), "" },
        { "RIPC0102", Service("unsafe ValueTask M([|int*|] p, CancellationToken ct);"), "CS0227" },
        { "RIPC0102", Method("[|object|] p"), "" },
        { "RIPC0102", Method("[|IDisposable|] p"), "" },
        { "RIPC0102", Method("[|Action|] p"), "" },
        { "RIPC0102", Method("[|byte[]|] p"), "" },
        { "RIPC0102", Method("[|int[]|] p"), "" },
        { "RIPC0102", Method("[|Memory<byte>|] p"), "" },
        { "RIPC0102", Method("[|ReadOnlyMemory<int>|] p"), "" },
        { "RIPC0102", Method("[|ReadOnlySpan<byte>|] p"), "" },
        { "RIPC0102", Method("[|CallBytes|] p"), "" },
        { "RIPC0102", Method("[|decimal|] p"), "" },
        { "RIPC0102", Method("[|Guid|] p"), "" },
        { "RIPC0102", Method("[|DateTime|] p"), "" },
        { "RIPC0102", Method("[|Plain|] p"), "" },
        { "RIPC0102", Method("[|(int, int)|] p"), "" },
        { "RIPC0102", Method("[|int?|] p"), "" },
        { "RIPC0102", Method("ref [|int|] p"), "" },
        { "RIPC0102", Method("out [|int|] p"), "" },
        { "RIPC0102", Method("in [|int|] p"), "" },
        { "RIPC0102", Service("ValueTask M(in [|CancellationToken|] ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<nint>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<byte[]>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<ReadOnlyMemory<byte>>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<Memory<byte>>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<object>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<DateTime>|] M(CancellationToken ct);"), "" },
        { "RIPC0103", Service("[|ValueTask<Plain>|] M(CancellationToken ct);"), "" },
        { "RIPC0104", Service("ValueTask [|M|]<T>(CancellationToken ct);"), "" },
        { "RIPC0104", ServiceHarness.Usings + "[SharedService] public partial interface [|IG|]<T> { ValueTask M(CancellationToken ct); }", "" },
        { "RIPC0105", Service("int [|P|] { get; }"), "" },
        { "RIPC0105", Service("event Action [|E|];"), "" },
        { "RIPC0105", Service("static ValueTask [|S|](CancellationToken ct) => default;"), "" },
        { "RIPC0105", Service("const int [|C|] = 1;"), "" },
        { "RIPC0105", Service("ValueTask [|D|](CancellationToken ct) => default;"), "" },
        { "RIPC0105", Service("internal ValueTask [|I|](CancellationToken ct);"), "" },
        { "RIPC0105", ServiceHarness.Usings + "[SharedService] public partial interface IS : [|IDisposable|] { }", "" },
        { "RIPC0107", ServiceHarness.Usings + "public class Outer { [SharedService] public partial interface [|IS|] { } }", "" },
        { "RIPC0107", ServiceHarness.Usings + "[SharedService] public interface [|IS|] { }", "" },
        { "RIPC0107", ServiceHarness.Usings + "[SharedService] file partial interface [|IS|] { }", "" },
        { "RIPC0107", ServiceHarness.Usings + "public class SProxy { }\n[SharedService] public partial interface [|IS|] { }", "" },
        { "RIPC0107", ServiceHarness.Usings + "[SharedService] public partial interface [|IS|] { }\n[SharedService] public partial interface [|S|] { }", "" },
        { "RIPC0107", Service("ValueTask [|Client|](CancellationToken ct);"), "" },
        { "RIPC0107", Service("ValueTask [|MethodIds|](CancellationToken ct);"), "" },
        { "RIPC0107", Service("ValueTask [|SProxy|](CancellationToken ct);"), "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_exact_id_and_span_and_generates_nothing(string id, string markedSource, string otherErrors)
    {
        (string source, List<TextSpan> spans) = DiagnosticTests.Unmark(markedSource);
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) = ServiceHarness.Run(source);

        Assert.Equal(spans.Select(s => (id, s)), diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, d.Location.SourceSpan)));
        Assert.All(diagnostics, d => Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Empty(ServiceHarness.ServiceFiles(result));
        string[] compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ToArray();
        Assert.Equal(otherErrors.Length == 0 ? [] : otherErrors.Split(','), compilerErrors);
    }

    [Fact]
    public void Every_problem_of_an_interface_is_reported_and_a_valid_interface_beside_it_is_generated()
    {
        (string source, List<TextSpan> spans) = DiagnosticTests.Unmark(ServiceHarness.Usings + """
            [SharedService] public partial interface IBad
            {
                [|Task|] A(CancellationToken ct);
                ValueTask B([|nint|] x, [|string[]|] y, CancellationToken ct);
                ValueTask [|C|]();
            }
            [SharedService] public partial interface IGood { ValueTask<int> A(int x, CancellationToken ct); }
            """);
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) = ServiceHarness.Run(source);

        Assert.Equal(
            [("RIPC0100", spans[0]), ("RIPC0102", spans[1]), ("RIPC0102", spans[2]), ("RIPC0101", spans[3])],
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, d.Location.SourceSpan)));
        Assert.Equal(["IGood.Service.g.cs"], ServiceHarness.ServiceFiles(result));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Errors_the_compiler_reports_generate_nothing_and_add_no_diagnostic()
    {
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) =
            ServiceHarness.Run(Service("ValueTask<Missing> M(Unknown u, CancellationToken ct);"));

        Assert.Empty(diagnostics);
        Assert.Empty(ServiceHarness.ServiceFiles(result));
        Assert.Equal(["CS0246"], output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    [Fact]
    public void Two_methods_whose_signatures_hash_to_one_id_are_reported_at_the_later_one()
    {
        // A birthday search over FNV-1a 32: about 2^16 names find two with one id.
        var seen = new Dictionary<int, string>();
        (string First, string Second) pair = default;
        for (int i = 0; pair.First is null; i++)
        {
            string name = "M" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int id = ServiceCanonical.MethodId(ServiceCanonical.Signature(name, [], new WireType(WireKind.Void, "void", "void")));
            if (!seen.TryAdd(id, name))
            {
                pair = (seen[id], name);
            }
        }

        (string source, List<TextSpan> spans) = DiagnosticTests.Unmark(ServiceHarness.Usings +
            $"[SharedService] public partial interface IS {{ ValueTask {pair.First}(CancellationToken ct); ValueTask [|{pair.Second}|](CancellationToken ct); }}");
        (_, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) = ServiceHarness.Run(source);

        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("RIPC0106", spans[0]), (diagnostic.Id, diagnostic.Location.SourceSpan));
        Assert.Contains($"Methods '{pair.First}' and '{pair.Second}' of [SharedService] interface 'IS' have the same id", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(ServiceHarness.ServiceFiles(result));
    }

    [Fact]
    public void Messages_say_the_fix()
    {
        string Message(string source) =>
            ServiceHarness.Run(DiagnosticTests.Unmark(source).Source).GeneratorDiagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(
            "Parameter 'p' of method 'M' of [SharedService] interface 'IS' is pointer-sized (nint), which cannot be sent between 32- and 64-bit processes; its size differs between 32- and 64-bit processes; use long (or int)",
            Message(Method("nint p")));
        Assert.EndsWith("; use ReadOnlyMemory<byte>", Message(Method("byte[] p")));
        Assert.Contains("use ReadOnlyMemory<byte>: the arguments are a copy", Message(Method("Memory<byte> p")));
        Assert.Contains("return CallBytes", Message(Result("byte[]")));
        Assert.Contains("return CallBytes", Message(Result("ReadOnlyMemory<byte>")));
        Assert.Contains("mark 'Plain' [SharedLayout]", Message(Method("Plain p")));
        Assert.Contains("return ValueTask (no result) or ValueTask<T>", Message(Service("Task M(CancellationToken ct);")));
        Assert.Contains("takes no CancellationToken: ", Message(Service("ValueTask M();")));
        Assert.Contains("take exactly one CancellationToken, as the last parameter", Message(Service("ValueTask M(CancellationToken ct, int a);")));
        Assert.Contains("remove the modifier", Message(Method("out int p")));
        Assert.Contains("add the 'partial' modifier to 'IS'", Message(ServiceHarness.Usings + "[SharedService] public interface IS { }"));
        Assert.Contains("needs the name 'SContract' for a generated type", Message(ServiceHarness.Usings + "class SContract { }\n[SharedService] public partial interface IS { }"));
    }

    [Fact]
    public void Service_descriptors_have_unique_ids_in_their_range()
    {
        DiagnosticDescriptor[] descriptors = typeof(ServiceDiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();
        Assert.Equal(Enumerable.Range(100, 8).Select(i => $"RIPC{i:D4}"), descriptors.Select(d => d.Id).Order());
        Assert.All(descriptors, d => Assert.Equal(("RingIpc.Service", DiagnosticSeverity.Error), (d.Category, d.DefaultSeverity)));

    }
}
