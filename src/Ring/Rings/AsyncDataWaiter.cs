using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>
/// Waits for data on behalf of every consumer in this process that awaits <c>WaitToReadAsync</c>, on one
/// dedicated background thread, so no thread is blocked per ring.
/// </summary>
/// <remarks>
/// <para>For each pending wait the thread runs the consumer's half of the eventcount handshake through the one
/// sleep path (<see cref="RingSleep.Sleep"/>): announce on every ring, re-check every ring, sleep on all of them at
/// once (<see cref="MultiWait"/>: <c>futex_waitv</c> on Linux 5.16+, with a private wake word that registrations,
/// cancellations and disposals advance), withdraw every announcement.</para>
/// <para>The thread only reads a ring (from the consumer's own head, which cannot move while its wait is pending;
/// never from the shared copy a hostile peer could change), announces on it, and revokes claims of dead
/// producers; it never moves the head, which is the consumer's own. A wait completes when the head holds a
/// record — a message, or padding that the consumer's own flow then releases — and only after the thread has
/// withdrawn its announcements, so a consumer that goes on to wait synchronously never shares the waiting flag
/// with it. A registration keeps its ring's mapping alive, so disposing the ring meanwhile is safe.</para>
/// </remarks>
internal sealed class AsyncDataWaiter
{
    private static readonly Lazy<AsyncDataWaiter> Shared = new(() => new AsyncDataWaiter());

    private readonly object _gate = new();
    private readonly List<Registration> _pending = new();
    private readonly MultiWait _multiWait = new();

    private AsyncDataWaiter()
    {
        new Thread(Run) { IsBackground = true, Name = "RingIpc async waiter" }.Start();
    }

    public static AsyncDataWaiter Instance => Shared.Value;

