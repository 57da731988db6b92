using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>Valid declarations in their many forms: no diagnostic, and the output compiles without errors or warnings.</summary>
public sealed class ValidInputTests
{
    public static TheoryData<string> Sources => new()
    {
        // global namespace, internal struct
        "[SharedLayout] partial struct G { public partial int A { get; set; } }",
        // nested in partial types, record struct
        """
        namespace N;
        public static partial class Outer
        {
            internal partial class Middle
            {
                [SharedLayout] internal partial record struct R { public partial double X { get; set; } }
            }
        }
        """,
        // accessor forms and accessibilities, a keyword as a name, computed and static members beside the layout
        """
        [SharedLayout]
        public partial struct Accessors
        {
            /// <summary>a</summary>
            public partial int Get { get; }
            /// <summary>b</summary>
            public partial long Init { get; init; }
            /// <summary>c</summary>
            public partial short PrivateSet { get; private set; }
            internal partial byte Internal { get; set; }
            private partial bool Private { get; set; }
            /// <summary>d</summary>
            public partial int @class { get; set; }
            /// <summary>e</summary>
            public int Computed => Get + @class;
            /// <summary>f</summary>
            public static int Shared { get; set; }
            /// <summary>g</summary>
            public const int Limit = 3;
        }
        """,
        // nullable annotations in both contexts
        """
        #nullable disable
        [SharedLayout] public partial struct Oblivious { [FixedString(8)] public partial string Name { get; set; } [FixedArray(2)] public partial int[] Values { get; set; } }
        #nullable enable
        [SharedLayout] public partial struct Annotated { [FixedString(8)] public partial string? Name { get; set; } [FixedArray(2)] public partial int[]? Values { get; set; } }
        """,
        // property names like the generated helpers (Equal, Hash, ReadBools, CopyBools) and storage fields
        """
        [SharedLayout]
        public partial struct Helpers
        {
            public partial int Equal { get; set; }
            public partial int Hash { get; set; }
            [FixedArray(2)] public partial bool[] ReadBools { get; set; }
            [FixedArray(2)] public partial bool[] CopyBools { get; set; }
            public partial bool _Equal { get; set; }
        }
        """,
        // every member kind, arrays of each element kind
        """
        public enum Color : byte { Red, Green }
        [SharedLayout] public partial struct Leaf { public partial char C { get; set; } }
        [SharedLayout]
        public partial struct All
        {
            public partial bool B { get; set; }
            public partial sbyte I8 { get; set; }
            public partial ushort U16 { get; set; }
            public partial uint U32 { get; set; }
            public partial ulong U64 { get; set; }
            public partial float F { get; set; }
            public partial decimal M { get; set; }
            public partial Guid Id { get; set; }
            public partial Color Color { get; set; }
            public partial SharedHandle Handle { get; set; }
            public partial Leaf Leaf { get; set; }
            [FixedArray(3)] public partial bool[] Bools { get; set; }
            [FixedArray(3)] public partial Color[] Colors { get; set; }
            [FixedArray(3)] public partial Guid[] Ids { get; set; }
            [FixedArray(3)] public partial Leaf[] Leaves { get; set; }
            [FixedArray(3)] public partial SharedHandle[] Handles { get; set; }
            [FixedArray(3)] public partial decimal[] Prices { get; set; }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Compiles_without_diagnostics(string source) => GeneratorHarness.CompileClean(GeneratorHarness.Usings + source);
}
