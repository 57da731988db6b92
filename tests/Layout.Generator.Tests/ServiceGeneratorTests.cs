using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>Valid [SharedService] contracts: they compile cleanly, and their method ids and fingerprint change exactly when the contract does.</summary>
public sealed class ServiceGeneratorTests
{
    private const string TwoMethods = ServiceHarness.Usings + """
        namespace N;

        [SharedLayout] public partial struct Point { public partial int X { get; set; } }

        [SharedService]
        public partial interface IScanner
        {
            ValueTask<int> CountAsync(string? filter, CancellationToken cancellationToken);
            ValueTask MoveAsync(Point to, CancellationToken cancellationToken);
        }
        """;

    [Fact]
    public void A_contract_with_every_allowed_type_compiles_cleanly() => ServiceHarness.CompileClean(ServiceSamples.Scanner);

    [Fact]
    public void Awkward_names_compile_cleanly() => ServiceHarness.CompileClean(ServiceSamples.Awkward);

    [Fact]
    public void A_contract_in_a_nullable_oblivious_file_compiles_cleanly() =>
        ServiceHarness.CompileClean("#nullable disable\n" + ServiceHarness.Usings +
            "namespace N; [SharedService] public partial interface IText { ValueTask<string> EchoAsync(string text, CancellationToken ct); }");

    [Fact]
    public void The_generated_types_sit_beside_the_interface_in_one_file_per_interface()
    {
        (_, _, GeneratorDriverRunResult result) = ServiceHarness.Run(TwoMethods, ServiceSamples.Awkward);
        Assert.Equal(["Ivory.Service.g.cs", "N.IScanner.Service.g.cs"], ServiceHarness.ServiceFiles(result).Order());

        string source = ServiceHarness.GeneratedSource(result, "N.IScanner");
        Assert.Contains("namespace N\n{\n    /// <summary>The call contract of", source.ReplaceLineEndings("\n"));
        Assert.Contains("public static class ScannerContract", source);
        Assert.Contains("public static global::RingIpc.CallContract Instance { get; } = new global::RingIpc.CallContract(\"N.IScanner\", " +
            "global::RingIpc.CallContract.Combine(0x", source);
        Assert.Contains("UL, global::N.Point.Fingerprint));", source);
        Assert.Contains("public sealed class ScannerProxy : global::N.IScanner", source);
        Assert.Contains("public sealed class ScannerDispatcher : global::RingIpc.ICallDispatcher", source);

        string awkward = ServiceHarness.GeneratedSource(result, "Ivory");
        Assert.Contains("internal sealed class IvoryProxy : global::Ivory", awkward); // "Iv…" keeps its 'I': no uppercase letter follows
        Assert.DoesNotContain("namespace", awkward);
    }

    private static Dictionary<string, int> Ids(params string[] sources) =>
        Assert.Single(ServiceHarness.Models(ServiceHarness.Run(sources).Result)).Methods.ToDictionary(m => m.IdName, m => m.Id);

    private static ulong Fingerprint(params string[] sources) => Assert.Single(ServiceHarness.Models(ServiceHarness.Run(sources).Result)).Fingerprint;

    private static string Swap(string source, string a, string b) => source.Replace(a, "\u0001").Replace(b, a).Replace("\u0001", b);

    private const string Count = "ValueTask<int> CountAsync(string? filter, CancellationToken cancellationToken);";
    private const string Move = "ValueTask MoveAsync(Point to, CancellationToken cancellationToken);";

    [Fact]
    public void Method_ids_survive_reordering_and_change_with_a_parameter_type()
    {
        Dictionary<string, int> ids = Ids(TwoMethods);
        Assert.All(ids.Values, id => Assert.NotEqual(0, id));
        Assert.Equal(ids, Ids(Swap(TwoMethods, Count, Move)));
        Assert.Equal(Fingerprint(TwoMethods), Fingerprint(Swap(TwoMethods, Count, Move)));

        Dictionary<string, int> changed = Ids(TwoMethods.Replace("string? filter", "string filter"));
        Assert.NotEqual(ids["CountAsync"], changed["CountAsync"]);
        Assert.Equal(ids["MoveAsync"], changed["MoveAsync"]);
        Assert.NotEqual(ids["CountAsync"], Ids(TwoMethods.Replace("ValueTask<int> CountAsync", "ValueTask<long> CountAsync"))["CountAsync"]);
        Assert.Equal(ids, Ids(TwoMethods.Replace("string? filter", "string? pattern"))); // parameter names do not cross
    }

    [Fact]
    public void The_fingerprint_changes_with_a_method_or_an_enum_value()
    {
        ulong fingerprint = Fingerprint(TwoMethods);
        Assert.NotEqual(fingerprint, Fingerprint(TwoMethods.Replace(Move, Move + "\nValueTask StopAsync(CancellationToken cancellationToken);")));
        Assert.NotEqual(fingerprint, Fingerprint(TwoMethods.Replace(Count, string.Empty)));

        const string withEnum = ServiceHarness.Usings + "public enum Mode { A, B }\n[SharedService] public partial interface IS { ValueTask SetAsync(Mode mode, CancellationToken ct); }";
        Assert.NotEqual(Fingerprint(withEnum), Fingerprint(withEnum.Replace("{ A, B }", "{ A, B, C }")));
        Assert.Equal(Ids(withEnum), Ids(withEnum.Replace("{ A, B }", "{ A, B, C }")));
    }

    [Fact]
    public void The_fingerprint_changes_when_a_carried_shared_layout_changes()
    {
        static ulong Contract(string source)
        {
            Type type = ServiceHarness.Load(source).GetType("N.ScannerContract", throwOnError: true)!;
            return ((CallContract)type.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).Fingerprint;
        }

        string widened = TwoMethods.Replace("public partial int X { get; set; }", "public partial int X { get; set; } public partial int Y { get; set; }");
        Assert.Equal(Fingerprint(TwoMethods), Fingerprint(widened)); // the methods are the same …
        Assert.Equal(Ids(TwoMethods), Ids(widened));
        Assert.NotEqual(Contract(TwoMethods), Contract(widened));   // … but the struct they carry is not
    }
}
