namespace RingIpc.Layout.Generator.Tests;

/// <summary>Sample [SharedService] sources shared by the service tests.</summary>
internal static class ServiceSamples
{
    /// <summary>The carried types: a [SharedLayout] struct and enums of every shape the dispatcher checks.</summary>
    public const string Types = """
        [SharedLayout]
        public partial struct Quote
        {
            public partial long Price { get; set; }
            public partial int Quantity { get; set; }
            public partial bool Firm { get; set; }
        }

        /// <summary>Contiguous values: a range check.</summary>
        public enum Side : byte { Buy = 1, Sell = 2 }

        /// <summary>Scattered values: a switch.</summary>
        public enum Sparse : long { Low = -5, Mid = 3, High = 1L << 40, Alias = 3 }

        /// <summary>Flags: any combination of the defined bits.</summary>
        [Flags] public enum Options : ushort { None = 0, A = 1, B = 4 }

        /// <summary>Values past long.MaxValue.</summary>
        public enum Wide : ulong { Zero = 0, Top = ulong.MaxValue }

        public enum Empty : sbyte { }
        """;

    /// <summary>A contract with every type that may cross, and an implementation that echoes.</summary>
    public const string Scanner = ServiceHarness.Usings + "namespace Samples;\n" + Types + """

        /// <summary>A contract with every wire type.</summary>
        [SharedService]
        public partial interface ILegacyScanner
        {
            ValueTask PingAsync(CancellationToken cancellationToken);
            ValueTask<int> AddAsync(int a, int b, CancellationToken cancellationToken = default);
            ValueTask<Quote> EchoAsync(Quote quote, Side side, CancellationToken cancellationToken);
            ValueTask<string?> ConcatAsync(string left, string? right, CancellationToken cancellationToken);
            ValueTask<CallBytes> ReverseAsync(ReadOnlyMemory<byte> data, byte tag, ReadOnlyMemory<byte> more, CancellationToken cancellationToken);
            ValueTask<bool> AllAsync(bool b, sbyte sb, byte by, short s, ushort us, int i, uint ui, long l, ulong ul, char c, float f, double d,
                Options o, Sparse sp, Wide w, CancellationToken cancellationToken);
            ValueTask<Sparse> SparseAsync(Sparse value, CancellationToken cancellationToken);
            ValueTask<Options> FlagsAsync(Options value, CancellationToken cancellationToken);
            ValueTask<Empty> EmptyAsync(CancellationToken cancellationToken);
            ValueTask<string> NameAsync(CancellationToken cancellationToken);
            ValueTask ScanAsync(int x, CancellationToken cancellationToken);
            ValueTask ScanAsync(long x, CancellationToken cancellationToken);
            ValueTask<char> ScanAsync_2(CancellationToken cancellationToken);
        }

        public sealed class Scanner : ILegacyScanner
        {
            public static ReadOnlyMemory<byte> LastData;
            public static CallBytes? LastLease;
            public static object? LastAll;
            public static long Scanned;

            public ValueTask PingAsync(CancellationToken cancellationToken) => default;
            public ValueTask<int> AddAsync(int a, int b, CancellationToken cancellationToken) => new(a + b);
            public ValueTask<Quote> EchoAsync(Quote quote, Side side, CancellationToken cancellationToken)
            {
                quote.Quantity += (int)side;
                return new(quote);
            }
            public ValueTask<string?> ConcatAsync(string left, string? right, CancellationToken cancellationToken) => new(right is null ? null : left + right);
            public async ValueTask<CallBytes> ReverseAsync(ReadOnlyMemory<byte> data, byte tag, ReadOnlyMemory<byte> more, CancellationToken cancellationToken)
            {
                await Task.Yield();
                LastData = data;
                byte[] bytes = data.ToArray();
                Array.Reverse(bytes);
                LastLease = CallBytes.CopyOf([.. bytes, tag, .. more.Span]);
                return LastLease;
            }
            public ValueTask<bool> AllAsync(bool b, sbyte sb, byte by, short s, ushort us, int i, uint ui, long l, ulong ul, char c, float f, double d,
                Options o, Sparse sp, Wide w, CancellationToken cancellationToken)
            {
                LastAll = (b, sb, by, s, us, i, ui, l, ul, c, f, d, o, sp, w);
                return new(!b);
            }
            public ValueTask<Sparse> SparseAsync(Sparse value, CancellationToken cancellationToken) => new(value);
            public ValueTask<Options> FlagsAsync(Options value, CancellationToken cancellationToken) => new(value);
            public ValueTask<Empty> EmptyAsync(CancellationToken cancellationToken) => new(default(Empty));
            public ValueTask<string> NameAsync(CancellationToken cancellationToken) => new("héllo");
            public ValueTask ScanAsync(int x, CancellationToken cancellationToken) { Scanned = x; return default; }
            public ValueTask ScanAsync(long x, CancellationToken cancellationToken) { Scanned = -x; return default; }
            public ValueTask<char> ScanAsync_2(CancellationToken cancellationToken) => new('Ω');
        }

        public static class Uses
        {
            /// <summary>The proxy's methods are public, and repeat a token's "= default".</summary>
            public static ValueTask<int> Add(LegacyScannerProxy proxy) => proxy.AddAsync(1, 2);
        }
        """;

    /// <summary>Names that the generated code must escape or keep apart: the global namespace, an internal interface,
    /// keywords and the generated code's own local names as parameter names, an interface name without the 'I' prefix.</summary>
    public const string Awkward = ServiceHarness.Usings + """
        [SharedService]
        internal partial interface Ivory
        {
            ValueTask<int> @checked(int @class, string writer, string? reader, CancellationToken args);
            ValueTask Run(int request, int reply, int cancellationToken, CancellationToken methodId);
            ValueTask<long> Client2(ReadOnlyMemory<byte> result, int Client, CancellationToken implementation);
        }
        """;
}
