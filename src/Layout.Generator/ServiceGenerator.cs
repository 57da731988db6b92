using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RingIpc.Layout.Generator;

/// <summary>
/// The [SharedService] source generator: the pipeline only. ServiceParser turns each attributed interface into an
/// equatable model or diagnostics (never both: an interface with a diagnostic gets no generated code, so the
/// diagnostics are the only errors); ServiceEmitter turns a model into the contract, proxy and dispatcher. Every
/// stage after the parse compares by value, so an edit that does not change a contract re-emits nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ServiceGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    internal static class Steps
    {
        public const string Parse = "SharedServiceParse";
        public const string Models = "SharedServiceModels";
        public const string Diagnostics = "SharedServiceDiagnostics";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ServiceParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ServiceParser.SharedServiceAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                ServiceParser.Parse)
            .WithTrackingName(Steps.Parse);

        IncrementalValuesProvider<ServiceModel> models = results
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!)
            .WithTrackingName(Steps.Models);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(Steps.Diagnostics);

        context.RegisterSourceOutput(models, static (production, model) =>
            production.AddSource(ServiceEmitter.HintName(model), ServiceEmitter.Emit(model)));

        context.RegisterDiagnostics(diagnostics);
    }
}
