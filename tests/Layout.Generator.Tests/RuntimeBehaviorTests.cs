using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>What the generated members do at run time: values reach the canonical bytes and come back.</summary>
public sealed class RuntimeBehaviorTests
{
    private static readonly Lazy<Type> Named = new(() => GeneratorHarness.Load(Samples.Named).GetType("Samples.Named", throwOnError: true)!);

    [Fact]
    public void Values_round_trip_through_raw_bytes_at_the_canonical_offsets()
    {
        object value = Activator.CreateInstance(Named.Value)!;
        var key = Guid.NewGuid();
        decimal price = -1234.5678m;
        Set(value, "Kind", (byte)7);
        Set(value, "Name", "héllo");
        Set(value, "Id", -5);
        Set(value, "Initial", 'Ω');
        Set(value, "Key", key);
        Set(value, "Price", price);
        Set(value, "Handle", SharedHandle.Invalid);
        Set(value, "Ratio", 0.25f);
        Set(value, "Ports", new ushort[] { 1, 2, 65535 });

        byte[] bytes = RawBytes.Of(value);
        Assert.Equal(72, bytes.Length);
        Assert.Equal(7, bytes[0]);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo").Concat(new byte[7]), bytes.Skip(1).Take(13));
        Assert.Equal(-5, BitConverter.ToInt32(bytes, 16));
        Assert.Equal('Ω', BitConverter.ToChar(bytes, 20));
        Assert.Equal(key.ToByteArray(), bytes.Skip(24).Take(16));
        int[] bits = decimal.GetBits(price); // lo, mid, hi, flags; stored flags, hi, lo, mid
        Assert.Equal(new[] { bits[3], bits[2], bits[0], bits[1] }, Enumerable.Range(0, 4).Select(i => BitConverter.ToInt32(bytes, 40 + (4 * i))));
        Assert.Equal(-1, BitConverter.ToInt32(bytes, 56));
        Assert.Equal(0.25f, BitConverter.ToSingle(bytes, 60));
        Assert.Equal(new ushort[] { 1, 2, 65535 }, Enumerable.Range(0, 3).Select(i => BitConverter.ToUInt16(bytes, 64 + (2 * i))));

        object back = RawBytes.To(Named.Value, bytes);
        Assert.Equal("héllo", Get(back, "Name"));
        Assert.Equal(key, Get(back, "Key"));
        Assert.Equal(price, Get(back, "Price"));
        Assert.Equal(SharedHandle.Invalid, Get(back, "Handle"));
        Assert.Equal(new ushort[] { 1, 2, 65535 }, Get(back, "Ports"));
    }

    [Fact]
    public void Bool_is_one_byte_and_any_non_zero_byte_reads_true()
    {
        Type outer = GeneratorHarness.Load(Samples.Nested).GetType("Samples.Outer")!;
        object value = Activator.CreateInstance(outer)!;
        Set(value, "Done", true);
        byte[] bytes = RawBytes.Of(value);
        Assert.Equal(1, bytes[24]);
        bytes[24] = 0x80;
        Assert.Equal(true, Get(RawBytes.To(outer, bytes), "Done"));
        bytes[24] = 0;
        Assert.Equal(false, Get(RawBytes.To(outer, bytes), "Done"));
    }

