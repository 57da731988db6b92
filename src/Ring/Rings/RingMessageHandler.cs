using System;

namespace RingIpc;

/// <summary>Receives one message of a batch read by <see cref="RingConsumer.Read(RingMessageHandler, int)"/>.</summary>
/// <param name="messageType">The type id the producer wrote with the message.</param>
/// <param name="payload">The message's bytes in shared memory; valid only during the call.</param>
public delegate void RingMessageHandler(int messageType, ReadOnlySpan<byte> payload);
