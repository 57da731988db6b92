using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>The asynchronous waits of <see cref="RingProducer"/> (not an unsafe context: it awaits).</summary>
public sealed partial class RingProducer
{
    /// <summary>Completes when the ring has room for a message of <paramref name="messageLength"/> bytes, without
    /// blocking a thread: one background thread waits for every endpoint of the process. Completes synchronously,
    /// allocating nothing, if there is room now. On an MPSC ring the room is a hint: another producer may take it
    /// first (<see cref="WriteAsync"/> then waits again). Use the producer from one flow at a time, as always: do not
    /// write from another thread while this waits.</summary>
    /// <param name="messageLength">The payload's length, 0 to <see cref="MaxMessageLength"/>.</param>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The producer or its ring was disposed before room came.</exception>
    /// <exception cref="RingFormatException">The ring's positions are impossible (a corrupt or hostile peer).</exception>
    public ValueTask WaitToWriteAsync(int messageLength, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if ((uint)messageLength > (uint)MaxMessageLength)
        {
            throw new ArgumentException(
                $"A message of {messageLength} bytes does not fit: this ring takes 0 to {MaxMessageLength} bytes (capacity / 8 - 8).",
                nameof(messageLength));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask(Task.FromCanceled(cancellationToken));
        }

        int recordLength = Align(RecordLayout.HeaderLength + messageLength);
        using (EndpointLifetime.Call call = _lifetime.Enter())
        {
            if (HasRoomNow(recordLength))
            {
                return default;
            }

            if (!_ring.Section.TryAddReference())
            {
                throw _lifetime.ObjectDisposed();
            }
        }

        try
        {
            return new ValueTask(AsyncRingWaiter.Instance.WaitAsync(new SpaceWaitAsync(this, recordLength, cancellationToken)));
        }
        catch
        {
            _ring.Section.ReleaseReference();
            throw;
        }
    }

    /// <summary>Writes <paramref name="message"/> with type <paramref name="messageType"/>, waiting without blocking a
    /// thread while the ring is full (<see cref="WaitToWriteAsync"/>). Completes synchronously if there is room.</summary>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; nothing was written.</exception>
    /// <exception cref="ObjectDisposedException">The producer or its ring was disposed, also while this waited.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> message, int messageType = 0, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryWrite(message.Span, messageType))
            {
                return;
            }

            await WaitToWriteAsync(message.Length, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A <see cref="WaitToWriteAsync"/> on the waiter thread: for room for one record, on this producer's
    /// "space" side. It reads the positions only (<see cref="HasRoomSeenFromWaiter"/>).</summary>
    private sealed class SpaceWaitAsync(RingProducer producer, int recordLength, CancellationToken cancellationToken)
        : AsyncWait(producer._ring, cancellationToken)
    {
        public override WaitSide Side => producer._spaceSide;

        public override WaitStrategy Strategy => producer.WaitStrategy;

        public override WaitCounters Counters => producer.Waits;

        protected override bool IsDisposed => producer.IsDisposed;

        protected override ObjectDisposedException Disposed() =>
            new(nameof(RingProducer), "The producer or its ring was disposed while a write waited for room.");

        protected override bool IsReady() => producer.HasRoomSeenFromWaiter(recordLength);
    }
}
