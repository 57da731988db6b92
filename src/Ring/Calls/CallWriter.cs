using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace RingIpc;

/// <summary>Encodes a call's arguments or result, in order, into a span sized beforehand with the
/// <c>SizeOf</c> methods. Generated proxies and dispatchers use it; the encoding is the same in 32- and 64-bit
/// processes: fixed-size values as their little-endian bytes (a <c>[SharedLayout]</c> struct as its shared
/// layout), a <see cref="bool"/> as one byte 0 or 1, bytes and strings as a 4-byte length (−1 for a null
/// string) and the bytes (UTF-8 for a string).</summary>
public ref struct CallWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Span<byte> _destination;
    private int _position;

    /// <summary>A writer that fills <paramref name="destination"/> from its start.</summary>
    public CallWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
    }

    /// <summary>How many bytes were written.</summary>
    public readonly int Written => _position;

    /// <summary>The encoded size of a fixed-size value.</summary>
    public static unsafe int SizeOf<T>()
        where T : unmanaged => sizeof(T);

    /// <summary>The encoded size of <paramref name="length"/> bytes.</summary>
    public static int SizeOfBytes(int length) => checked(sizeof(int) + length);

    /// <summary>The encoded size of a string.</summary>
    /// <exception cref="ArgumentException">The string is not valid UTF-16 (a lone surrogate).</exception>
    public static int SizeOfString(string? value) => value is null ? sizeof(int) : checked(sizeof(int) + Utf8Length(value));

    /// <summary>Writes a fixed-size value (a primitive, an enum or a <c>[SharedLayout]</c> struct).</summary>
    public void Write<T>(in T value)
        where T : unmanaged
    {
        Unsafe.WriteUnaligned(ref Next(Unsafe.SizeOf<T>()), value);
    }

    /// <summary>Writes a bool as one byte, 0 or 1.</summary>
    public void WriteBool(bool value) => Next(1) = value ? (byte)1 : (byte)0;

    /// <summary>Writes a length-prefixed run of bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Write(value.Length);
        value.CopyTo(_destination.Slice(Reserve(value.Length), value.Length));
    }

    /// <summary>Writes bytes as they are, with no length (bytes another writer encoded).</summary>
    internal void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(_destination.Slice(Reserve(value.Length), value.Length));

    /// <summary>Writes a length-prefixed UTF-8 string (length −1 for null).</summary>
    public unsafe void WriteString(string? value)
    {
        if (value is null)
        {
            Write(-1);
            return;
        }

        int length = Utf8Length(value);
        Write(length);
        int start = Reserve(length);
        if (length == 0)
        {
            return;
        }

        fixed (char* chars = value)
        fixed (byte* bytes = &_destination[start])
        {
            Utf8.GetBytes(chars, value.Length, bytes, length);
        }
    }

    private static int Utf8Length(string value)
    {
        try
        {
            return Utf8.GetByteCount(value);
        }
        catch (EncoderFallbackException exception)
        {
            throw new ArgumentException("A string sent in a call must be valid UTF-16 (it has a lone surrogate).", nameof(value), exception);
        }
    }

    private ref byte Next(int length) => ref _destination[Reserve(length)];

    private int Reserve(int length)
    {
        if (length > _destination.Length - _position)
        {
            throw new InvalidOperationException(
                $"A call's encoding overran its size: {length} more bytes at {_position} of {_destination.Length} (the size computed beforehand is wrong).");
        }

        int start = _position;
        _position += length;
        return start;
    }
}
