using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// Sizes and offsets of sample structs pinned against the canonical table (DESIGN.md §6), and the
/// runtime size of the generated struct in this (64-bit) process. The 32-bit process run is added by
/// the 32/64 interop work.
/// </summary>
public sealed class PinnedLayoutTests
{
    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        { Samples.Acceptance, "Samples.Acceptance", 32, 8, "A=0 B=8 C=16 D=24" },
        { Samples.Enums, "Samples.Enums", 40, 8, "Tag=0 S64=8 S8=16 S16=18 S32=20 U8=24 U16=26 U32=28 U64=32" },
        { Samples.Nested, "Samples.Inner", 4, 2, "X=0 Y=2" },
        { Samples.Nested, "Samples.Outer", 32, 8, "Flag=0 In=2 Seq=8 Pair=16 Done=24" },
        { Samples.Named, "Samples.Named", 72, 8, "Kind=0 Name=1 Id=16 Initial=20 Key=24 Price=40 Handle=56 Ratio=60 Ports=64" },
        { Samples.Pinned, "Samples.Pinned", 512, 8, "Magic=0 Version=8 Tail=128 CachedHead=136 Head=256 DataSequence=384 Flag=388" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Offsets_and_size_follow_the_canonical_table(string source, string typeName, int size, int alignment, string offsets)
    {
        Type type = GeneratorHarness.Load(source).GetType(typeName, throwOnError: true)!;

        var expected = new Dictionary<string, int>();
        foreach (string pair in offsets.Split(' '))
        {
            string[] parts = pair.Split('=');
            expected.Add(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(expected, GeneratorHarness.Offsets(type));
        Assert.Equal(size, GeneratorHarness.Constant<int>(type, "Size"));
        Assert.Equal(alignment, GeneratorHarness.Constant<int>(type, "Alignment"));
        Assert.Equal(size, RuntimeSize(type));
    }

    [Fact]
    public void Fingerprint_depends_on_names_types_and_order_but_not_on_the_struct_name()
    {
        ulong Fingerprint(string body) =>
            GeneratorHarness.Constant<ulong>(GeneratorHarness.Load(GeneratorHarness.Usings + "[SharedLayout] public partial struct S { " + body + " }").GetType("S")!, "Fingerprint");

        ulong baseline = Fingerprint("public partial int A { get; set; } public partial long B { get; set; }");
        Assert.Equal(baseline, Fingerprint("public partial int A { get; set; } public partial long B { get; set; }"));
        Assert.NotEqual(baseline, Fingerprint("public partial int A2 { get; set; } public partial long B { get; set; }"));
        Assert.NotEqual(baseline, Fingerprint("public partial uint A { get; set; } public partial long B { get; set; }"));
        Assert.NotEqual(baseline, Fingerprint("public partial long B { get; set; } public partial int A { get; set; }"));
        Assert.NotEqual(baseline, Fingerprint("public partial int A { get; set; } public partial long B { get; set; } public partial byte C { get; set; }"));

        ulong renamed = GeneratorHarness.Constant<ulong>(
            GeneratorHarness.Load(GeneratorHarness.Usings + "namespace Other; [SharedLayout] public partial struct T { public partial int A { get; set; } public partial long B { get; set; } }").GetType("Other.T")!,
            "Fingerprint");
        Assert.Equal(baseline, renamed);
    }

    [Fact]
    public void SharedLayoutInfo_reads_size_and_fingerprint_through_the_interface()
    {
        Type type = GeneratorHarness.Load(Samples.Acceptance).GetType("Samples.Acceptance")!;
        Assert.True(typeof(ISharedLayout).IsAssignableFrom(type));
        int size = (int)typeof(SharedLayoutInfo).GetMethod(nameof(SharedLayoutInfo.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        ulong fingerprint = (ulong)typeof(SharedLayoutInfo).GetMethod(nameof(SharedLayoutInfo.FingerprintOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        Assert.Equal(32, size);
        Assert.Equal(GeneratorHarness.Constant<ulong>(type, "Fingerprint"), fingerprint);
        Assert.NotEqual(0UL, fingerprint);
    }

    [Fact]
    public void A_layout_from_a_referenced_assembly_nests_by_its_generated_constants()
    {
        const string inner = GeneratorHarness.Usings + """
            namespace Lib;
            [SharedLayout] public partial struct Inner { public partial short X { get; set; } public partial byte Y { get; set; } }
            """;
        const string outer = GeneratorHarness.Usings + """
            namespace App;
            [SharedLayout] public partial struct Outer
            {
                public partial byte Flag { get; set; }
                public partial Lib.Inner In { get; set; }
                [FixedArray(2)] public partial Lib.Inner[] Pair { get; set; }
                public partial long Seq { get; set; }
            }
            """;
        var context = new System.Runtime.Loader.AssemblyLoadContext("nested-metadata", isCollectible: true);
        byte[] library = Image(GeneratorHarness.CompileClean(inner));
        context.LoadFromStream(new System.IO.MemoryStream(library));
        (Microsoft.CodeAnalysis.Compilation output, var diagnostics, _) = GeneratorHarness.Run(
            GeneratorHarness.Compilation(outer).AddReferences(Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(library)));
        Assert.Empty(diagnostics);
        Type type = context.LoadFromStream(new System.IO.MemoryStream(Image(output))).GetType("App.Outer", throwOnError: true)!;

        Assert.Equal(new Dictionary<string, int> { ["Flag"] = 0, ["In"] = 2, ["Pair"] = 6, ["Seq"] = 16 }, GeneratorHarness.Offsets(type));
        Assert.Equal(24, RuntimeSize(type));

        // The same layout with Inner in source has the same fingerprint: nesting folds in Inner's fingerprint, not where it lives.
        Type together = GeneratorHarness.Load(inner, outer).GetType("App.Outer")!;
        Assert.Equal(GeneratorHarness.Constant<ulong>(together, "Fingerprint"), GeneratorHarness.Constant<ulong>(type, "Fingerprint"));
    }

    private static byte[] Image(Microsoft.CodeAnalysis.Compilation compilation)
    {
        using var stream = new System.IO.MemoryStream();
        Assert.True(compilation.Emit(stream).Success);
        return stream.ToArray();
    }

    /// <summary><c>Unsafe.SizeOf&lt;T&gt;()</c>: what the runtime actually allocates and copies.</summary>
    internal static int RuntimeSize(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf), BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, null)!;
}
