using System;

namespace RingIpc;

/// <summary>
/// A message read by <see cref="RingConsumer.TryRead"/>, in place in shared memory. Its payload stays
/// valid until the message is disposed, which releases its space to the producers.
/// </summary>
public readonly ref struct RingMessage
{
    private readonly RingConsumer? _consumer;
    private readonly long _position;

    internal RingMessage(RingConsumer consumer, long position, int messageType, ReadOnlySpan<byte> payload)
    {
        _consumer = consumer;
        _position = position;
        MessageType = messageType;
        Payload = payload;
    }

    /// <summary>The type id the producer wrote with the message.</summary>
    public int MessageType { get; }

    /// <summary>The message's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Releases the message's space. Calling it again does nothing.</summary>
    public void Dispose() => _consumer?.Release(_position);
}
