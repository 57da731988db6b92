using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

/// <summary>How both generators report the diagnostics their parse stage collected.</summary>
internal static class DiagnosticReporting
{
    /// <summary>Reports every diagnostic of every parse result that has any.</summary>
    public static void RegisterDiagnostics(this IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics) =>
        context.RegisterSourceOutput(diagnostics, static (production, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
}
