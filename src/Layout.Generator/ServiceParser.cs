using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RingIpc.Layout.Generator;

/// <summary>
/// Symbols → model for one [SharedService] interface: checks every rule, classifies each parameter and result,
/// and computes the method ids and the contract fingerprint (ServiceCanonical). All symbol and syntax access of the
/// service generator happens here. Any diagnostic means no model: nothing is generated for that interface.
/// </summary>
/// <remarks>
/// Where each diagnostic points (the tests check these exact spans):
/// <list type="bullet">
/// <item>RIPC0100, RIPC0103: the method's return type.</item>
/// <item>RIPC0101: the method's identifier when it takes no CancellationToken; else the type of the token that is
/// not last (the second one, when there are several).</item>
/// <item>RIPC0102: the parameter's type (also for ref, out and in parameters).</item>
/// <item>RIPC0104: the identifier of the generic method or interface.</item>
/// <item>RIPC0105: the member's identifier; for a base interface, its entry in the base list.</item>
/// <item>RIPC0106: the identifier of the later of the two methods.</item>
/// <item>RIPC0107: the interface's identifier; for a method name the generated code needs, the method's identifier.</item>
/// </list>
/// </remarks>
internal static class ServiceParser
{
    public const string SharedServiceAttributeName = "RingIpc.SharedServiceAttribute";
    private const string CallBytesName = "RingIpc.CallBytes";
    private const string CancellationTokenName = "System.Threading.CancellationToken";
    private const string ValueTaskName = "System.Threading.Tasks.ValueTask";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
        SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The pipeline's transform for one attributed interface.</summary>
    public static ServiceParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (InterfaceDeclarationSyntax)context.TargetNode;
        if (!IsFirstAttributedDeclaration(type, syntax))
        {
            return new ServiceParseResult(null, EquatableArray<DiagnosticInfo>.Empty); // [SharedService] twice: the compiler reports it (CS0579)
        }

