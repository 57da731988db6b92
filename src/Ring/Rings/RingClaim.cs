using System;

namespace RingIpc;

/// <summary>
/// Space reserved in a ring by <see cref="RingProducer.TryClaim"/>: fill <see cref="Span"/>, then
/// <see cref="Commit"/> to publish the message or <see cref="Abort"/> to drop it. Disposing an
/// uncompleted claim aborts it, so <c>using</c> never leaves a record half-written. A claim can be
/// completed even after its producer was disposed.
/// </summary>
public ref struct RingClaim
{
    private readonly RingProducer? _producer;
    private readonly long _position;
    private readonly int _messageType;
    private bool _completed;

    internal RingClaim(RingProducer producer, Span<byte> span, long position, int messageType)
    {
        _producer = producer;
        Span = span;
        _position = position;
        _messageType = messageType;
        _completed = false;
    }

    /// <summary>The message's bytes, in shared memory, to fill before <see cref="Commit"/>.</summary>
    public Span<byte> Span { get; }

    /// <summary>Publishes the message to the consumer.</summary>
    /// <exception cref="InvalidOperationException">The claim was already committed or aborted.</exception>
    public void Commit() => Complete(_messageType);

    /// <summary>Drops the message: the consumer never sees it.</summary>
    /// <exception cref="InvalidOperationException">The claim was already committed or aborted.</exception>
    public void Abort() => Complete(RecordLayout.PaddingType);

    /// <summary>Aborts the claim unless it was committed or aborted (through this value or a copy of it).</summary>
    public void Dispose()
    {
        if (!_completed && _producer is not null)
        {
            _producer.Complete(_position, Span.Length, RecordLayout.PaddingType, ifPending: true);
            _completed = true;
        }
    }

    private void Complete(int recordType)
    {
        if (_completed || _producer is null)
        {
            throw new InvalidOperationException("This claim was already committed or aborted.");
        }

        _producer.Complete(_position, Span.Length, recordType, ifPending: false);
        _completed = true;
    }
}
