namespace RingIpc.Layout.Generator;

// The [SharedService] models passed between pipeline stages: records of strings, numbers and EquatableArrays only
// (no ISymbol, SyntaxNode or Location), so that the incremental driver can compare them by value. DiagnosticInfo
// and LocationInfo are the layout generator's (Model.cs).

/// <summary>How one parameter or result crosses: which CallWriter/CallReader methods encode it.</summary>
internal enum WireKind
{
    /// <summary>No result (<c>ValueTask</c>).</summary>
    Void,

    /// <summary>A bool: one byte 0 or 1 (WriteBool/ReadBool).</summary>
    Bool,

    /// <summary>A fixed-size primitive (integers, char, float, double): Write&lt;T&gt;/Read&lt;T&gt;.</summary>
    Primitive,

    /// <summary>An enum: its underlying type's bytes (Write&lt;T&gt;/Read&lt;T&gt;), checked against the defined values when read.</summary>
    Enum,

    /// <summary>A [SharedLayout] struct: its canonical layout's bytes (Write&lt;T&gt;/Read&lt;T&gt;).</summary>
    Layout,

    /// <summary>A string: length-prefixed UTF-8, −1 for null (WriteString/ReadString).</summary>
    String,

    /// <summary>A <c>ReadOnlyMemory&lt;byte&gt;</c> parameter: length-prefixed bytes (WriteBytes/ReadBytes).</summary>
    Bytes,

    /// <summary>A <c>CallBytes</c> result: length-prefixed bytes, a pooled lease on the client.</summary>
    CallBytes,
}

/// <summary>The wire type of one parameter or result.</summary>
/// <param name="Kind">How it is encoded.</param>
/// <param name="CSharpType">The C# type, fully qualified ("int", "global::N.Quote", "string?").</param>
/// <param name="Canonical">Its name in the canonical signature ("int32", "enum(N.Side:uint8)", "layout(N.Quote)", "string?").</param>
/// <param name="Nullable">For a string: whether null may cross (declared <c>string?</c>).</param>
/// <param name="Display">The type as the user reads it ("N.Side"), for error messages (enums).</param>
internal sealed record WireType(WireKind Kind, string CSharpType, string Canonical, bool Nullable = false, string Display = "");

/// <summary>An enum that crosses, with what the generated check accepts.</summary>
/// <param name="CSharpType">The enum, fully qualified.</param>
/// <param name="Display">Its name for messages ("N.Side").</param>
/// <param name="Flags">[Flags]: any combination of the defined bits is valid.</param>
/// <param name="Values">The distinct defined values, as their underlying value sign-extended to 64 bits, ascending.</param>
internal sealed record EnumModel(string CSharpType, string Display, bool Flags, EquatableArray<long> Values);

/// <summary>One argument of a call.</summary>
/// <param name="Name">The parameter's name as declared (without '@').</param>
/// <param name="Type">Its wire type.</param>
internal sealed record ParameterModel(string Name, WireType Type);

/// <summary>One method of the contract, that is one call.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="IdName">The name of its constant in <c>MethodIds</c>: the method's name, with <c>_2</c>, <c>_3</c>… after the first of overloads.</param>
/// <param name="Id">Its id: FNV-1a 32 of <see cref="Signature"/> (never 0).</param>
/// <param name="Signature">The canonical signature: name, parameter and result wire types.</param>
/// <param name="ReturnType">The declared return type, fully qualified.</param>
/// <param name="Parameters">The arguments, without the CancellationToken.</param>
/// <param name="TokenName">The CancellationToken parameter's name.</param>
/// <param name="Result">The result's wire type (<see cref="WireKind.Void"/> for <c>ValueTask</c>).</param>
/// <param name="TokenIsOptional">Whether the token is declared <c>= default</c> (the proxy's method repeats it; other defaults are not repeated).</param>
internal sealed record MethodModel(
    string Name,
    string IdName,
    int Id,
    string Signature,
    string ReturnType,
    EquatableArray<ParameterModel> Parameters,
    string TokenName,
    WireType Result,
    bool TokenIsOptional);

/// <summary>Everything the emitter needs for one [SharedService] interface.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="Accessibility">"public" or "internal", as the interface.</param>
/// <param name="InterfaceType">The interface, fully qualified ("global::N.IScanner").</param>
/// <param name="FullName">Its full metadata name ("N.IScanner"): the contract's name.</param>
/// <param name="BaseName">The name the generated types start with ("Scanner").</param>
/// <param name="Fingerprint">FNV-1a 64 of the canonical contract text, before the layouts' fingerprints are folded in.</param>
/// <param name="Methods">The methods, in declaration order.</param>
/// <param name="Enums">The enums the methods carry, by full name.</param>
/// <param name="Layouts">The [SharedLayout] structs the methods carry (fully qualified, ordinal order): their fingerprints are folded into the contract's.</param>
internal sealed record ServiceModel(
    string? Namespace,
    string Accessibility,
    string InterfaceType,
    string FullName,
    string BaseName,
    ulong Fingerprint,
    EquatableArray<MethodModel> Methods,
    EquatableArray<EnumModel> Enums,
    EquatableArray<string> Layouts)
{
    /// <summary>The generated contract class.</summary>
    public string ContractName => BaseName + "Contract";

    /// <summary>The generated client proxy.</summary>
    public string ProxyName => BaseName + "Proxy";

    /// <summary>The generated server dispatcher.</summary>
    public string DispatcherName => BaseName + "Dispatcher";
}

/// <summary>What parsing one [SharedService] interface gives: a model to emit (only when no diagnostic was reported) and diagnostics.</summary>
internal sealed record ServiceParseResult(ServiceModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
