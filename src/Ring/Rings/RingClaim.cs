using System;
using RingIpc.Rings;

namespace RingIpc;

/// <summary>
/// Space reserved in a ring by <see cref="RingProducer.TryClaim"/>: fill <see cref="Span"/>, then
/// <see cref="Commit"/> to publish the message or <see cref="Abort"/> to drop it. Disposing an
/// uncompleted claim aborts it, so <c>using</c> never leaves a record half-written.
/// </summary>
public ref struct RingClaim
{
    private readonly RingProducer? _producer;
    private readonly int _index;
    private readonly int _messageType;
    private bool _completed;

    internal RingClaim(RingProducer producer, Span<byte> span, int index, int messageType)
    {
        _producer = producer;
        Span = span;
        _index = index;
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

    /// <summary>Aborts the claim unless it was committed or aborted.</summary>
    public void Dispose()
    {
        if (!_completed && _producer is not null)
        {
            Abort();
        }
    }

    private void Complete(int recordType)
    {
        if (_completed || _producer is null)
        {
            throw new InvalidOperationException("This claim was already committed or aborted.");
        }

        _producer.Complete(_index, Span.Length, recordType);
        _completed = true;
    }
}
