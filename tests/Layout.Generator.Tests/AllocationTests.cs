using System;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// The members that promise no allocation: the span members of an inline string and the equality members. Each
/// probe is compiled into the generated assembly (no reflection in the loop), warmed up, then measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>; the fewest bytes over a few rounds must be 0 (a real
/// allocation shows in every round, a one-off runtime allocation in at most one).
/// </summary>
public sealed class AllocationTests
{
    private const string Utf8Probe = GeneratorHarness.Usings + """
        public static class Probe
        {
            public static long Utf8Members(int iterations)
            {
                var n = new Samples.Named();
                Span<byte> buffer = stackalloc byte[13];
                long sum = 0;
                long fewest = long.MaxValue;
                for (int round = 0; round < 4; round++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < iterations; i++)
                    {
                        n.SetNameUtf8("abc"u8);
                        n.NameUtf8[3] = (byte)('a' + (i & 7));
                        sum += n.CopyNameUtf8To(buffer);
                        sum += n.NameUtf8.Length + buffer[3];
                    }
                    fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
                }
                return sum > 0 ? fewest : -1;
            }
        }
        """;

    private const string EqualityProbe = GeneratorHarness.Usings + """
        public static class Probe
        {
            public static long Equality(int iterations)
            {
                var a = new Samples.Eq { Name = "AB", Levels = [1, 2, 3], Price = double.NaN, Done = true, Flags = [true, false], Amount = 1.5m, Mode = Samples.Mode.Big };
                a.At = new Samples.Point { X = 3, Weights = [0.5f, 1] };
                a.Path = [a.At, a.At];
                var b = a;
                long sum = 0;
                long fewest = long.MaxValue;
                for (int round = 0; round < 4; round++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < iterations; i++)
                    {
                        sum += a.Equals(b) ? 1 : 0;
                        sum += a == b ? 1 : 0;
                        sum += a != b ? 0 : 1;
                        sum += a.GetHashCode() == b.GetHashCode() ? 1 : 0;
                    }
                    fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
                }
                return sum == 4L * 4 * iterations ? fewest : -1;
            }
        }
        """;

    [Fact]
    public void Inline_string_span_members_allocate_nothing() => AssertAllocatesNothing(Samples.Named, Utf8Probe, "Utf8Members");

    [Fact]
    public void Equality_members_allocate_nothing() => AssertAllocatesNothing(Samples.Equality, EqualityProbe, "Equality");

    private static void AssertAllocatesNothing(string layout, string probe, string method)
    {
        Func<int, long> run = GeneratorHarness.Load(layout, probe).GetType("Probe", throwOnError: true)!.GetMethod(method)!.CreateDelegate<Func<int, long>>();
        Assert.NotEqual(-1, run(1_000)); // warm-up (tier-0 code, first-use caches such as EqualityComparer<T>.Default); -1: wrong results
        Assert.Equal(0, run(20_000));
    }
}
