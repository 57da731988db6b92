using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

/// <summary>
/// The [SharedService] naming and hashing rules: the generated names, each method's canonical signature and id, and
/// the contract fingerprint. Ids hash a method's own signature only, so reordering methods keeps them; the
/// fingerprint hashes every signature in id order plus the values of every enum carried, and the generated code
/// folds in each carried [SharedLayout] struct's layout fingerprint (so a changed struct changes the contract).
/// </summary>
internal static class ServiceCanonical
{
    /// <summary>Version tag of a method's canonical signature: change it only with the wire encoding.</summary>
    private const string SignatureVersion = "ripc-call/1";

    /// <summary>Version tag of the contract's canonical text.</summary>
    private const string ContractVersion = "ripc-service/1";

    /// <summary>The name the generated types start with: the interface's name without its leading 'I' ("IScanner" → "Scanner"), if an uppercase letter follows it.</summary>
    public static string BaseName(string interfaceName) =>
        interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]) ? interfaceName.Substring(1) : interfaceName;

    /// <summary>The types generated beside the interface.</summary>
    public static IEnumerable<string> GeneratedTypeNames(string baseName) => [baseName + "Contract", baseName + "Proxy", baseName + "Dispatcher"];

    /// <summary>What the generated code uses <paramref name="methodName"/> for, if it cannot be a method's name, else null.</summary>
    public static string? ReservedMethodName(string methodName, string baseName) => methodName switch
    {
        "Client" => "the proxy's CallClient property",
        "MethodIds" => "the class of method ids (whose constants are named after the methods)",
        _ when methodName == baseName + "Proxy" => "the proxy class (a member cannot have its class's name)",
        _ => null,
    };

    /// <summary>The primitives that cross as themselves (bool as one byte), with their canonical names; null for any other type.</summary>
    public static ValueShape? Primitive(SpecialType type) => ValueShapes.OfPrimitive(type);

    /// <summary>A method's canonical signature: "ripc-call/1|Name(int32,string?)->layout(N.Quote)".</summary>
    public static string Signature(string name, IEnumerable<ParameterModel> parameters, WireType result) =>
        $"{SignatureVersion}|{name}({string.Join(",", parameters.Select(p => p.Type.Canonical))})->{result.Canonical}";

    /// <summary>A method's id: FNV-1a 32 over the UTF-8 bytes of its signature; 0 (which no id may be) becomes 1.</summary>
    public static int MethodId(string signature)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(signature))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return hash == 0 ? 1 : unchecked((int)hash);
    }

    /// <summary>The contract's fingerprint before the layouts are folded in: FNV-1a 64 of every method (id and
    /// signature, in id order) and every carried enum's defined values.</summary>
    public static ulong Fingerprint(IEnumerable<MethodModel> methods, IEnumerable<EnumModel> enums)
    {
        var text = new StringBuilder(ContractVersion);
        foreach (MethodModel method in methods.OrderBy(m => (uint)m.Id))
        {
            text.Append('|').Append(Hex(method.Id)).Append('=').Append(method.Signature);
        }
        foreach (EnumModel e in enums)
        {
            text.Append("|enum ").Append(e.Display).Append(e.Flags ? "[flags]" : string.Empty).Append('{')
                .Append(string.Join(",", e.Values.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Append('}');
        }
        return CanonicalLayout.Fingerprint(text.ToString());
    }

    /// <summary>An id as eight hexadecimal digits ("0x0123ABCD").</summary>
    public static string Hex(int id) => "0x" + id.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Gives overloads distinct <see cref="MethodModel.IdName"/>s: the first keeps the method's name, the
    /// next ones get "_2", "_3"… (skipping any name another method already has).</summary>
    public static List<MethodModel> NameIds(List<MethodModel> methods)
    {
        var taken = new HashSet<string>(methods.Select(m => m.Name));
        var used = new HashSet<string>();
        var named = new List<MethodModel>();
        foreach (MethodModel method in methods)
        {
            string name = method.Name;
            for (int n = 2; used.Contains(name) || (name != method.Name && taken.Contains(name)); n++)
            {
                name = method.Name + "_" + n.ToString(CultureInfo.InvariantCulture);
            }
            used.Add(name);
            named.Add(method with { IdName = name });
        }
        return named;
    }
}
