using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>Runs the [SharedService] generator (with the layout generator, for the [SharedLayout] structs a contract carries) in memory.</summary>
internal static class ServiceHarness
{
    /// <summary>The usings every service test source starts with.</summary>
    public const string Usings = "using System;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing RingIpc;\n";

    public static GeneratorDriver Driver() => GeneratorHarness.Driver(new LayoutGenerator(), new ServiceGenerator());

    /// <summary>Runs both generators over <paramref name="sources"/>.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result) Run(params string[] sources) =>
        GeneratorHarness.Run(GeneratorHarness.Compilation(sources), Driver());

    /// <summary>Generates and compiles: no diagnostic at all (see <see cref="GeneratorHarness.AssertClean"/>).</summary>
    public static Compilation CompileClean(params string[] sources)
    {
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, _) = Run(sources);
        return GeneratorHarness.AssertClean(output, diagnostics, sources.Length);
    }

    /// <summary>Generates, compiles and loads the assembly.</summary>
    public static Assembly Load(params string[] sources) => GeneratorHarness.Load(CompileClean(sources));

    /// <summary>The generated service sources (file names).</summary>
    public static string[] ServiceFiles(GeneratorDriverRunResult result) =>
        [.. result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Where(f => f.EndsWith(".Service.g.cs", System.StringComparison.Ordinal))];

    /// <summary>The text of the generated source for the interface <paramref name="fullName"/>.</summary>
    public static string GeneratedSource(GeneratorDriverRunResult result, string fullName) =>
        result.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath) == fullName + ".Service.g.cs").ToString();

    /// <summary>The models the parse step produced (the service generator is the second of <see cref="Driver"/>).</summary>
    public static ServiceModel[] Models(GeneratorDriverRunResult result) =>
        [.. result.Results[1].TrackedSteps[ServiceGenerator.Steps.Parse]
            .SelectMany(run => run.Outputs)
            .Select(output => ((ServiceParseResult)output.Value).Model)
            .OfType<ServiceModel>()];
}