    [Fact]
    public void Bool_array_elements_read_any_non_zero_byte_as_true()
    {
        const string source = GeneratorHarness.Usings + """
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;

            [SharedLayout]
            public partial struct Flags
            {
                public partial bool One { get; set; }
                [FixedArray(4)] public partial bool[] Many { get; set; }
            }

            public static class Probe
            {
                /// <summary>Bytes as a peer may write them; what the getter, Copy…To and the span give; what the setters store.</summary>
                public static string Run()
                {
                    var peer = new Flags();
                    Span<byte> raw = MemoryMarshal.CreateSpan(ref Unsafe.As<Flags, byte>(ref peer), Flags.Size);
                    raw[0] = 2;
                    raw[1] = 2;
                    raw[2] = 0;
                    raw[3] = 0x80;
                    raw[4] = 1;
                    bool[] read = peer.Many;
                    Span<bool> copied = stackalloc bool[4];
                    peer.CopyManyTo(copied);
                    var span = peer.ManySpan;
                    var set = new Flags { One = true, Many = [true, false, true] };
                    var other = new Flags();
                    other.SetMany([false, true]);
                    return string.Join(" ",
                        Hex(MemoryMarshal.AsBytes(read.AsSpan())),
                        Hex(MemoryMarshal.AsBytes(copied)),
                        Hex(MemoryMarshal.AsBytes(span)),
                        read[0] && read[2] && read[0] == read[2] && peer.One == set.One,
                        Hex(MemoryMarshal.CreateSpan(ref Unsafe.As<Flags, byte>(ref set), Flags.Size)),
                        Hex(MemoryMarshal.CreateSpan(ref Unsafe.As<Flags, byte>(ref other), Flags.Size)));
                }

                private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
            }
            """;
        Assembly assembly = GeneratorHarness.Load(source);
        Assert.Equal("01000101 01000101 02008001 True 0101000100 0000010000", assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
        // The span is the storage as stored (a peer's 0x80 stays 0x80), so it is typed as bytes: a Span<bool> would hand out non-0/1 bools.
        Assert.Equal(typeof(Span<byte>), assembly.GetType("Flags")!.GetProperty("ManySpan")!.PropertyType);
        Assert.Throws<ArgumentException>(() => Set(Activator.CreateInstance(assembly.GetType("Flags")!)!, "Many", new bool[5]));
    }

    [Fact]
    public void Inline_string_setter_validates_length_and_clears_the_tail()
    {
        object value = Activator.CreateInstance(Named.Value)!;
        Set(value, "Name", "thirteen-byte");
        Assert.Equal("thirteen-byte", Get(value, "Name"));
        Set(value, "Name", "ab");
        Assert.Equal(Encoding.ASCII.GetBytes("ab").Concat(new byte[11]), RawBytes.Of(value).Skip(1).Take(13));

        ArgumentException tooLong = Assert.Throws<ArgumentException>(() => Set(value, "Name", "ééééééé")); // 14 bytes
        Assert.Contains("Name holds at most 13 UTF-8 bytes", tooLong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Set(value, "Name", "a\0b"));
        Assert.Equal("ab", Get(value, "Name"));
    }

    [Fact]
    public void Span_accessors_read_and_write_in_place()
    {
        const string probe = GeneratorHarness.Usings + """
            public static class Probe
            {
                public static string Run()
                {
                    var n = new Samples.Named();
                    n.SetNameUtf8("abc"u8);
                    n.NameUtf8[3] = (byte)'d';                 // in place: the span is the storage
                    Span<byte> utf8 = stackalloc byte[13];
                    int length = n.CopyNameUtf8To(utf8);
                    n.SetPorts([9]);
                    n.PortsSpan[2] = 7;
                    Span<ushort> ports = stackalloc ushort[3];
                    n.CopyPortsTo(ports);
                    return $"{n.Name}|{length}|{string.Join(",", ports.ToArray())}|{n.NameUtf8.Length}|{n.PortsSpan.Length}";
                }
            }
            """;
        Type type = GeneratorHarness.Load(Samples.Named, probe).GetType("Probe")!;
        Assert.Equal("abcd|4|9,0,7|13|3", type.GetMethod("Run")!.Invoke(null, null));

        object value = Activator.CreateInstance(Named.Value)!;
        Set(value, "Ports", new ushort[] { 9 });
        Assert.Equal(new ushort[] { 9, 0, 0 }, Get(value, "Ports"));
        ArgumentException tooLong = Assert.Throws<ArgumentException>(() => Set(value, "Ports", new ushort[4]));
        Assert.Contains("Ports holds at most 3 elements", tooLong.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void SharedHandle_keeps_the_low_32_bits_and_sign_extends(int raw)
    {
        var handle = new SharedHandle(raw);
        IntPtr widened = handle;
        Assert.Equal((nint)raw, widened);
        Assert.Equal(handle, SharedHandle.FromIntPtr(widened));
        Assert.Equal(raw, ((SharedHandle)widened).Value);
    }

    [Fact]
    public void SharedHandle_truncates_a_64_bit_value_and_survives_invalid_handle_value()
    {
        Assert.Equal(4, SharedHandle.FromIntPtr(unchecked((nint)0x1_0000_0004L)).Value);
        Assert.Equal(new IntPtr(-1), SharedHandle.FromIntPtr(new IntPtr(-1)).ToIntPtr());
        Assert.Equal(4, Unsafe.SizeOf<SharedHandle>());
        Assert.Equal("0xFFFFFFFF", SharedHandle.Invalid.ToString());
    }

    internal static void Set(object box, string property, object value) =>
        box.GetType().GetProperty(property)!.SetValue(box, value, BindingFlags.DoNotWrapExceptions, null, null, null);

    internal static object? Get(object box, string property) => box.GetType().GetProperty(property)!.GetValue(box);
}

/// <summary>A boxed struct's bytes, as they would sit in shared memory.</summary>
internal static class RawBytes
{
    public static byte[] Of(object box) =>
        (byte[])typeof(RawBytes).GetMethod(nameof(OfStruct), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(box.GetType()).Invoke(null, [box])!;

    public static object To(Type type, byte[] bytes) =>
        typeof(RawBytes).GetMethod(nameof(ToStruct), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, [bytes])!;

    private static byte[] OfStruct<T>(object box)
        where T : struct
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        Unsafe.WriteUnaligned(ref bytes[0], (T)box);
        return bytes;
    }

    /// <summary>Overwrites the boxed struct in place with <paramref name="bytes"/>.</summary>
    public static void Into(object box, byte[] bytes) =>
        typeof(RawBytes).GetMethod(nameof(IntoStruct), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(box.GetType()).Invoke(null, [box, bytes]);

    private static object ToStruct<T>(byte[] bytes)
        where T : struct => Unsafe.ReadUnaligned<T>(ref bytes[0]);

    private static void IntoStruct<T>(object box, byte[] bytes)
        where T : struct => Unsafe.Unbox<T>(box) = Unsafe.ReadUnaligned<T>(ref bytes[0]);
}
