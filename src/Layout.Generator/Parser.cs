using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RingIpc.Layout.Generator;

/// <summary>
/// Symbols → model: reads one [SharedLayout] struct, checks every rule, classifies each partial
/// property and places it by the canonical rule. All symbol and syntax access happens here (and in
/// Parser.Equality.cs).
/// </summary>
internal static partial class Parser
{
    public const string SharedLayoutAttributeName = "RingIpc.SharedLayoutAttribute";
    private const string FixedStringAttributeName = "RingIpc.FixedStringAttribute";
    private const string FixedArrayAttributeName = "RingIpc.FixedArrayAttribute";
    private const string LayoutOffsetAttributeName = "RingIpc.LayoutOffsetAttribute";
    private const string SharedHandleName = "RingIpc.SharedHandle";

    /// <summary>Names the generated code declares in the struct.</summary>
    private static readonly HashSet<string> ReservedNames = ["Size", "Alignment", "Fingerprint", "Offsets", "CHeader"];

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
        SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The pipeline's transform for one attributed struct.</summary>
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var diagnostics = new List<DiagnosticInfo>();
        if (!CanTakeGeneratedPart(type, diagnostics))
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        LayoutShape shape = new TypeAnalyzer(context.SemanticModel.Compilation, cancellationToken).Analyze(type, diagnostics);
        bool emitCHeader = context.Attributes.Length > 0 && context.Attributes[0].NamedArguments
            .Any(a => a.Key == "CHeader" && a.Value.Value is true);
        var model = new LayoutModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            ContainingTypes(type).Select(t => new ContainingTypeModel(Keyword(t), t.Name)).ToEquatableArray(),
            syntax is RecordDeclarationSyntax ? "record struct" : "struct",
            type.Name,
            shape,
            diagnostics.Count > 0 || shape.Members.Any(m => m.Kind == MemberKind.Invalid), // some are reported elsewhere (compiler, nested struct)
            emitCHeader,
            !DeclaresEquality(type));
        return new ParseResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>Whether a generated partial declaration of <paramref name="type"/> can be written: partial, in partial types, not generic, not readonly.</summary>
    private static bool CanTakeGeneratedPart(INamedTypeSymbol type, List<DiagnosticInfo>? diagnostics)
    {
        foreach (INamedTypeSymbol declared in ContainingTypes(type).Append(type))
        {
            if (!IsPartial(declared))
            {
                diagnostics?.Add(Diagnostic(DiagnosticDescriptors.NotPartial, type.Locations[0], declared.ToDisplayString()));
                return false;
            }
        }
        if (type.IsGenericType || ContainingTypes(type).Any(t => t.IsGenericType))
        {
            diagnostics?.Add(Diagnostic(DiagnosticDescriptors.Generic, type.Locations[0], type.ToDisplayString()));
            return false;
        }
        if (type.IsReadOnly)
        {
            diagnostics?.Add(Diagnostic(DiagnosticDescriptors.ReadOnlyStruct, type.Locations[0], type.ToDisplayString()));
            return false;
        }
        return true;
    }

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences
            .All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
    {
        var containers = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            containers.Insert(0, t);
        }
        return containers;
    }

    private static string Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Interface => "interface",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        _ => type.IsRecord ? "record" : "class",
    };

    private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
        new(descriptor, LocationInfo.From(location), arguments.ToEquatableArray());

    private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
        new(descriptor, LocationInfo.From(node), arguments.ToEquatableArray());

    /// <summary>The syntax of an attribute's first positional argument (<paramref name="name"/> null) or of its named argument.</summary>
    private static SyntaxNode? ArgumentSyntax(AttributeData attribute, string? name) =>
        (attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(a => name is null ? a.NameEquals is null : a.NameEquals?.Name.Identifier.ValueText == name);

    private static bool HasAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

    /// <summary>The partial property definitions that make up the layout, in declaration order.</summary>
    private static List<(IPropertySymbol Property, PropertyDeclarationSyntax Syntax)> LayoutProperties(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).ToList();
        var properties = new List<(IPropertySymbol Property, PropertyDeclarationSyntax Syntax)>();
        foreach (IPropertySymbol property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || property.IsIndexer || property.DeclaringSyntaxReferences.Length != 1 ||
                property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax syntax ||
                !syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || HasBody(syntax))
            {
                continue;
            }
            properties.Add((property, syntax));
        }
        return properties
            .OrderBy(p => declarations.IndexOf(p.Syntax.Parent!))
            .ThenBy(p => p.Syntax.SpanStart)
            .ToList();
    }

    private static bool HasBody(PropertyDeclarationSyntax syntax) =>
        syntax.ExpressionBody is not null ||
        syntax.AccessorList is null ||
        syntax.AccessorList.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null);

    /// <summary>Analyzes one struct, recursing into nested layouts declared in source.</summary>
    private sealed class TypeAnalyzer(Compilation compilation, CancellationToken cancellationToken)
    {
        private readonly List<INamedTypeSymbol> _stack = [];

        /// <summary>The layout of <paramref name="type"/>; every rule broken is added to <paramref name="diagnostics"/>.</summary>
        public LayoutShape Analyze(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
        {
            _stack.Add(type);
            try
            {
                return AnalyzeMembers(type, diagnostics);
            }
            finally
            {
                _stack.RemoveAt(_stack.Count - 1);
            }
        }

        private LayoutShape AnalyzeMembers(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
        {
            string typeName = type.ToDisplayString();
            ReportStorageOutsideLayout(type, typeName, diagnostics);

            var members = new List<MemberModel>();
            var pins = new List<SyntaxNode?>();
            List<(IPropertySymbol Property, PropertyDeclarationSyntax Syntax)> properties = LayoutProperties(type, cancellationToken);
            foreach ((IPropertySymbol property, PropertyDeclarationSyntax syntax) in properties)
            {
                cancellationToken.ThrowIfCancellationRequested();
                MemberModel member = Classify(property, syntax, typeName, diagnostics);
                if (syntax.Parent != properties[0].Syntax.Parent)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.SplitDeclaration, property.Locations[0], property.Name, typeName, properties[0].Property.Name));
                    member = member with { Kind = MemberKind.Invalid, Element = null };
                }
                (member, SyntaxNode? pin) = Pin(member, property, typeName, diagnostics);
                members.Add(member);
                pins.Add(pin);
            }

            (List<MemberModel> placed, long size, int alignment) = CanonicalLayout.Place(members);
            for (int i = 0; i < placed.Count; i++)
            {
                if (placed[i].Element is not null && placed[i].PinnedOffset >= 0 && placed[i].Offset != placed[i].PinnedOffset)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.PinnedOffset, pins[i]!, Number(placed[i].PinnedOffset), placed[i].Name, typeName,
                        "the members before it end later", Number(placed[i].Element!.Alignment), Number(placed[i].Offset)));
                }
            }
            size = ExplicitSize(type, typeName, size, alignment, diagnostics);
            if (size == 0 && diagnostics.Count == 0 && members.All(m => m.Kind != MemberKind.Invalid))
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeOutOfRange, type.Locations[0], $"The size of '{typeName}' (0 bytes)", "declare at least one partial property"));
            }
            else if (size > CanonicalLayout.MaxSize)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeOutOfRange, type.Locations[0], $"The size of '{typeName}' ({size} bytes)",
                    $"a shared layout holds at most {CanonicalLayout.MaxSize} bytes (1 MiB); make inline strings and arrays smaller or send large data as variable-length records"));
            }
            int finalSize = size > CanonicalLayout.MaxSize ? 0 : (int)size;
            ulong fingerprint = CanonicalLayout.Fingerprint(CanonicalLayout.Describe(placed, finalSize, alignment));
            return new LayoutShape(typeName, finalSize, alignment, fingerprint, placed.ToEquatableArray());
        }

        /// <summary>Reads [LayoutOffset]: a misaligned pin is reported here and dropped; one before the canonical offset after placing.</summary>
        private static (MemberModel Member, SyntaxNode? Pin) Pin(MemberModel member, IPropertySymbol property, string typeName, List<DiagnosticInfo> diagnostics)
        {
            AttributeData? attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == LayoutOffsetAttributeName);
            if (attribute is null || member.Element is null || attribute.ConstructorArguments.FirstOrDefault().Value is not int offset)
            {
                return (member, null);
            }
            SyntaxNode at = ArgumentSyntax(attribute, null) ?? property.DeclaringSyntaxReferences[0].GetSyntax();
            int alignment = member.Element.Alignment;
            if (offset < 0 || offset % alignment != 0 || offset > CanonicalLayout.MaxSize)
            {
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.PinnedOffset, at, Number(offset), member.Name, typeName,
                    $"'{member.Name}' needs {alignment}-byte alignment within at most {CanonicalLayout.MaxSize} bytes", Number(alignment), "0"));
                return (member, null);
            }
            return (member with { PinnedOffset = offset }, at);
        }

        /// <summary>[SharedLayout(Size = N)]: N when valid (reported otherwise), else the canonical size.</summary>
        private static long ExplicitSize(INamedTypeSymbol type, string typeName, long size, int alignment, List<DiagnosticInfo> diagnostics)
        {
            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SharedLayoutAttributeName);
            KeyValuePair<string, TypedConstant> named = attribute?.NamedArguments.FirstOrDefault(a => a.Key == "Size") ?? default;
            if (named.Value.Value is not int requested || requested == 0)
            {
                return size;
            }
            string? problem = requested < size ? $"the members need {size} bytes"
                : requested % alignment != 0 ? $"it must be a multiple of the layout's alignment, {alignment}"
                : requested > CanonicalLayout.MaxSize ? $"a shared layout holds at most {CanonicalLayout.MaxSize} bytes (1 MiB)"
                : null;
            if (problem is null)
            {
                return requested;
            }
            diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeOutOfRange, ArgumentSyntax(attribute!, "Size") ?? type.DeclaringSyntaxReferences[0].GetSyntax(),
                $"[SharedLayout(Size = {requested})] on '{typeName}'", problem));
            return size;
        }

        private static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Instance fields, auto-property backing fields and reserved names.</summary>
        private static void ReportStorageOutsideLayout(INamedTypeSymbol type, string typeName, List<DiagnosticInfo> diagnostics)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    ISymbol owner = field.AssociatedSymbol ?? field;
                    if (owner.Locations.Length > 0 && owner.Locations[0].IsInSource)
                    {
                        diagnostics.Add(owner is IPropertySymbol
                            ? Diagnostic(DiagnosticDescriptors.NonPartialProperty, owner.Locations[0], owner.Name, typeName)
                            : Diagnostic(DiagnosticDescriptors.InstanceField, owner.Locations[0], owner.Name, typeName));
                    }
                }
                else if (member is IEventSymbol { IsStatic: false } e && e.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is VariableDeclaratorSyntax))
                {
                    // A field-like event: its delegate field is storage outside the layout.
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.InstanceField, e.Locations[0], e.Name, typeName));
                }
                else if (!member.IsImplicitlyDeclared && ReservedNames.Contains(member.Name) && member.Locations[0].IsInSource)
                {
                    diagnostics.Add(Diagnostic(DiagnosticDescriptors.ReservedName, member.Locations[0], member.Name, typeName));
                }
            }
        }

        private MemberModel Classify(IPropertySymbol property, PropertyDeclarationSyntax syntax, string typeName, List<DiagnosticInfo> diagnostics)
        {
            var member = new MemberModel(
                property.Name,
                syntax.Modifiers.ToString(),
                property.Type.ToDisplayString(TypeFormat),
                syntax.AccessorList!.Accessors.Select(a => new AccessorModel(a.Modifiers.ToString(), a.Keyword.ValueText)).ToEquatableArray(),
                MemberKind.Invalid,
                null,
                1,
                0);
            if (ReservedNames.Contains(property.Name))
            {
                return member; // reported with the other members
            }

            AttributeData? fixedString = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == FixedStringAttributeName);
            AttributeData? fixedArray = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == FixedArrayAttributeName);
            var problem = new Problem(property.Name, typeName, syntax.Type, diagnostics);
            ITypeSymbol type = property.Type;

            if (fixedString is not null && type.SpecialType != SpecialType.System_String)
            {
                return problem.WrongAttribute(member, fixedString, "FixedString", "string");
            }
            if (fixedArray is not null && type is not IArrayTypeSymbol)
            {
                return problem.WrongAttribute(member, fixedArray, "FixedArray", "T[] (an array)");
            }
            if (type.SpecialType == SpecialType.System_String)
            {
                return fixedString is null
                    ? problem.Report(member, DiagnosticDescriptors.ReferenceType, "string", "add [FixedString(maxBytes)] to store it inline as UTF-8")
                    : problem.Sized(member, fixedString, "FixedString", "bytes", MemberKind.InlineString, ValueShapes.Utf8);
            }
            if (type is IArrayTypeSymbol array)
            {
                if (fixedArray is null)
                {
                    return problem.Report(member, DiagnosticDescriptors.ReferenceType, "an array", "add [FixedArray(length)] to store it inline");
                }
                if (array.Rank != 1 || array.ElementType is IArrayTypeSymbol || array.ElementType.SpecialType == SpecialType.System_String)
                {
                    return problem.Report(member, DiagnosticDescriptors.ReferenceType, "an array of references or a multi-dimensional array",
                        "use a one-dimensional [FixedArray] of values, e.g. of a [SharedLayout] struct with a [FixedString] property");
                }
                ValueShape? element = ClassifyValue(array.ElementType, problem, member);
                return element is null ? problem.Result : problem.Sized(member, fixedArray, "FixedArray", "elements", MemberKind.InlineArray, element);
            }
            ValueShape? value = ClassifyValue(type, problem, member);
            if (value is null)
            {
                return problem.Result;
            }
            return member with { Kind = type.SpecialType == SpecialType.System_Boolean ? MemberKind.Bool : MemberKind.Scalar, Element = value };
        }

        /// <summary>The shape of a value type allowed in a layout, or null (with the problem reported).</summary>
        private ValueShape? ClassifyValue(ITypeSymbol type, Problem problem, MemberModel member)
        {
            ValueShape? primitive = Primitive(type.SpecialType);
            if (primitive is not null)
            {
                return primitive;
            }
            string display = type.ToDisplayString();
            switch (type.TypeKind)
            {
                case TypeKind.Error or TypeKind.TypeParameter:
                    problem.Silent(member); // the compiler reports it
                    return null;
                case TypeKind.Pointer or TypeKind.FunctionPointer:
                    problem.Report(member, DiagnosticDescriptors.Pointer, display);
                    return null;
                case TypeKind.Enum when type is INamedTypeSymbol { EnumUnderlyingType: { } underlying } && Primitive(underlying.SpecialType) is { } stored:
                    return ValueShapes.Enum(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), stored);
                case TypeKind.Enum:
                    // An underlying type that only IL can declare (Roslyn reads it as an error type): nint/nuint are pointer-sized.
                    string? underlyingName = EnumMetadata.UnderlyingTypeName(compilation, (INamedTypeSymbol)type);
                    if (underlyingName is "nint" or "nuint")
                    {
                        problem.Report(member, DiagnosticDescriptors.PointerSized, $"'{display}', an enum of {underlyingName}");
                    }
                    else
                    {
                        problem.Report(member, DiagnosticDescriptors.UnsupportedEnum, display, underlyingName ?? "not an integer type");
                    }
                    return null;
            }
            if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
            {
                problem.Report(member, DiagnosticDescriptors.PointerSized, display);
                return null;
            }
            if (type.IsReferenceType)
            {
                string what = type.TypeKind switch
                {
                    TypeKind.Interface => "an interface",
                    TypeKind.Delegate => "a delegate",
                    _ => "a class",
                };
                problem.Report(member, DiagnosticDescriptors.ReferenceType, $"{what}, '{display}'",
                    "store its data as supported values or a nested [SharedLayout] struct");
                return null;
            }
            if (type is not INamedTypeSymbol named)
            {
                problem.Report(member, DiagnosticDescriptors.StructWithoutSharedLayout, display);
                return null;
            }
            string fullName = named.ToDisplayString();
            if (fullName == "System.Guid")
            {
                return ValueShapes.Guid;
            }
            if (fullName == SharedHandleName)
            {
                return ValueShapes.Handle;
            }
            if (!HasAttribute(named, SharedLayoutAttributeName))
            {
                problem.Report(member, DiagnosticDescriptors.StructWithoutSharedLayout, display);
                return null;
            }
            return Nested(named, problem, member);
        }

        private ValueShape? Nested(INamedTypeSymbol type, Problem problem, MemberModel member)
        {
            string csharpType = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (type.DeclaringSyntaxReferences.Length == 0)
            {
                LayoutShape? compiled = CompiledLayout(type);
                if (compiled is null)
                {
                    problem.Report(member, DiagnosticDescriptors.StructWithoutSharedLayout, type.ToDisplayString());
                    return null;
                }
                return ValueShapes.Nested(csharpType, compiled);
            }

            List<string>? cycle = PathBack(type, [type]);
            if (cycle is not null)
            {
                problem.Report(member, DiagnosticDescriptors.Cycle, string.Join(" → ", cycle));
                return null;
            }
            var nestedDiagnostics = new List<DiagnosticInfo>();
            if (_stack.Contains(type, SymbolEqualityComparer.Default) || !CanTakeGeneratedPart(type, nestedDiagnostics))
            {
                problem.Silent(member);
                return null;
            }
            LayoutShape shape = Analyze(type, nestedDiagnostics);
            if (nestedDiagnostics.Count > 0)
            {
                problem.Silent(member); // reported on the nested struct itself
                return null;
            }
            return ValueShapes.Nested(csharpType, shape);
        }

        /// <summary>A chain of nested layouts from <paramref name="type"/> back to a struct being analyzed, or null.</summary>
        private List<string>? PathBack(INamedTypeSymbol type, List<INamedTypeSymbol> path)
        {
            if (_stack.Contains(type, SymbolEqualityComparer.Default))
            {
                int start = _stack.FindIndex(t => SymbolEqualityComparer.Default.Equals(t, type));
                return _stack.Skip(start).Concat(path.Skip(1)).Concat([type]).Select(t => t.Name).ToList();
            }
            foreach ((IPropertySymbol property, _) in LayoutProperties(type, cancellationToken))
            {
                ITypeSymbol memberType = property.Type is IArrayTypeSymbol array ? array.ElementType : property.Type;
                if (memberType is INamedTypeSymbol { TypeKind: TypeKind.Struct } next && next.DeclaringSyntaxReferences.Length > 0 &&
                    HasAttribute(next, SharedLayoutAttributeName) && !path.Contains(next, SymbolEqualityComparer.Default))
                {
                    List<string>? found = PathBack(next, [.. path, next]);
                    if (found is not null)
                    {
                        return found;
                    }
                }
            }
            return null;
        }

        /// <summary>The layout of a [SharedLayout] struct from a referenced assembly: its generated constants.</summary>
        private static LayoutShape? CompiledLayout(INamedTypeSymbol type)
        {
            object? Constant(string name) => type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue)?.ConstantValue;
            return Constant("Size") is int size && Constant("Alignment") is int alignment && Constant("Fingerprint") is ulong fingerprint
                ? new LayoutShape(type.ToDisplayString(), size, alignment, fingerprint, EquatableArray<MemberModel>.Empty)
                : null;
        }

        private static ValueShape? Primitive(SpecialType type) =>
            type == SpecialType.System_Decimal ? ValueShapes.Decimal : ValueShapes.OfPrimitive(type);
    }

    /// <summary>Reports what is wrong with one property and makes its model Invalid.</summary>
    private sealed class Problem(string memberName, string typeName, TypeSyntax typeSyntax, List<DiagnosticInfo> diagnostics)
    {
        public MemberModel Result { get; private set; } = null!;

        /// <summary>Reports <paramref name="descriptor"/> at the property type, with the member and struct names first.</summary>
        public MemberModel Report(MemberModel member, DiagnosticDescriptor descriptor, params string[] arguments)
        {
            diagnostics.Add(Diagnostic(descriptor, typeSyntax, [memberName, typeName, .. arguments]));
            return Silent(member);
        }

        /// <summary>The member is invalid for a reason reported elsewhere.</summary>
        public MemberModel Silent(MemberModel member) => Result = member with { Kind = MemberKind.Invalid, Element = null };

        public MemberModel WrongAttribute(MemberModel member, AttributeData attribute, string attributeName, string needed)
        {
            SyntaxNode at = attribute.ApplicationSyntaxReference?.GetSyntax() ?? typeSyntax;
            diagnostics.Add(Diagnostic(DiagnosticDescriptors.AttributeOnWrongType, at, attributeName, memberName, typeName, needed, member.PropertyType));
            return Silent(member);
        }

        /// <summary>An inline string or array: checks the attribute's count.</summary>
        public MemberModel Sized(MemberModel member, AttributeData attribute, string attributeName, string unit, MemberKind kind, ValueShape element)
        {
            int count = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int n ? n : 0;
            if (count < 1 || (long)count * element.Size > CanonicalLayout.MaxSize)
            {
                SyntaxNode at = ArgumentSyntax(attribute, null) ?? typeSyntax;
                diagnostics.Add(Diagnostic(DiagnosticDescriptors.SizeOutOfRange, at, $"[{attributeName}({count})] on '{memberName}' of '{typeName}'",
                    $"the count of {unit} must be at least 1 and the member at most {CanonicalLayout.MaxSize} bytes (1 MiB)"));
                return Silent(member);
            }
            return member with { Kind = kind, Element = element, Count = count };
        }
    }
}
