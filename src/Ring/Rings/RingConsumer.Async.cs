using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>The asynchronous waits of <see cref="RingConsumer"/> (not an unsafe context: it awaits).</summary>
public sealed partial class RingConsumer
{
    /// <summary>Set while a <see cref="WaitToReadAsync"/> waits on the background thread; the consumer refuses other
    /// reads and waits meanwhile.</summary>
    private bool _asyncWaitPending;

    /// <summary>Completes when a message is ready to read, without blocking a thread: one background thread
    /// waits for every consumer of the process. Completes synchronously, allocating nothing, if a message is ready.
    /// Padding it steps over is released to the producers.</summary>
    /// <param name="cancellationToken">Cancels the wait; the ring stays usable.</param>
    /// <returns><c>true</c> when a message is ready.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The consumer or its ring was disposed before data came.</exception>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfBusy();
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<bool>(Task.FromCanceled<bool>(cancellationToken));
        }

        return HasMessageInCall() ? new ValueTask<bool>(true) : new ValueTask<bool>(WaitOnBackgroundThreadAsync(cancellationToken));
    }

    /// <summary>Waits without blocking a thread until data is ready, then reads like <see cref="Read(RingMessageHandler, int)"/>.</summary>
    /// <returns>How many messages were handled (at least 1).</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled (checked first: nothing is consumed then).</exception>
    public async ValueTask<int> ReadAsync(RingMessageHandler handler, int maxMessages = int.MaxValue, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Read(handler, maxMessages);
            if (count > 0)
            {
                return count;
            }

            await WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a message waits at the head; if none does, releases what was read (an async wait may last).</summary>
    private bool HasMessageInCall()
    {
        using EndpointLifetime.Call call = _lifetime.Enter();
        if (HasMessage())
        {
            return true;
        }

        ReleaseConsumed(); // before the waiter registers: its walk's limit is one lap from the released head
        return false;
    }

    /// <summary>Registers with the background waiter until the head holds a record (a message, or padding to
    /// release here, on the caller's flow: the waiter itself never moves the head), then checks again.</summary>
    private async Task<bool> WaitOnBackgroundThreadAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _asyncWaitPending, true);
        try
        {
            while (true)
            {
                BeginAsyncRoleHold();
                Task registered;
                try
                {
                    ThrowIfDisposed(); // disposed during the call above: register nothing, give the role up here
                    registered = AsyncRingWaiter.Instance.WaitAsync(new DataWaitAsync(this, cancellationToken));
                }
                catch
                {
                    EndAsyncRoleHold();
                    _ring.Section.ReleaseReference();
                    throw;
                }

                await registered.ConfigureAwait(false);
                Volatile.Write(ref _asyncWaitPending, false);
                if (HasMessageInCall())
                {
                    return true;
                }

                Volatile.Write(ref _asyncWaitPending, true);
            }
        }
        finally
        {
            Volatile.Write(ref _asyncWaitPending, false);
        }
    }

    /// <summary>A <see cref="WaitToReadAsync"/> on the waiter thread: for a record at the consumer's own head (a
    /// message, or padding to release on the consumer's flow), recovering from dead producers before each sleep.</summary>
    private sealed class DataWaitAsync(RingConsumer consumer, CancellationToken cancellationToken) : AsyncWait(consumer._ring, cancellationToken)
    {
        /// <summary>The consumer's own head: it cannot move while the wait is pending (the shared copy could be
        /// changed by a hostile peer).</summary>
        private readonly long _head = consumer.OwnHead;

        public override WaitSide Side => consumer._ring.Signals.Data;

        public override WaitStrategy Strategy => consumer.WaitStrategy;

        public override WaitCounters Counters => consumer.Waits;

        protected override bool IsDisposed => consumer.IsDisposed;

        protected override ObjectDisposedException Disposed() =>
            new(nameof(RingConsumer), "The consumer or its ring was disposed while a read waited.");

        protected override bool IsReady()
        {
            RecordCursor records = consumer._ring.Records;
            Record record = records.Next(_head, _head + records.Capacity);
            return record.Position != _head || record.State == RecordState.Message;
        }

        protected override void Recover() => HeadRecovery.Run(consumer._ring, _head, _head); // released: see HasMessageInCall

        /// <summary>The sleep that announced on this ring has withdrawn; before the completion, whose continuation
        /// may register the next wait.</summary>
        protected override void Release() => consumer.EndAsyncRoleHold();
    }
}
