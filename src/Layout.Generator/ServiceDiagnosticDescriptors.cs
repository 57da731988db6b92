using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

// The [SharedService] contract generator's ids: RIPC0100 – RIPC0199 (see DiagnosticDescriptors.cs for the ranges).
// Ids are stable: never renumber or reuse one (AnalyzerReleases.*.md track them). A new service diagnostic takes
// the next free id after the last one below.

/// <summary>
/// Every diagnostic the [SharedService] generator reports. IDs are stable: never renumber or reuse one.
/// Each message says what to change.
/// </summary>
internal static class ServiceDiagnosticDescriptors
{
    private const string Category = "RingIpc.Service";

    /// <summary>RIPC0100: a method that does not return ValueTask or ValueTask&lt;T&gt;.</summary>
    public static readonly DiagnosticDescriptor ReturnType = Error(
        "RIPC0100",
        "Service method does not return ValueTask",
        "Method '{0}' of [SharedService] interface '{1}' returns '{2}': a call to another process completes asynchronously and the proxy must not allocate a Task per call; return ValueTask (no result) or ValueTask<T>");

    /// <summary>RIPC0101: no CancellationToken last (missing, not last, or more than one).</summary>
    public static readonly DiagnosticDescriptor CancellationToken = Error(
        "RIPC0101",
        "Service method without a CancellationToken last",
        "Method '{0}' of [SharedService] interface '{1}' {2}: every call can be cancelled and its token is not sent; take exactly one CancellationToken, as the last parameter (e.g. 'CancellationToken cancellationToken')");

    /// <summary>RIPC0102: a parameter that cannot cross between 32- and 64-bit processes.</summary>
    public static readonly DiagnosticDescriptor ParameterType = Error(
        "RIPC0102",
        "Service parameter that cannot cross the bitness line",
        "Parameter '{0}' of method '{1}' of [SharedService] interface '{2}' is {3}, which cannot be sent between 32- and 64-bit processes; {4}");

    /// <summary>RIPC0103: a result that cannot cross between 32- and 64-bit processes.</summary>
    public static readonly DiagnosticDescriptor ResultType = Error(
        "RIPC0103",
        "Service result that cannot cross the bitness line",
        "The result of method '{0}' of [SharedService] interface '{1}' is {2}, which cannot be sent between 32- and 64-bit processes; {3}");

    /// <summary>RIPC0104: a generic method or a generic interface.</summary>
    public static readonly DiagnosticDescriptor Generic = Error(
        "RIPC0104",
        "Generic service contract",
        "{0} is generic: a contract's method ids and encodings are fixed at compile time; remove the type parameters ({1})");

    /// <summary>RIPC0105: a member the proxy cannot implement as a call: properties, events, static or default-implemented members, inherited interfaces.</summary>
    public static readonly DiagnosticDescriptor UnsupportedMember = Error(
        "RIPC0105",
        "Service member that is not a call",
        "'{0}' of [SharedService] interface '{1}' is {2}: a contract holds only abstract instance methods, each one call; {3}");

    /// <summary>RIPC0106: two methods whose signatures hash to the same id.</summary>
    public static readonly DiagnosticDescriptor IdCollision = Error(
        "RIPC0106",
        "Service method id collision",
        "Methods '{0}' and '{1}' of [SharedService] interface '{2}' have the same id ({3}), a hash of each signature; rename one of them");

    /// <summary>RIPC0107: a name the generated code cannot take (nested interface, an existing type or member of that name).</summary>
    public static readonly DiagnosticDescriptor Name = Error(
        "RIPC0107",
        "Service name the generated code cannot use",
        "[SharedService] interface '{0}' {1}; {2}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
