namespace RingIpc.Layout.Generator.Tests;

/// <summary>Sample [SharedLayout] sources shared by the tests, with their canonical layout worked out by hand.</summary>
internal static class Samples
{
    /// <summary>The first acceptance test (DESIGN.md §1): 24 bytes with B at 4 in 32-bit Mono if laid out by the ABI.</summary>
    public const string Acceptance = GeneratorHarness.Usings + """
        namespace Samples;

        /// <summary>The acceptance struct.</summary>
        [SharedLayout]
        public partial struct Acceptance
        {
            /// <summary>A.</summary>
            public partial int A { get; set; }
            /// <summary>B.</summary>
            public partial long B { get; set; }
            /// <summary>C.</summary>
            public partial double C { get; set; }
            /// <summary>D.</summary>
            public partial byte D { get; set; }
        }
        """;

    public const string Enums = GeneratorHarness.Usings + """
        namespace Samples;

        public enum E8 : sbyte { Low = sbyte.MinValue, High = sbyte.MaxValue }
        public enum EU8 : byte { High = byte.MaxValue }
        public enum E16 : short { Low = short.MinValue }
        public enum EU16 : ushort { High = ushort.MaxValue }
        public enum E32 { Low = int.MinValue }
        public enum EU32 : uint { High = uint.MaxValue }
        public enum E64 : long { Low = long.MinValue }
        public enum EU64 : ulong { High = ulong.MaxValue }

        [SharedLayout]
        internal partial struct Enums
        {
            public partial byte Tag { get; set; }
            public partial E64 S64 { get; set; }
            public partial E8 S8 { get; set; }
            public partial E16 S16 { get; set; }
            public partial E32 S32 { get; set; }
            public partial EU8 U8 { get; set; }
            public partial EU16 U16 { get; set; }
            public partial EU32 U32 { get; set; }
            public partial EU64 U64 { get; set; }
        }
        """;

    public const string Nested = GeneratorHarness.Usings + """
        namespace Samples;

        [SharedLayout]
        internal partial struct Inner
        {
            public partial short X { get; set; }
            public partial byte Y { get; set; }
        }

        [SharedLayout]
        internal partial struct Outer
        {
            public partial byte Flag { get; set; }
            public partial Inner In { get; set; }
            public partial long Seq { get; set; }
            [FixedArray(2)]
            public partial Inner[] Pair { get; set; }
            public partial bool Done { get; set; }
        }
        """;

    public const string Named = GeneratorHarness.Usings + """
        namespace Samples;

        [SharedLayout]
        internal partial struct Named
        {
            public partial byte Kind { get; set; }
            [FixedString(13)]
            public partial string Name { get; set; }
            public partial int Id { get; set; }
            public partial char Initial { get; set; }
            public partial Guid Key { get; set; }
            public partial decimal Price { get; set; }
            public partial SharedHandle Handle { get; set; }
            public partial float Ratio { get; set; }
            [FixedArray(3)]
            public partial ushort[] Ports { get; set; }
        }
        """;

    /// <summary>
    /// Every kind of member for value equality. Name 0–8, Levels 8–20, padding 20–24, Price 24, Ratio 32, Done 36,
    /// Flags 37–39, padding 39–40, At 40 (Point: X 0, Weights 4–12), Path 52 (2 × 12), padding 76–80, Mode 80,
    /// Amount 88, Id 104, Handle 120, Letter 124; Size 128.
    /// </summary>
    public const string Equality = GeneratorHarness.Usings + """
        namespace Samples;

        public enum Mode : ulong { A = 1, Big = ulong.MaxValue }

        [SharedLayout]
        internal partial struct Point
        {
            public partial int X { get; set; }
            [FixedArray(2)]
            public partial float[] Weights { get; set; }
        }

        [SharedLayout]
        internal partial struct Eq
        {
            [FixedString(8)]
            public partial string Name { get; set; }
            [FixedArray(3)]
            public partial int[] Levels { get; set; }
            public partial double Price { get; set; }
            public partial float Ratio { get; set; }
            public partial bool Done { get; set; }
            [FixedArray(2)]
            public partial bool[] Flags { get; set; }
            public partial Point At { get; set; }
            [FixedArray(2)]
            public partial Point[] Path { get; set; }
            public partial Mode Mode { get; set; }
            public partial decimal Amount { get; set; }
            public partial Guid Id { get; set; }
            public partial SharedHandle Handle { get; set; }
            public partial char Letter { get; set; }
        }
        """;

    /// <summary>A header-like layout: pinned offsets on separate cache lines and a fixed size with reserved space.</summary>
    public const string Pinned = GeneratorHarness.Usings + """
        namespace Samples;

        [SharedLayout(Size = 512)]
        internal partial struct Pinned
        {
            public partial ulong Magic { get; set; }
            public partial int Version { get; set; }
            [LayoutOffset(128)]
            public partial long Tail { get; set; }
            public partial long CachedHead { get; set; }
            [LayoutOffset(256)]
            public partial long Head { get; set; }
            [LayoutOffset(384)]
            public partial int DataSequence { get; set; }
            public partial byte Flag { get; set; }
        }
        """;
}
