using System;
using System.Buffers;

namespace RingIpc;

/// <summary>Where a dispatcher writes a call's result: <see cref="Begin"/> hands out a <see cref="CallWriter"/>
/// over exactly that many bytes, from a pooled buffer the server sends and reuses. One per call in flight.</summary>
public sealed class CallReplyWriter
{
    private byte[] _buffer = Array.Empty<byte>();

    internal CallReplyWriter()
    {
    }

    /// <summary>The result's length (0 until <see cref="Begin"/>).</summary>
    internal int Length { get; private set; }

    internal ReadOnlySpan<byte> Result => _buffer.AsSpan(0, Length);

    /// <summary>Starts the result: a writer over <paramref name="length"/> bytes (sized with the
    /// <see cref="CallWriter"/>'s <c>SizeOf</c> methods), which the caller fills completely.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative.</exception>
    public CallWriter Begin(int length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A result's length must not be negative.");
        }

        if (_buffer.Length < length)
        {
            Return();
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }

        Length = length;
        return new CallWriter(_buffer.AsSpan(0, length));
    }

    /// <summary>Forgets the result, keeping the buffer for the next call.</summary>
    internal void Reset() => Length = 0;

    /// <summary>Gives the buffer back to the pool.</summary>
    internal void Return()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
        }

        Length = 0;
    }
}
