using System;
using System.Threading;
using System.Threading.Tasks;
using RingIpc.Signaling;

namespace RingIpc;

/// <summary>The asynchronous waits of <see cref="RingConsumer"/> (not an unsafe context: it awaits).</summary>
public sealed partial class RingConsumer
{
    /// <summary>Completes when a message is ready to read, without blocking a thread: one background thread
    /// waits for every consumer of the process. Completes synchronously, allocating nothing, if a message is ready.</summary>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <returns><c>true</c> when a message is ready.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The consumer or its ring was disposed before data came.</exception>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfMessagePending();
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<bool>(Task.FromCanceled<bool>(cancellationToken));
        }

        return HasMessage()
            ? new ValueTask<bool>(true)
            : new ValueTask<bool>(AsyncDataWaiter.Instance.WaitAsync(this, _ring, cancellationToken));
    }

    /// <summary>Waits without blocking a thread until data is ready, then reads like <see cref="Read(RingMessageHandler, int)"/>.</summary>
    /// <returns>How many messages were handled (at least 1).</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async ValueTask<int> ReadAsync(RingMessageHandler handler, int maxMessages = int.MaxValue, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int count = Read(handler, maxMessages);
            if (count > 0)
            {
                return count;
            }

            await WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
