using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>Runs the layout generator in memory with <see cref="CSharpGeneratorDriver"/> and compiles its output.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp13, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => MetadataReference.CreateFromFile(path)),
        MetadataReference.CreateFromFile(typeof(SharedHandle).Assembly.Location),
    ]);

    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = "using System;\nusing RingIpc;\n";

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "LayoutTest" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => Driver(new LayoutGenerator());

    /// <summary>A driver of <paramref name="generators"/> that tracks the incremental steps.</summary>
    public static GeneratorDriver Driver(params IIncrementalGenerator[] generators) =>
        CSharpGeneratorDriver.Create(
            [.. generators.Select(g => g.AsSourceGenerator())],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over <paramref name="sources"/>.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result) Run(params string[] sources) =>
        Run(Compilation(sources));

    /// <summary>Runs the generator over <paramref name="compilation"/>.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result) Run(Compilation compilation) =>
        Run(compilation, Driver());

    /// <summary>Runs <paramref name="driver"/>'s generators over <paramref name="compilation"/>.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result) Run(Compilation compilation, GeneratorDriver driver)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (output, diagnostics, driver.GetRunResult());
    }

    /// <summary>
    /// Generates and compiles: asserts no diagnostic at all (warnings included, missing XML docs in the
    /// generated code too; the test sources themselves may skip docs), returns the compilation.
    /// </summary>
    public static Compilation CompileClean(params string[] sources)
    {
        (Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics, _) = Run(sources);
        return AssertClean(output, generatorDiagnostics, sources.Length);
    }

    /// <summary>Asserts that a run reported nothing and that its output (<paramref name="sources"/> test sources, then the generated ones) compiles cleanly.</summary>
    public static Compilation AssertClean(Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics, int sources)
    {
        Assert.Empty(generatorDiagnostics);
        Diagnostic[] problems = output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Source", StringComparison.Ordinal) == true))
            .ToArray();
        Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(d => d.ToString())) +
            "\n\n" + string.Join("\n\n", output.SyntaxTrees.Skip(sources).Select(t => t.ToString())));
        return output;
    }

    /// <summary>Generates, compiles and loads the assembly into a collectible context.</summary>
    public static Assembly Load(params string[] sources) => Load(CompileClean(sources));

    /// <summary>Emits <paramref name="output"/> and loads it into a collectible context.</summary>
    public static Assembly Load(Compilation output)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = output.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext(output.AssemblyName, isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>The text of the generated source for <paramref name="typeName"/>.</summary>
    public static string GeneratedSource(GeneratorDriverRunResult result, string typeName) =>
        result.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath) == typeName + ".SharedLayout.g.cs").ToString();

    /// <summary>Reads a public constant of a generated type.</summary>
    public static T Constant<T>(Type type, string name) =>
        (T)type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>The generated offsets of <paramref name="type"/>, by property name.</summary>
    public static Dictionary<string, int> Offsets(Type type) =>
        type.GetNestedType("Offsets")!.GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => f.Name, f => (int)f.GetValue(null)!);
}
