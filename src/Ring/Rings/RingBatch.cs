using System;
using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>
/// Room reserved in a ring by <see cref="RingProducer.TryBeginBatch"/> for many messages that the consumer sees
/// at once: write them with <see cref="TryWrite(ReadOnlySpan{byte}, int)"/> (or fill them in place with
/// <see cref="TryClaim"/>) until it says full, then <see cref="Commit"/> them all with one publication, or
/// <see cref="Abort"/> them all. Disposing an uncompleted batch aborts it. A batch is all or nothing: if its process
/// dies before the commit, the consumer drops the whole batch. Use it from the producer's thread; it can be completed
/// even after its producer was disposed.
/// </summary>
/// <remarks>The batch's state lives in its producer, so a copy of this value is the same batch: once it is
/// completed, every copy throws <see cref="InvalidOperationException"/> (and <see cref="Dispose"/> does nothing).</remarks>
public readonly ref struct RingBatch
{
    private readonly RingProducer? _producer;
    private readonly long _position;

    internal RingBatch(RingProducer producer, long position)
    {
        _producer = producer;
        _position = position;
    }

    /// <summary>How many messages the batch holds so far.</summary>
    /// <exception cref="InvalidOperationException">The batch was already committed or aborted.</exception>
    public int Count => Producer.BatchCount(_position);

    /// <summary>Copies <paramref name="message"/> into the batch as one record.</summary>
    /// <param name="message">The payload; may be empty.</param>
    /// <param name="messageType">A non-negative type id the consumer receives with the message.</param>
    /// <returns><c>false</c> if the batch has no room left for it; nothing was written then.</returns>
    /// <exception cref="ArgumentException">The message is longer than <see cref="RingProducer.MaxMessageLength"/>, or not
    /// the typed ring's message size.</exception>
    /// <exception cref="InvalidOperationException">The batch was already committed or aborted.</exception>
    [MethodImpl(HotPath.Optimized)]
    public unsafe bool TryWrite(ReadOnlySpan<byte> message, int messageType = 0)
    {
        byte* payload = Producer.AddToBatch(_position, message.Length, messageType, nameof(message));
        if (payload == null)
        {
            return false;
        }

        message.CopyTo(new Span<byte>(payload, message.Length));
        return true;
    }

    /// <summary>Writes <paramref name="message"/>'s bytes into the batch as one record of <c>sizeof(T)</c> bytes.</summary>
    /// <typeparam name="T">A fixed-size type without references.</typeparam>
    /// <inheritdoc cref="TryWrite(ReadOnlySpan{byte}, int)"/>
    [MethodImpl(HotPath.Optimized)]
    public unsafe bool TryWrite<T>(in T message, int messageType = 0)
        where T : unmanaged
    {
        byte* payload = Producer.AddToBatch(_position, sizeof(T), messageType, nameof(message));
        if (payload == null)
        {
            return false;
        }

        Unsafe.WriteUnaligned(payload, message);
        return true;
    }

    /// <summary>Adds a message of <paramref name="length"/> bytes to the batch, to be filled in place.</summary>
    /// <param name="length">The payload's length; may be 0.</param>
    /// <param name="payload">The message's bytes in shared memory, to fill before <see cref="Commit"/>; the span must
    /// not be used after the batch is completed.</param>
    /// <param name="messageType">A non-negative type id the consumer receives with the message.</param>
    /// <returns><c>false</c> if the batch has no room left for it.</returns>
    /// <exception cref="ArgumentException">The length is over <see cref="RingProducer.MaxMessageLength"/>, or not the
    /// typed ring's message size.</exception>
    /// <exception cref="InvalidOperationException">The batch was already committed or aborted.</exception>
    [MethodImpl(HotPath.Optimized)]
    public unsafe bool TryClaim(int length, out Span<byte> payload, int messageType = 0)
    {
        byte* bytes = Producer.AddToBatch(_position, length, messageType, nameof(length));
        payload = bytes == null ? default : new Span<byte>(bytes, length);
        return bytes != null;
    }

    /// <summary>Publishes every message of the batch to the consumer at once. A batch committed empty is released.</summary>
    /// <exception cref="InvalidOperationException">The batch was already committed or aborted, or it was revoked: the
    /// consumer judged its process dead and dropped it.</exception>
    public void Commit() => Producer.CompleteBatch(_position, commit: true, ifPending: false);

    /// <summary>Drops every message of the batch: the consumer sees none of them.</summary>
    /// <exception cref="InvalidOperationException">The batch was already committed or aborted.</exception>
    public void Abort() => Producer.CompleteBatch(_position, commit: false, ifPending: false);

    /// <summary>Aborts the batch unless it was committed or aborted (through this value or a copy of it).</summary>
    public void Dispose() => _producer?.CompleteBatch(_position, commit: false, ifPending: true);

    private RingProducer Producer => _producer ?? throw new InvalidOperationException("This batch was never begun.");
}