    /// <summary>Wakes the thread, if it exists, to re-check its registrations (a consumer was disposed).</summary>
    public static void NotifyIfRunning()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value._multiWait.Poke();
        }
    }

    /// <summary>Completes once the head of <paramref name="consumer"/>'s ring holds a record; cancelled with the
    /// token; faulted with <see cref="ObjectDisposedException"/> if the consumer or its ring is disposed first, or
    /// with <see cref="RingFormatException"/> if the ring is corrupt.</summary>
    /// <remarks>Takes over a reference to the ring's mapping and the consumer's role hold, which the caller took;
    /// the registration releases both when it ends. If this throws, they are still the caller's.</remarks>
    public Task WaitAsync(RingConsumer consumer, CancellationToken cancellationToken)
    {
        var registration = new Registration(consumer, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            registration.Cancellation = cancellationToken.Register(static state =>
            {
                var (self, r) = ((AsyncDataWaiter, Registration))state!;
                r.Cancel();
                self._multiWait.Poke();
            }, (this, registration));
        }

        lock (_gate)
        {
            _pending.Add(registration);
        }

        _multiWait.Poke();
        return registration.Completion.Task;
    }

    private void Run()
    {
        var batch = new List<Registration>();
        while (true)
        {
            int wakeSequence = _multiWait.WakeSequence;
            TakeSnapshot(batch);
            if (batch.Count == 0)
            {
                _multiWait.Clear();
                _multiWait.Wait(wakeSequence, WaitStrategy.DefaultSleepCapMs);
                continue;
            }

            foreach (Registration registration in batch)
            {
                registration.RecoverAtHead();
            }

            var waits = new Batch(batch, _multiWait, wakeSequence);
            SleepOutcome outcome = RingSleep.Sleep(ref waits, waits.SleepCapMs, CancellationToken.None);
            foreach (Registration registration in batch)
            {
                registration.Consumer.Waits.Count(outcome);
            }

            // Completions happen in the next snapshot, after every announcement above was withdrawn.
        }
    }

    /// <summary>Completes and drops finished registrations (after the previous sleep withdrew its announcements),
    /// and copies the rest into <paramref name="batch"/>.</summary>
    private void TakeSnapshot(List<Registration> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                Registration registration = _pending[i];
                if (registration.TryFinish())
                {
                    _pending.RemoveAt(i);
                }
            }

            batch.AddRange(_pending);
        }
    }

    /// <summary>The waits of one sleep: one per pending registration, all slept on with one <see cref="MultiWait"/>.</summary>
    private readonly struct Batch(List<Registration> registrations, MultiWait multiWait, int wakeSequence) : IWaitSet
    {
        public int Count => registrations.Count;

        /// <summary>The shortest sleep cap among the consumers' wait strategies.</summary>
        public int SleepCapMs
        {
            get
            {
                int cap = int.MaxValue;
                foreach (Registration registration in registrations)
                {
                    cap = Math.Min(cap, registration.Consumer.WaitStrategy.SleepCapMs);
                }

                return cap;
            }
        }

        public WaitSide SideOf(int index) => registrations[index].Consumer.Ring.Signals.Data;

        public bool IsMet(int index) => registrations[index].Check();

        public SleepOutcome Sleep(ReadOnlySpan<int> observed, int timeoutMs, CancellationToken cancellationToken)
        {
            multiWait.Clear();
            for (int i = 0; i < registrations.Count; i++)
            {
                multiWait.Add(SideOf(i).Event, observed[i]);
            }

            return multiWait.Wait(wakeSequence, timeoutMs);
        }
    }

    private sealed class Registration(RingConsumer consumer, CancellationToken cancellationToken)
    {
        private bool _ready;
        private Exception? _error;
        private int _cancelled;

        /// <summary>The consumer's own head: it cannot move while the wait is pending (the shared copy could be
        /// changed by a hostile peer).</summary>
        private readonly long _head = consumer.OwnHead;

        public RingConsumer Consumer { get; } = consumer;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>From the token's callback: the thread completes the wait as cancelled at its next snapshot.</summary>
        public void Cancel() => Volatile.Write(ref _cancelled, 1);

        /// <summary>Recovers from dead producers at the head (<see cref="HeadRecovery"/>), so that the ring moves on.</summary>
        public void RecoverAtHead()
        {
            if (_ready || _error is not null || Consumer.IsDisposed)
            {
                return;
            }

            try
            {
                HeadRecovery.Run(Consumer.Ring, _head);
            }
            catch (Exception exception)
            {
                _error = exception;
            }
        }

        /// <summary>Whether the wait can complete: the head holds a record, the consumer is gone, or the ring is corrupt.</summary>
        public bool Check()
        {
            if (_ready || _error is not null || Consumer.IsDisposed || Volatile.Read(ref _cancelled) != 0)
            {
                return true;
            }

            try
            {
                RecordCursor records = Consumer.Ring.Records;
                Record record = records.Next(_head, _head + records.Capacity);
                _ready = record.Position != _head || record.State == RecordState.Message;
            }
            catch (Exception exception)
            {
                _error = exception;
            }

            return _ready || _error is not null;
        }

        /// <summary>Completes the task if the wait is over; releases the callback and the mapping then.</summary>
        /// <returns>Whether it is over.</returns>
        public bool TryFinish()
        {
            if (!Check())
            {
                return false;
            }

            // The sleep that announced on this ring has withdrawn (see Run); before the completion, whose continuation
            // may register the next wait.
            Exception? releaseError = null;
            try
            {
                Consumer.EndAsyncRoleHold();
            }
            catch (Exception exception)
            {
                releaseError = exception; // never kill the one waiter thread: the awaiting caller gets it
            }

            if (releaseError is not null)
            {
                Completion.TrySetException(releaseError);
            }
            else if (Volatile.Read(ref _cancelled) != 0)
            {
                Completion.TrySetCanceled(cancellationToken);
            }
            else if (Consumer.IsDisposed)
            {
                Completion.TrySetException(new ObjectDisposedException(nameof(RingConsumer), "The consumer or its ring was disposed while a read waited."));
            }
            else if (_error is not null)
            {
                Completion.TrySetException(_error);
            }
            else
            {
                Completion.TrySetResult(true);
            }

            Cancellation.Dispose();
            Consumer.Ring.Section.ReleaseReference();
            return true;
        }

    }
}
