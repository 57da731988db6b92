using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>
/// Waits on behalf of every consumer in this process that awaits <c>WaitToReadAsync</c> (for data) and every
/// producer that awaits <c>WaitToWriteAsync</c> (for space), on one dedicated background thread, so no thread is
/// blocked per ring.
/// </summary>
/// <remarks>
/// <para>For each pending wait (<see cref="AsyncWait"/>) the thread runs the waiting side's half of the eventcount handshake through the one
/// sleep path (<see cref="RingSleep.Sleep"/>): announce on every ring, re-check every ring, sleep on all of them at
/// once (<see cref="MultiWait"/>: <c>futex_waitv</c> on Linux 5.16+, with a private wake word that registrations,
/// cancellations and disposals advance), withdraw every announcement.</para>
/// <para>The thread only reads a ring (a consumer's wait from the consumer's own head, which cannot move while its
/// wait is pending; never from the shared copy a hostile peer could change), announces on it, and revokes claims
/// of dead producers; it never moves a head or a tail. A consumer's wait completes when the head holds a record —
/// a message, or padding that the consumer's own flow then releases —, a producer's when the ring has room for its
/// record (a hint: on an MPSC ring another producer may take the room first, and the write tries again). Either
/// completes only after the thread has withdrawn its announcements, so an endpoint that goes on to wait
/// synchronously never shares the waiting flag with it. A wait keeps its ring's mapping alive, so disposing the
/// ring meanwhile is safe.</para>
/// </remarks>
internal sealed class AsyncRingWaiter
{
    private static readonly Lazy<AsyncRingWaiter> Shared = new(() => new AsyncRingWaiter());

    private readonly object _gate = new();
    private readonly List<AsyncWait> _pending = new();
    private readonly MultiWait _multiWait = new();

    private AsyncRingWaiter()
    {
        new Thread(Run) { IsBackground = true, Name = "RingIpc async waiter" }.Start();
    }

    public static AsyncRingWaiter Instance => Shared.Value;

    /// <summary>Wakes the thread, if it exists, to re-check its registrations (a consumer was disposed).</summary>
    public static void NotifyIfRunning()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value._multiWait.Poke();
        }
    }

    /// <summary>Completes once <paramref name="registration"/>'s condition holds; cancelled with its token; faulted
    /// with <see cref="ObjectDisposedException"/> if its endpoint or ring is disposed first, or with
    /// <see cref="RingFormatException"/> if the ring is corrupt.</summary>
    /// <remarks>Takes over the reference to the ring's mapping (and a consumer's role hold) that the caller took;
    /// the registration releases them when it ends. If this throws, they are still the caller's.</remarks>
    public Task WaitAsync(AsyncWait registration)
    {
        if (registration.CancellationToken.CanBeCanceled)
        {
            registration.Cancellation = registration.CancellationToken.Register(static state =>
            {
                var (self, r) = ((AsyncRingWaiter, AsyncWait))state!;
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
        var batch = new List<AsyncWait>();
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

            foreach (AsyncWait registration in batch)
            {
                registration.RecoverBeforeSleep();
            }

            var waits = new Batch(batch, _multiWait, wakeSequence);
            SleepOutcome outcome = RingSleep.Sleep(ref waits, waits.SleepCapMs, CancellationToken.None);
            foreach (AsyncWait registration in batch)
            {
                registration.Counters.Count(outcome);
            }

            // Completions happen in the next snapshot, after every announcement above was withdrawn.
        }
    }

    /// <summary>Completes and drops finished registrations (after the previous sleep withdrew its announcements),
    /// and copies the rest into <paramref name="batch"/>.</summary>
    private void TakeSnapshot(List<AsyncWait> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                AsyncWait registration = _pending[i];
                if (registration.TryFinish())
                {
                    _pending.RemoveAt(i);
                }
            }

            batch.AddRange(_pending);
        }
    }

    /// <summary>The waits of one sleep: one per pending registration, all slept on with one <see cref="MultiWait"/>.</summary>
    private readonly struct Batch(List<AsyncWait> registrations, MultiWait multiWait, int wakeSequence) : IWaitSet
    {
        public int Count => registrations.Count;

        /// <summary>The shortest sleep cap among the endpoints' wait strategies.</summary>
        public int SleepCapMs
        {
            get
            {
                int cap = int.MaxValue;
                foreach (AsyncWait registration in registrations)
                {
                    cap = Math.Min(cap, registration.Strategy.SleepCapMs);
                }

                return cap;
            }
        }

        public WaitSide SideOf(int index) => registrations[index].Side;

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
}
