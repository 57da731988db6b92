using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>Writes and reads the frames of <see cref="CallFrames"/>: a fixed header, then a body encoded by a
/// <see cref="CallArgsWriter{TArgs}"/>. A frame goes into the ring in place when there is room (one copy, no
/// allocation), else through a pooled buffer and a blocking write.</summary>
internal static class CallFrameIo
{
    /// <summary>The longest body a frame with header <typeparamref name="THeader"/> may carry on <paramref name="producer"/>'s ring.</summary>
    public static int MaxBody<THeader>(RingProducer producer)
        where THeader : unmanaged => MaxBody<THeader>(producer.MaxMessageLength);

    /// <summary>The longest body a frame with header <typeparamref name="THeader"/> may carry in a ring whose
    /// longest message is <paramref name="maxMessageLength"/>.</summary>
    public static int MaxBody<THeader>(int maxMessageLength)
        where THeader : unmanaged => maxMessageLength - Unsafe.SizeOf<THeader>();

    /// <summary>Writes one frame, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <exception cref="ArgumentException">The frame is longer than the ring takes.</exception>
    /// <exception cref="TimeoutException">No room came in time; nothing was written.</exception>
    public static void Send<THeader, TBody>(
        RingProducer producer, CallFrameKind kind, in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody,
        TimeSpan timeout, CancellationToken cancellationToken)
        where THeader : unmanaged
    {
        if (TrySend(producer, kind, header, bodyLength, body, writeBody))
        {
            return;
        }

        byte[] buffer = EncodeRented(header, bodyLength, body, writeBody, out int length);
        try
        {
            producer.Write(buffer.AsSpan(0, length), (int)kind, timeout, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Encodes one frame into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it).</summary>
    public static byte[] EncodeRented<THeader, TBody>(in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody, out int length)
        where THeader : unmanaged
    {
        length = checked(Unsafe.SizeOf<THeader>() + bodyLength);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encode(buffer.AsSpan(0, length), header, bodyLength, body, writeBody);
            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Writes one frame in place, if there is room now.</summary>
    /// <exception cref="ArgumentException">The frame is longer than the ring takes.</exception>
    public static bool TrySend<THeader, TBody>(RingProducer producer, CallFrameKind kind, in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody)
        where THeader : unmanaged
    {
        if (!producer.TryClaim(checked(Unsafe.SizeOf<THeader>() + bodyLength), out RingClaim claim, (int)kind))
        {
            return false;
        }

        using (claim)
        {
            Encode(claim.Span, header, bodyLength, body, writeBody);
            claim.Commit();
        }

        return true;
    }

    /// <summary>Writes a frame with no body, if there is room now.</summary>
    public static bool TrySend<THeader>(RingProducer producer, CallFrameKind kind, in THeader header)
        where THeader : unmanaged => producer.TryWrite(header, (int)kind);

    /// <summary>Splits a frame into its header and body.</summary>
    /// <exception cref="CallProtocolException">The frame is shorter than its header.</exception>
    public static THeader Read<THeader>(ReadOnlySpan<byte> frame, CallFrameKind kind, out ReadOnlySpan<byte> body)
        where THeader : unmanaged
    {
        int size = Unsafe.SizeOf<THeader>();
        if (frame.Length < size)
        {
            throw new CallProtocolException($"A {kind} frame of {frame.Length} bytes is shorter than its {size}-byte header.");
        }

        body = frame.Slice(size);
        return Unsafe.ReadUnaligned<THeader>(ref Unsafe.AsRef(in frame[0]));
    }

    /// <summary>The body of a fault: the exception's type and message.</summary>
    public static int FaultLength(in (string Type, string Message) fault) =>
        CallWriter.SizeOfString(fault.Type) + CallWriter.SizeOfString(fault.Message);

    /// <summary>Writes a fault's body.</summary>
    public static readonly CallArgsWriter<(string Type, string Message)> WriteFault = static (ref CallWriter writer, in (string Type, string Message) fault) =>
    {
        writer.WriteString(fault.Type);
        writer.WriteString(fault.Message);
    };

    /// <summary>Writes a string body (a contract name).</summary>
    public static readonly CallArgsWriter<string> WriteName = static (ref CallWriter writer, in string name) => writer.WriteString(name);

    /// <summary>Writes no body.</summary>
    public static readonly CallArgsWriter<byte> WriteNothing = static (ref CallWriter writer, in byte nothing) => { };

    private static void Encode<THeader, TBody>(Span<byte> destination, in THeader header, int bodyLength, in TBody body, CallArgsWriter<TBody> writeBody)
        where THeader : unmanaged
    {
        var writer = new CallWriter(destination);
        writer.Write(header);
        writeBody(ref writer, body);
        if (writer.Written != destination.Length)
        {
            throw new InvalidOperationException(
                $"A call's encoding wrote {writer.Written - Unsafe.SizeOf<THeader>()} bytes where {bodyLength} were computed beforehand.");
        }
    }
}
