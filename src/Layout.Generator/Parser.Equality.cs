using System.Linq;
using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

internal static partial class Parser
{
    /// <summary>
    /// Whether the struct declares its own equality. The rule: all or nothing. If the struct (in any of its
    /// partial declarations) declares any one of <c>Equals(T)</c> (or <c>Equals(T?)</c>), <c>Equals(object)</c>,
    /// <c>GetHashCode()</c>, <c>operator ==</c> or <c>operator !=</c>, the generator emits none of them (nor
    /// <c>IEquatable&lt;T&gt;</c>): the user owns equality, and the five members never mix two definitions of
    /// "equal" (the user's Equals with the generator's GetHashCode, say). Otherwise it emits all of them (for a
    /// record struct only Equals(T) and GetHashCode(), which the compiler's synthesized members call). A member
    /// named Equals or GetHashCode that is not a method (a property, say) counts too, since the generated methods
    /// would clash with it. Other overloads (<c>Equals(int)</c>) and other operators (<c>&lt;</c>) do not count.
    /// </summary>
    private static bool DeclaresEquality(INamedTypeSymbol type) =>
        type.GetMembers().Any(member => !member.IsImplicitlyDeclared &&
            (member is IMethodSymbol method ? IsEqualityMember(type, method) : member.Name is "Equals" or "GetHashCode"));

    private static bool IsEqualityMember(INamedTypeSymbol type, IMethodSymbol method) => method switch
    {
        { MethodKind: MethodKind.UserDefinedOperator, Name: WellKnownMemberNames.EqualityOperatorName or WellKnownMemberNames.InequalityOperatorName } => true,
        { MethodKind: MethodKind.Ordinary, Name: "GetHashCode", Parameters.Length: 0 } => true,
        { MethodKind: MethodKind.Ordinary, Name: "Equals", Parameters.Length: 1 } => IsSelfOrObject(type, method.Parameters[0].Type),
        _ => false,
    };

    /// <summary>T, T? or object: the parameter of an Equals that compares with the struct.</summary>
    private static bool IsSelfOrObject(INamedTypeSymbol type, ITypeSymbol parameter) =>
        parameter.SpecialType == SpecialType.System_Object ||
        SymbolEqualityComparer.Default.Equals(parameter, type) ||
        (parameter is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable &&
            SymbolEqualityComparer.Default.Equals(nullable.TypeArguments[0], type));
}
