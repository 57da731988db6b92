using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using Microsoft.CodeAnalysis;

namespace RingIpc.Layout.Generator;

/// <summary>
/// The underlying type of an enum that Roslyn cannot read. IL lets an enum have a native-sized (<c>native int</c>,
/// <c>native unsigned int</c>), bool, char, float or double underlying type; C# declares none of them, and
/// Roslyn gives such an enum from a referenced assembly an error type as its <c>EnumUnderlyingType</c>, without
/// saying which. This reads the instance field (<c>value__</c>) of the enum's definition in the reference's metadata.
/// </summary>
internal static class EnumMetadata
{
    /// <summary>The C# name of the underlying type ("nint", "bool", …), or null if the metadata cannot tell.</summary>
    public static string? UnderlyingTypeName(Compilation compilation, INamedTypeSymbol type)
    {
        if (compilation.GetMetadataReference(type.ContainingAssembly) is not PortableExecutableReference reference)
        {
            return null;
        }
        IEnumerable<ModuleMetadata> modules = reference.GetMetadata() switch
        {
            AssemblyMetadata assembly => assembly.GetModules(),
            ModuleMetadata module => new[] { module },
            _ => Enumerable.Empty<ModuleMetadata>(),
        };
        foreach (MetadataReader reader in modules.Select(m => m.GetMetadataReader()))
        {
            foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
            {
                if (Is(reader, handle, type))
                {
                    return InstanceFieldType(reader, reader.GetTypeDefinition(handle));
                }
            }
        }
        return null;
    }

    /// <summary>Whether the definition <paramref name="handle"/> is <paramref name="type"/>: name, namespace or declaring types.</summary>
    private static bool Is(MetadataReader reader, TypeDefinitionHandle handle, INamedTypeSymbol type)
    {
        TypeDefinition definition = reader.GetTypeDefinition(handle);
        if (!reader.StringComparer.Equals(definition.Name, type.MetadataName))
        {
            return false;
        }
        TypeDefinitionHandle declaring = definition.GetDeclaringType();
        return type.ContainingType is { } container
            ? !declaring.IsNil && Is(reader, declaring, container)
            : declaring.IsNil && reader.StringComparer.Equals(definition.Namespace, type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString());
    }

    private static string? InstanceFieldType(MetadataReader reader, TypeDefinition definition)
    {
        foreach (FieldDefinitionHandle handle in definition.GetFields())
        {
            FieldDefinition field = reader.GetFieldDefinition(handle);
            if ((field.Attributes & FieldAttributes.Static) != 0)
            {
                continue;
            }
            BlobReader signature = reader.GetBlobReader(field.Signature);
            signature.ReadSignatureHeader();
            return signature.ReadSignatureTypeCode() switch
            {
                SignatureTypeCode.IntPtr => "nint",
                SignatureTypeCode.UIntPtr => "nuint",
                SignatureTypeCode.Boolean => "bool",
                SignatureTypeCode.Char => "char",
                SignatureTypeCode.Single => "float",
                SignatureTypeCode.Double => "double",
                _ => null,
            };
        }
        return null;
    }
}
