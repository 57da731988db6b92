using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace RingIpc;

/// <summary>Decodes what <see cref="CallWriter"/> encoded, in the same order, validating as it goes: it never reads
/// past its span, a bool must be 0 or 1, a string valid UTF-8, and <see cref="End"/> checks that nothing is left.
/// Every violation is a <see cref="CallProtocolException"/> naming what was read.</summary>
public ref struct CallReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _source;
    private int _position;

    /// <summary>A reader of <paramref name="source"/> from its start.</summary>
    public CallReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        _position = 0;
    }

    /// <summary>Reads a fixed-size value.</summary>
    /// <param name="what">What is read, for the error message.</param>
    public T Read<T>(string what)
        where T : unmanaged => Unsafe.ReadUnaligned<T>(ref Unsafe.AsRef(in _source[Take(Unsafe.SizeOf<T>(), what)]));

    /// <summary>Reads a bool, which must be 0 or 1.</summary>
    public bool ReadBool(string what)
    {
        byte value = _source[Take(1, what)];
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new CallProtocolException($"{what} is a bool stored as {value}; only 0 and 1 are valid."),
        };
    }

    /// <summary>Reads a length-prefixed run of bytes (a slice of the source: copy it if it must outlive the call).</summary>
    public ReadOnlySpan<byte> ReadBytes(string what)
    {
        int length = Read<int>(what);
        if (length < 0)
        {
            throw new CallProtocolException($"{what} has a negative length ({length}).");
        }

        return _source.Slice(Take(length, what), length);
    }

    /// <summary>Reads a length-prefixed UTF-8 string (−1: null), which must be valid UTF-8.</summary>
    public unsafe string? ReadString(string what)
    {
        int length = Read<int>(what);
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            throw new CallProtocolException($"{what} has a negative length ({length}).");
        }

        int start = Take(length, what);
        if (length == 0)
        {
            return string.Empty;
        }

        try
        {
            fixed (byte* bytes = &_source[start])
            {
                return Utf8.GetString(bytes, length);
            }
        }
        catch (DecoderFallbackException exception)
        {
            throw new CallProtocolException($"{what} is not valid UTF-8.", exception);
        }
    }

    /// <summary>Checks that every byte was read.</summary>
    public readonly void End()
    {
        if (_position != _source.Length)
        {
            throw new CallProtocolException($"A call's encoding has {_source.Length - _position} bytes left over after its last value ({_source.Length} in all).");
        }
    }

    private int Take(int length, string what)
    {
        if (length > _source.Length - _position)
        {
            throw new CallProtocolException(
                $"{what} needs {length} bytes at offset {_position}, but the encoding ends at {_source.Length}.");
        }

        int start = _position;
        _position += length;
        return start;
    }
}
