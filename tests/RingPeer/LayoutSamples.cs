using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RingIpc.Peer;

/// <summary>The acceptance struct of DESIGN.md §1, as a shared layout.</summary>
[SharedLayout]
public partial struct Acceptance
{
    public partial int A { get; set; }

    public partial long B { get; set; }

    public partial double C { get; set; }

    public partial byte D { get; set; }
}

/// <summary>The same fields laid out by the runtime's ABI: the control that differs between bitnesses.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PlainAcceptance
{
    public int A;
    public long B;
    public double C;
    public byte D;
}

public enum Wide : long { Low = long.MinValue }

public enum Narrow : byte { High = 255 }

/// <summary>Nested layouts, an inline string and array, enums of two widths, a handle, decimal and Guid.</summary>
[SharedLayout]
public partial struct Mixed
{
    public partial byte Tag { get; set; }

    public partial Acceptance Inner { get; set; }

    public partial Narrow Small { get; set; }

    public partial Wide Large { get; set; }

    [FixedString(10)]
    public partial string Name { get; set; }

    [FixedArray(3)]
    public partial short[] Values { get; set; }

    public partial SharedHandle Handle { get; set; }

    public partial decimal Amount { get; set; }

    public partial Guid Id { get; set; }

    public partial bool Flag { get; set; }

    public partial char Letter { get; set; }
}

/// <summary>Prints each sample's runtime size and byte image after filling it with fixed values, so that a
/// 32-bit and a 64-bit process can be compared byte for byte.</summary>
public static class LayoutSamples
{
    public static int Print()
    {
        var acceptance = new Acceptance { A = 0x11223344, B = 0x0102030405060708, C = 1.5, D = 0xAB };
        var plain = new PlainAcceptance { A = 0x11223344, B = 0x0102030405060708, C = 1.5, D = 0xAB };
        var mixed = new Mixed
        {
            Tag = 7,
            Inner = acceptance,
            Small = Narrow.High,
            Large = Wide.Low,
            Name = "héllo",
            Values = new short[] { -1, 2, 3 },
            Handle = (SharedHandle)new IntPtr(-1),
            Amount = 12345.678m,
            Id = new Guid("00112233-4455-6677-8899-aabbccddeeff"),
            Flag = true,
            Letter = 'Ω',
        };
        Console.WriteLine(Describe("Acceptance", acceptance));
        Console.WriteLine(Describe("Mixed", mixed));
        Console.WriteLine(Describe("PlainAcceptance", plain));
        return 0;
    }

    private static string Describe<T>(string name, T value)
        where T : unmanaged
    {
        byte[] image = new byte[Unsafe.SizeOf<T>()];
        Unsafe.WriteUnaligned(ref image[0], value);
        var hex = new StringBuilder();
        foreach (byte b in image)
        {
            hex.Append(b.ToString("x2"));
        }

        return $"{name} size={image.Length} bytes={hex}";
    }
}
