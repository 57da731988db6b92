using System.Threading;

namespace RingIpc;

/// <summary>Linux: a shared futex on the sequence word.</summary>
internal sealed unsafe class FutexEvent : SharedEvent
{
    public FutexEvent(SharedInt32 sequence)
        : base(sequence)
    {
    }

    /// <summary>The errno of the last futex wait that failed for a reason other than a wake-up, a changed word, a
    /// timeout or a signal (ENOSYS, EPERM under seccomp, ...); 0 if none did. Such a sleep polls instead, and
    /// counts as <see cref="SleepOutcome.Polled"/>.</summary>
    public static int LastFailure { get; private set; }

    protected override SleepOutcome Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        int result = Futex.Wait(Sequence.Address, observed, timeoutMs);
        switch (result)
        {
            case 0:
                return SleepOutcome.Woken;
            case Futex.EAGAIN:
                return SleepOutcome.Changed;
            case Futex.ETIMEDOUT:
                return SleepOutcome.TimedOut;
            case Futex.EINTR:
                return SleepOutcome.Interrupted;
            default:
                // The futex is refused: sleep instead of spinning, and make it visible.
                LastFailure = result;
                Thread.Sleep(1);
                return SleepOutcome.Polled;
        }
    }

    protected override void Wake() => Futex.WakeAll(Sequence.Address);
}
