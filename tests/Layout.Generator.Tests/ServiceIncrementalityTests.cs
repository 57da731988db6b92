using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>The service pipeline caches: an unrelated edit re-emits nothing; an edit of a contract re-runs it; models hold no symbols or syntax.</summary>
public sealed class ServiceIncrementalityTests
{
    private static readonly string[] TrackedSteps = [ServiceGenerator.Steps.Parse, ServiceGenerator.Steps.Models, ServiceGenerator.Steps.Diagnostics];

    private const string Unrelated = "namespace Other; public static class Unrelated { public static int M() => 1; }";

    private const string Invalid = ServiceHarness.Usings + "[SharedService] public partial interface IBad { ValueTask M(nint p, CancellationToken ct); }";

    /// <summary>Runs the driver, replaces the last source with <paramref name="edited"/>, runs it again.</summary>
    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(string edited, params string[] sources)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(sources);
        GeneratorDriver driver = ServiceHarness.Driver().RunGenerators(compilation);
        GeneratorDriverRunResult first = driver.GetRunResult();
        SyntaxTree old = compilation.SyntaxTrees.Last();
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, old.FilePath));
        return (first, driver.RunGenerators(next).GetRunResult());
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        (result.Results[1].TrackedSteps.TryGetValue(step, out var runs) ? runs : []).SelectMany(run => run.Outputs).Select(output => output.Reason);

    [Fact]
    public void An_unrelated_edit_leaves_every_tracked_step_unchanged()
    {
        (GeneratorDriverRunResult first, GeneratorDriverRunResult second) =
            RunTwice(Unrelated.Replace("=> 1", "=> 2"), ServiceSamples.Scanner, Invalid, Unrelated);

        Assert.Single(ServiceHarness.ServiceFiles(first));
        Assert.Single(first.Diagnostics);
        IncrementalStepRunReason[] reasons = [.. TrackedSteps.SelectMany(step => Reasons(second, step))];
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
        Assert.All(
            second.Results[1].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(run => run.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Editing_a_contract_reruns_its_model()
    {
        (_, GeneratorDriverRunResult second) = RunTwice(
            ServiceSamples.Scanner.Replace("ValueTask PingAsync(CancellationToken cancellationToken);", string.Empty), ServiceSamples.Scanner);
        Assert.Contains(Reasons(second, ServiceGenerator.Steps.Models), reason => reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        GeneratorDriverRunResult result = ServiceHarness.Run(ServiceSamples.Scanner, ServiceSamples.Awkward, Invalid).Result;
        object[] values = [.. result.Results[1].TrackedSteps[ServiceGenerator.Steps.Parse].SelectMany(run => run.Outputs).Select(output => output.Value)];
        Assert.Equal(3, values.Length);
        // The layout tests' walker: fails on any ISymbol, SyntaxNode, SyntaxTree, Compilation, SemanticModel or Location.
        MethodInfo assertPlainData = typeof(IncrementalityTests).GetMethod("AssertPlainData", BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (object value in values)
        {
            try
            {
                assertPlainData.Invoke(null, [value, new HashSet<object>(ReferenceEqualityComparer.Instance), "result"]);
            }
            catch (TargetInvocationException exception)
            {
                throw exception.InnerException!;
            }
        }
    }
}