        var state = new State(type, syntax.Identifier.GetLocation());
        CheckInterface(type, syntax, state, cancellationToken);
        var methods = new List<MethodModel>();
        var identifiers = new List<Location>();
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (CheckMember(member, state) is IMethodSymbol method && Method(method, state, cancellationToken) is { } model)
            {
                methods.Add(model);
                identifiers.Add(method.Locations[0]);
            }
        }
        methods = ServiceCanonical.NameIds(methods);
        CheckIds(methods, identifiers, state);
        if (state.Failed)
        {
            return new ServiceParseResult(null, state.Diagnostics.ToEquatableArray());
        }

        EquatableArray<EnumModel> enums = state.Enums.Values.OrderBy(e => e.Display, System.StringComparer.Ordinal).ToEquatableArray();
        EquatableArray<string> layouts = state.Layouts.OrderBy(l => l, System.StringComparer.Ordinal).ToEquatableArray();
        var service = new ServiceModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            type.ToDisplayString(TypeFormat),
            state.FullName,
            ServiceCanonical.BaseName(type.Name),
            ServiceCanonical.Fingerprint(methods, enums),
            methods.ToEquatableArray(),
            enums,
            layouts);
        return new ServiceParseResult(service, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>Whether <paramref name="syntax"/> carries the first [SharedService] of the interface (so that one declaration speaks for it).</summary>
    private static bool IsFirstAttributedDeclaration(INamedTypeSymbol type, InterfaceDeclarationSyntax syntax)
    {
        SyntaxReference? first = type.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SharedServiceAttributeName)?.ApplicationSyntaxReference;
        return first is null || (first.SyntaxTree == syntax.SyntaxTree && syntax.Span.Contains(first.Span));
    }

    /// <summary>The interface itself: where it is declared, partial, generic, base interfaces, the generated names.</summary>
    private static void CheckInterface(INamedTypeSymbol type, InterfaceDeclarationSyntax syntax, State state, CancellationToken cancellationToken)
    {
        if (type.ContainingType is not null)
        {
            state.Report(ServiceDiagnosticDescriptors.Name, state.InterfaceLocation, state.FullName,
                $"is nested in '{type.ContainingType.ToDisplayString()}'", "declare it directly in a namespace, where the generated types go beside it");
        }
        if (type.IsFileLocal)
        {
            state.Report(ServiceDiagnosticDescriptors.Name, state.InterfaceLocation, state.FullName,
                "is file-local, but the generated types that implement and serve it are in another file", "remove the 'file' modifier");
        }
        if (!type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is InterfaceDeclarationSyntax i && i.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            state.Report(ServiceDiagnosticDescriptors.Name, state.InterfaceLocation, state.FullName,
                "is not partial", $"add the 'partial' modifier to '{type.Name}'");
        }
        if (type.IsGenericType)
        {
            state.Report(ServiceDiagnosticDescriptors.Generic, state.InterfaceLocation, $"[SharedService] interface '{state.FullName}'",
                string.Join(", ", type.TypeParameters.Select(p => p.Name)));
        }
        foreach (BaseTypeSyntax baseType in type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<InterfaceDeclarationSyntax>()
            .SelectMany(i => i.BaseList?.Types ?? default))
        {
            state.Report(ServiceDiagnosticDescriptors.UnsupportedMember, baseType.GetLocation(), baseType.Type.ToString(), state.FullName,
                "a base interface", "the contract would not cover its methods; declare the methods in this interface (or mark the base interface [SharedService] and serve it on its own)");
        }
        if (type.ContainingType is not null)
        {
            return;
        }

        string baseName = ServiceCanonical.BaseName(type.Name);
        foreach (string generated in ServiceCanonical.GeneratedTypeNames(baseName))
        {
            if (type.ContainingNamespace.GetTypeMembers(generated).Any(t => t.Arity == 0))
            {
                state.Report(ServiceDiagnosticDescriptors.Name, state.InterfaceLocation, state.FullName,
                    $"needs the name '{generated}' for a generated type, but its namespace already has a type of that name", $"rename that type or the interface");
                return;
            }
        }
        INamedTypeSymbol? twin = type.ContainingNamespace.GetTypeMembers()
            .FirstOrDefault(t => !SymbolEqualityComparer.Default.Equals(t, type) && t.TypeKind == TypeKind.Interface &&
                ServiceCanonical.BaseName(t.Name) == baseName &&
                t.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == SharedServiceAttributeName));
        if (twin is not null)
        {
            state.Report(ServiceDiagnosticDescriptors.Name, state.InterfaceLocation, state.FullName,
                $"and [SharedService] interface '{twin.ToDisplayString()}' would both generate '{baseName}Contract', '{baseName}Proxy' and '{baseName}Dispatcher'", "rename one of them");
        }
    }

    /// <summary>Reports a member that is not a call; returns the member if it is a method to classify.</summary>
    private static ISymbol? CheckMember(ISymbol member, State state)
    {
        if (member.IsImplicitlyDeclared || member is INamedTypeSymbol ||
            member is IMethodSymbol { MethodKind: not (MethodKind.Ordinary or MethodKind.UserDefinedOperator or MethodKind.Conversion or MethodKind.StaticConstructor) })
        {
            return null; // nested types do not cross; accessors are reported with their property or event
        }
        (string What, string Fix)? problem = member switch
        {
            { IsStatic: true } => ("a static member", "a contract's members are calls to an instance in another process; move it to a static class"),
            IPropertySymbol => ("a property", $"replace it with a method, e.g. 'ValueTask<T> Get{member.Name}Async(CancellationToken cancellationToken)'"),
            IEventSymbol => ("an event", "calls go from the client to the server only; let the client ask with a method (or send notifications over a ring of their own)"),
            IMethodSymbol { IsAbstract: false } => ("a method with a default implementation", "remove its body: the server's implementation provides it"),
            IMethodSymbol { DeclaredAccessibility: not Accessibility.Public } => ("a method that is not public", "make it public (remove the access modifier)"),
            IMethodSymbol => null,
            _ => ("not a method", "declare only methods in a [SharedService] interface"),
        };
        if (problem is { } p)
        {
            state.Report(ServiceDiagnosticDescriptors.UnsupportedMember, member.Locations[0], member.Name, state.FullName, p.What, p.Fix);
            return null;
        }
        return member;
    }

    /// <summary>One method: its model, or null with every problem reported.</summary>
    private static MethodModel? Method(IMethodSymbol method, State state, CancellationToken cancellationToken)
    {
        var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax;
        Location identifier = method.Locations[0];
        Location returnType = syntax?.ReturnType.GetLocation() ?? identifier;
        int before = state.Diagnostics.Count;
        bool silent = false;

        if (ServiceCanonical.ReservedMethodName(method.Name, ServiceCanonical.BaseName(state.Type.Name)) is { } use)
        {
            state.Report(ServiceDiagnosticDescriptors.Name, identifier, state.FullName,
                $"has a method named '{method.Name}', which the generated code uses for {use}", $"rename the method");
        }
        if (method.IsGenericMethod)
        {
            state.Report(ServiceDiagnosticDescriptors.Generic, identifier, $"Method '{method.Name}' of [SharedService] interface '{state.FullName}'",
                string.Join(", ", method.TypeParameters.Select(p => p.Name)));
        }

        // The result.
        WireType? result = null;
        ITypeSymbol returned = method.ReturnType;
        if (returned.TypeKind == TypeKind.Error)
        {
            silent = true; // the compiler reports it
        }
        else if (method.RefKind != RefKind.None || returned is not INamedTypeSymbol named ||
            named.ConstructedFrom.ToDisplayString() is not (ValueTaskName or ValueTaskName + "<TResult>"))
        {
            state.Report(ServiceDiagnosticDescriptors.ReturnType, returnType, method.Name, state.FullName,
                (method.RefKind != RefKind.None ? "ref " : string.Empty) + returned.ToDisplayString());
        }
        else if (!named.IsGenericType)
        {
            result = new WireType(WireKind.Void, "void", "void");
        }
        else
        {
            Classified classified = Classify(named.TypeArguments[0], isResult: true, state);
            result = classified.Wire;
            silent |= classified.Silent;
            if (classified.What is not null)
            {
                state.Report(ServiceDiagnosticDescriptors.ResultType, returnType, method.Name, state.FullName, classified.What, classified.Fix!);
            }
        }

        // The parameters and the token.
        var parameters = new List<ParameterModel>();
        List<IParameterSymbol> tokens = method.Parameters.Where(p => p.Type.ToDisplayString() == CancellationTokenName).ToList();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            Location at = (parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as ParameterSyntax)?.Type?.GetLocation() ?? parameter.Locations[0];
            Classified classified = parameter.RefKind != RefKind.None
                ? new Classified(null, $"an '{RefKeyword(parameter.RefKind)}' parameter",
                    "a call sends its arguments by value and returns one result; remove the modifier and return what the server gives back (several values as a [SharedLayout] struct)")
                : tokens.Contains(parameter, SymbolEqualityComparer.Default) ? default
                : Classify(parameter.Type, isResult: false, state);
            silent |= classified.Silent;
            if (classified.What is not null)
            {
                state.Report(ServiceDiagnosticDescriptors.ParameterType, at, parameter.Name, method.Name, state.FullName, classified.What, classified.Fix!);
            }
            else if (classified.Wire is not null)
            {
                parameters.Add(new ParameterModel(parameter.Name, classified.Wire));
            }
            if (tokens.Count > 1 ? SymbolEqualityComparer.Default.Equals(parameter, tokens[1])
                : tokens.Count == 1 && SymbolEqualityComparer.Default.Equals(parameter, tokens[0]) && !SymbolEqualityComparer.Default.Equals(parameter, method.Parameters.Last()))
            {
                state.Report(ServiceDiagnosticDescriptors.CancellationToken, at, method.Name, state.FullName,
                    tokens.Count > 1 ? $"takes {tokens.Count} CancellationTokens" : "takes its CancellationToken before another parameter");
            }
        }
        if (tokens.Count == 0)
        {
            state.Report(ServiceDiagnosticDescriptors.CancellationToken, identifier, method.Name, state.FullName, "takes no CancellationToken");
        }

        state.Failed |= silent;
        if (silent || result is null || state.Diagnostics.Count != before)
        {
            return null;
        }
        string signature = ServiceCanonical.Signature(method.Name, parameters, result);
        return new MethodModel(method.Name, method.Name, ServiceCanonical.MethodId(signature), signature, method.ReturnType.ToDisplayString(TypeFormat),
            parameters.ToEquatableArray(), tokens[0].Name, result, tokens[0].HasExplicitDefaultValue);
    }

    private static string RefKeyword(RefKind kind) => kind switch
    {
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => kind.ToString() == "RefReadOnlyParameter" ? "ref readonly" : "ref",
    };

    /// <summary>RIPC0106: two methods with one id (the later one is reported).</summary>
    private static void CheckIds(List<MethodModel> methods, List<Location> identifiers, State state)
    {
        var seen = new Dictionary<int, MethodModel>();
        for (int i = 0; i < methods.Count; i++)
        {
            MethodModel method = methods[i];
            if (seen.TryGetValue(method.Id, out MethodModel? first))
            {
                state.Report(ServiceDiagnosticDescriptors.IdCollision, identifiers[i], first.Name, method.Name, state.FullName, ServiceCanonical.Hex(method.Id));
            }
            else
            {
                seen.Add(method.Id, method);
            }
        }
    }

    /// <summary>A type classified for the wire: its wire type, or what it is and the fix, or silent (an error the compiler reports).</summary>
    private readonly record struct Classified(WireType? Wire, string? What = null, string? Fix = null, bool Silent = false);

    private static Classified Classify(ITypeSymbol type, bool isResult, State state)
    {
        string display = type.ToDisplayString();
        if (ServiceCanonical.Primitive(type.SpecialType) is { } primitive)
        {
            return new Classified(new WireType(type.SpecialType == SpecialType.System_Boolean ? WireKind.Bool : WireKind.Primitive, primitive.CSharpType, primitive.Canonical));
        }
        switch (type.TypeKind)
        {
            case TypeKind.Error or TypeKind.TypeParameter:
                return new Classified(null, Silent: true);
            case TypeKind.Pointer or TypeKind.FunctionPointer:
                return new Classified(null, $"a pointer ({display})",
                    "an address means nothing in another process and its size differs between 32- and 64-bit processes; send the data it points to, or an offset as long");
            case TypeKind.Enum:
                return Enum((INamedTypeSymbol)type, state);
            case TypeKind.Array:
                bool bytes = type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte };
                return new Classified(null, $"an array ({display})", (bytes, isResult) switch
                {
                    (true, false) => "use ReadOnlyMemory<byte>",
                    (true, true) => "return CallBytes (CallBytes.CopyOf(bytes), or CallBytes.Rent(length) filled in place): a pooled lease the caller disposes",
                    (false, false) => "send the elements encoded in a ReadOnlyMemory<byte>, or a [SharedLayout] struct with a [FixedArray] property",
                    (false, true) => "return the elements encoded in a CallBytes, or a [SharedLayout] struct with a [FixedArray] property",
                });
        }
        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return new Classified(null, $"pointer-sized ({display})", "its size differs between 32- and 64-bit processes; use long (or int)");
        }
        if (type.SpecialType == SpecialType.System_String)
        {
            bool nullable = type.NullableAnnotation == NullableAnnotation.Annotated;
            return new Classified(new WireType(WireKind.String, type.ToDisplayString(TypeFormat), nullable ? "string?" : "string", nullable));
        }
        if (type.SpecialType == SpecialType.System_Decimal)
        {
            return new Classified(null, "decimal", "send it in a [SharedLayout] struct (which stores decimal in a fixed form), or as its parts (decimal.GetBits) in ints");
        }
        if (type is not INamedTypeSymbol named)
        {
            return new Classified(null, $"'{display}'", "use a [SharedLayout] struct, a fixed-size primitive, an enum or a string");
        }

        string definition = named.ConstructedFrom.ToDisplayString();
        bool ofBytes = named.TypeArguments.Length == 1 && named.TypeArguments[0].SpecialType == SpecialType.System_Byte;
        switch (definition)
        {
            case "System.ReadOnlyMemory<T>" when ofBytes && !isResult:
                return new Classified(new WireType(WireKind.Bytes, "global::System.ReadOnlyMemory<byte>", "bytes"));
            case "System.ReadOnlyMemory<T>" or "System.Memory<T>" when ofBytes && isResult:
                return new Classified(null, display,
                    "return CallBytes (CallBytes.CopyOf(bytes), or CallBytes.Rent(length) filled in place): the reply's bytes do not outlive the call, a pooled lease the caller disposes does");
            case "System.Memory<T>" when ofBytes:
                return new Classified(null, display, "use ReadOnlyMemory<byte>: the arguments are a copy, the server cannot write back into the caller's memory");
            case "System.ReadOnlyMemory<T>" or "System.Memory<T>":
                return new Classified(null, display, isResult
                    ? "return the elements encoded in a CallBytes, or a [SharedLayout] struct with a [FixedArray] property"
                    : "only ReadOnlyMemory<byte> crosses; send the elements encoded as bytes, or a [SharedLayout] struct with a [FixedArray] property");
            case "System.Span<T>" or "System.ReadOnlySpan<T>":
                return new Classified(null, $"a span ({display})", isResult
                    ? "return CallBytes, a pooled lease the caller disposes"
                    : "use ReadOnlyMemory<byte>: a span cannot be kept while the call is under way");
            case "System.Nullable<T>":
                return new Classified(null, $"a nullable value ({display})", "send a bool that says whether there is a value, and the value (or a [SharedLayout] struct of both)");
        }
        if (display.TrimEnd('?') == CallBytesName)
        {
            return isResult
                ? new Classified(new WireType(WireKind.CallBytes, named.ToDisplayString(TypeFormat), "callbytes"))
                : new Classified(null, "CallBytes", "pass ReadOnlyMemory<byte> (CallBytes is for results: a lease the caller disposes)");
        }
        if (named.IsReferenceType)
        {
            string what = named.TypeKind switch
            {
                TypeKind.Interface => "an interface",
                TypeKind.Delegate => "a delegate",
                _ => "a class",
            };
            return new Classified(null, $"{what} ('{display}')", "only values cross; send its data as a [SharedLayout] struct, fixed-size primitives, enums or strings");
        }
        if (!named.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Parser.SharedLayoutAttributeName))
        {
            return new Classified(null, $"a struct without [SharedLayout] ('{display}')",
                $"its layout may differ between 32- and 64-bit processes; mark '{display}' [SharedLayout] (partial, with partial properties), or send its parts (a DateTime as its Ticks in a long; a Guid inside a [SharedLayout] struct)");
        }
        string csharpType = named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        state.Layouts.Add(csharpType);
        return new Classified(new WireType(WireKind.Layout, csharpType, $"layout({display})"));
    }

    private static Classified Enum(INamedTypeSymbol type, State state)
    {
        string display = type.ToDisplayString();
        if (type.EnumUnderlyingType is not { } underlying || ServiceCanonical.Primitive(underlying.SpecialType) is not { } stored ||
            underlying.SpecialType is SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_Single or SpecialType.System_Double)
        {
            return new Classified(null, $"the enum '{display}', whose underlying type only IL can declare",
                "use an enum with an integer underlying type (byte, sbyte, short, ushort, int, uint, long or ulong)");
        }
        string csharpType = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (!state.Enums.ContainsKey(csharpType))
        {
            bool flags = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
            IEnumerable<long> values = type.GetMembers().OfType<IFieldSymbol>()
                .Where(f => f.HasConstantValue && f.ConstantValue is not null)
                .Select(f => f.ConstantValue is ulong u ? unchecked((long)u) : System.Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture));
            state.Enums.Add(csharpType, new EnumModel(csharpType, display, flags, values.Distinct().OrderBy(v => v).ToEquatableArray()));
        }
        return new Classified(new WireType(WireKind.Enum, csharpType, $"enum({display}:{stored.Canonical})", Display: display));
    }

    /// <summary>What parsing one interface collects.</summary>
    private sealed class State(INamedTypeSymbol type, Location interfaceLocation)
    {
        public INamedTypeSymbol Type { get; } = type;

        public string FullName { get; } = type.ToDisplayString();

        public Location InterfaceLocation { get; } = interfaceLocation;

        public List<DiagnosticInfo> Diagnostics { get; } = [];

        public Dictionary<string, EnumModel> Enums { get; } = [];

        public HashSet<string> Layouts { get; } = [];

        /// <summary>Whether nothing may be generated: a diagnostic was reported, or an error the compiler reports.</summary>
        public bool Failed
        {
            get => _failed || Diagnostics.Count > 0;
            set => _failed = value;
        }

        private bool _failed;

        public void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
            Diagnostics.Add(new DiagnosticInfo(descriptor, LocationInfo.From(location), arguments.ToEquatableArray()));
    }
}
