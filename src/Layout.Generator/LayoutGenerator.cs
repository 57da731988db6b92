using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RingIpc.Layout.Generator;

/// <summary>
/// The [SharedLayout] source generator: the pipeline only. Parser turns each attributed struct into an
/// equatable model (plus diagnostics); the emitters turn models into source. Every stage after the
/// parse compares by value, so an edit that does not change a layout re-emits nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LayoutGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    internal static class Steps
    {
        public const string Parse = "SharedLayoutParse";
        public const string Models = "SharedLayoutModels";
        public const string Diagnostics = "SharedLayoutDiagnostics";
        public const string Options = "SharedLayoutEmitOptions";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.SharedLayoutAttributeName,
                static (node, _) => node is StructDeclarationSyntax or RecordDeclarationSyntax,
                Parser.Parse)
            .WithTrackingName(Steps.Parse);

        IncrementalValueProvider<EmitOptions> options = context.CompilationProvider
            .Select(static (compilation, _) => new EmitOptions(
                compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.UnscopedRefAttribute") is not null &&
                compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal")?.GetMembers("CreateSpan").Any() == true))
            .WithTrackingName(Steps.Options);

        IncrementalValuesProvider<LayoutModel> models = results
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!)
            .WithTrackingName(Steps.Models);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(Steps.Diagnostics);

        context.RegisterSourceOutput(models.Combine(options), static (production, input) =>
            production.AddSource(CSharpEmitter.HintName(input.Left), CSharpEmitter.Emit(input.Left, input.Right)));

        context.RegisterDiagnostics(diagnostics);
    }
}
