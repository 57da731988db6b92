using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Enums with an underlying type that only IL can declare: native-sized (<c>nint</c>/<c>nuint</c>), bool, char, float
/// or double. A referenced assembly may hold one, and Roslyn gives it an error type as its underlying type. The
/// generator reports RIPC0001 (pointer-sized) for nint/nuint and RIPC0016 for the others, on the member, instead of
/// failing with a NullReferenceException.
/// </summary>
public sealed class NativeEnumTests
{
    private const string PointerSized = ": pointer-sized: differs between 32- and 64-bit processes; use long, or SharedHandle for OS handles";

    private const string CannotUse = ", whose underlying type ({0}) only IL can declare and C# cannot use; use an enum with an integer underlying type (byte, sbyte, short, ushort, int, uint, long or ulong)";

    /// <summary>An assembly with one enum per IL-only underlying type (<c>Native.Signed : native int</c>, …), written with Reflection.Emit.</summary>
    private static readonly MetadataReference NativeEnums = Build();

    public static TheoryData<string, string, string> Members => new()
    {
        { "public partial [|Native.Signed|] P { get; set; }", "RIPC0001", "is 'Native.Signed', an enum of nint" + PointerSized },
        { "public partial [|Native.Unsigned|] P { get; set; }", "RIPC0001", "is 'Native.Unsigned', an enum of nuint" + PointerSized },
        { "[FixedArray(2)] public partial [|Native.Signed[]|] P { get; set; }", "RIPC0001", "is 'Native.Signed', an enum of nint" + PointerSized },
        { "public partial [|Native.Flag|] P { get; set; }", "RIPC0016", "is the enum 'Native.Flag'" + string.Format(CannotUse, "bool") },
        { "public partial [|Native.Letter|] P { get; set; }", "RIPC0016", "is the enum 'Native.Letter'" + string.Format(CannotUse, "char") },
        { "[FixedArray(3)] public partial [|Native.Real[]|] P { get; set; }", "RIPC0016", "is the enum 'Native.Real'" + string.Format(CannotUse, "double") },
        { "public partial [|Native.Outer.Single|] P { get; set; }", "RIPC0016", "is the enum 'Native.Outer.Single'" + string.Format(CannotUse, "float") },
    };

    [Theory]
    [MemberData(nameof(Members))]
    public void An_enum_with_an_IL_only_underlying_type_is_reported(string member, string id, string message)
    {
        (string source, List<TextSpan> spans) = DiagnosticTests.Unmark(GeneratorHarness.Usings + "[SharedLayout]\npublic partial struct S\n{\n" + member + "\n}\n");
        Compilation compilation = GeneratorHarness.Compilation(source).AddReferences(NativeEnums);
        (Compilation output, ImmutableArray<Diagnostic> diagnostics, GeneratorDriverRunResult result) = GeneratorHarness.Run(compilation);

        Assert.Empty(result.Results.Single().Exception is { } e ? [e.ToString()] : new string[0]);
        Assert.Equal([(id, spans[0])], diagnostics.Select(d => (d.Id, d.Location.SourceSpan)));
        Assert.Equal("'P' of [SharedLayout] struct 'S' " + message, diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static MetadataReference Build()
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName("NativeEnums"), typeof(object).Assembly);
        ModuleBuilder module = assembly.DefineDynamicModule("NativeEnums");
        module.DefineEnum("Native.Signed", TypeAttributes.Public, typeof(nint)).CreateType();
        module.DefineEnum("Native.Unsigned", TypeAttributes.Public, typeof(nuint)).CreateType();
        module.DefineEnum("Native.Flag", TypeAttributes.Public, typeof(bool)).CreateType();
        module.DefineEnum("Native.Letter", TypeAttributes.Public, typeof(char)).CreateType();
        module.DefineEnum("Native.Real", TypeAttributes.Public, typeof(double)).CreateType();
        TypeBuilder outer = module.DefineType("Native.Outer", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
        TypeBuilder single = outer.DefineNestedType("Single", TypeAttributes.NestedPublic | TypeAttributes.Sealed, typeof(Enum));
        single.DefineField("value__", typeof(float), FieldAttributes.Public | FieldAttributes.SpecialName | FieldAttributes.RTSpecialName);
        outer.CreateType();
        single.CreateType();
        using var image = new MemoryStream();
        assembly.Save(image);
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
