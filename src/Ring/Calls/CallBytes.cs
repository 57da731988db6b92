using System;
using System.Buffers;
using System.Threading;

namespace RingIpc;

/// <summary>A variable-length byte result of a call: a lease on a pooled buffer. The caller reads
/// <see cref="Memory"/> and disposes the lease, which returns the buffer to the pool (reading it afterwards is a
/// bug: the bytes may belong to another call by then). A server's implementation returns one made with
/// <see cref="Rent"/> or <see cref="CopyOf"/>; the dispatcher disposes it once the bytes are sent.</summary>
public sealed class CallBytes : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    private CallBytes(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The bytes.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public Memory<byte> Memory => new(_buffer ?? throw new ObjectDisposedException(nameof(CallBytes)), 0, _length);

    /// <summary>How many bytes the result holds.</summary>
    public int Length => _length;

    /// <summary>A lease on <paramref name="length"/> bytes from the pool, to be filled through <see cref="Memory"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative.</exception>
    public static CallBytes Rent(int length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A length must not be negative.");
        }

        return new CallBytes(length == 0 ? Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(length), length);
    }

    /// <summary>A lease holding a copy of <paramref name="bytes"/>.</summary>
    public static CallBytes CopyOf(ReadOnlySpan<byte> bytes)
    {
        CallBytes lease = Rent(bytes.Length);
        bytes.CopyTo(lease._buffer);
        return lease;
    }

    /// <summary>Returns the buffer to the pool; later calls do nothing.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
