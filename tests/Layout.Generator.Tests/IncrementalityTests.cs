using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>The pipeline caches: an unrelated edit re-emits nothing; models hold no symbols or syntax.</summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps =
    [
        LayoutGenerator.Steps.Parse, LayoutGenerator.Steps.Models, LayoutGenerator.Steps.Diagnostics, LayoutGenerator.Steps.Options,
    ];

    private const string Unrelated = "namespace Other; public static class Unrelated { public static int M() => 1; }";

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(string unrelatedAfterEdit, params string[] layouts)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([.. layouts, Unrelated]);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        GeneratorDriverRunResult first = driver.GetRunResult();

        SyntaxTree old = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(unrelatedAfterEdit, GeneratorHarness.ParseOptions, old.FilePath));
        return (first, driver.RunGenerators(edited).GetRunResult());
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_tracked_step_unchanged()
    {
        string invalid = GeneratorHarness.Usings + "[SharedLayout] public partial struct Bad { public partial nint P { get; set; } }";
        (GeneratorDriverRunResult first, GeneratorDriverRunResult second) = RunTwice(Unrelated.Replace("=> 1", "=> 2"), Samples.Nested, invalid);

        Assert.Equal(3, first.GeneratedTrees.Length);
        IncrementalStepRunReason[] reasons = TrackedSteps
            .SelectMany(step => second.Results[0].TrackedSteps.TryGetValue(step, out var runs) ? runs : [])
            .SelectMany(run => run.Outputs)
            .Select(output => output.Reason)
            .ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
        Assert.All(
            second.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(run => run.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Editing_a_layout_reruns_its_model()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Samples.Acceptance);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        SyntaxTree old = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            old, CSharpSyntaxTree.ParseText(Samples.Acceptance.Replace("partial byte D", "partial short D"), GeneratorHarness.ParseOptions, old.FilePath));

        GeneratorDriverRunResult second = driver.RunGenerators(edited).GetRunResult();
        Assert.Contains(
            second.Results[0].TrackedSteps[LayoutGenerator.Steps.Models].SelectMany(run => run.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        string invalid = GeneratorHarness.Usings + "[SharedLayout] public partial struct Bad { public partial nint P { get; set; } }";
        GeneratorDriverRunResult result = GeneratorHarness.Run(Samples.Nested, Samples.Named, invalid).Result;
        object[] values = result.Results[0].TrackedSteps[LayoutGenerator.Steps.Parse]
            .SelectMany(run => run.Outputs).Select(output => output.Value).ToArray();
        Assert.NotEmpty(values);
        foreach (object value in values)
        {
            AssertPlainData(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "result");
        }
    }

    private static void AssertPlainData(object? value, HashSet<object> seen, string path)
    {
        if (value is null or string or Enum || value.GetType().IsPrimitive || !seen.Add(value))
        {
            return;
        }
        Assert.False(value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location,
            $"{path} holds a {value.GetType().Name}: models must be plain equatable data");
        if (value is DiagnosticDescriptor or Microsoft.CodeAnalysis.Text.TextSpan or Microsoft.CodeAnalysis.Text.LinePositionSpan)
        {
            return; // value-equal types
        }
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertPlainData(item, seen, $"{path}[{i++}]");
            }
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertPlainData(field.GetValue(value), seen, path + "." + field.Name);
        }
    }
}
