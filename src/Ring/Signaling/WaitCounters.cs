using System.Threading;

namespace RingIpc;

/// <summary>
/// How an endpoint's waits went: polls spent spinning and yielding, and how every sleep ended. Diagnostics for
/// tests and tooling: a lost wake-up shows as a sleep that timed out, a refused futex as polled sleeps.
/// </summary>
/// <remarks>Written by the waiting thread (and by the async waiter thread for a consumer's pending async wait),
/// read by anyone: every count is updated with <see cref="Interlocked"/>, which only waits pay.</remarks>
internal sealed class WaitCounters
{
    private long _spins;
    private long _yields;
    private long _conditionMet;
    private long _woken;
    private long _changed;
    private long _timedOut;
    private long _interrupted;
    private long _polled;

    /// <summary>Polls in the spin phase (busy-spin: every poll), counted in batches of 64.</summary>
    public long Spins => Interlocked.Read(ref _spins);

    /// <summary>Polls that yielded the core.</summary>
    public long Yields => Interlocked.Read(ref _yields);

    /// <summary>Handshakes whose re-check after announcing found the condition met.</summary>
    public long ConditionMet => Interlocked.Read(ref _conditionMet);

    /// <summary>Sleeps that a signal ended.</summary>
    public long Woken => Interlocked.Read(ref _woken);

    /// <summary>Sleeps that returned at once because the word had moved on.</summary>
    public long Changed => Interlocked.Read(ref _changed);

    /// <summary>Sleeps that ended at their time limit.</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Sleeps that a signal handler interrupted.</summary>
    public long Interrupted => Interlocked.Read(ref _interrupted);

    /// <summary>Sleeps that polled because no kernel wait was available or it failed.</summary>
    public long Polled => Interlocked.Read(ref _polled);

    /// <summary>Sleeps that ended in any way (the handshakes that did not find the condition met).</summary>
    public long Sleeps => Woken + Changed + TimedOut + Interrupted + Polled;

    public void AddSpins(int polls) => Interlocked.Add(ref _spins, polls);

    public void CountYield() => Interlocked.Increment(ref _yields);

    public void Count(SleepOutcome outcome)
    {
        switch (outcome)
        {
            case SleepOutcome.ConditionMet:
                Interlocked.Increment(ref _conditionMet);
                break;
            case SleepOutcome.Woken:
                Interlocked.Increment(ref _woken);
                break;
            case SleepOutcome.Changed:
                Interlocked.Increment(ref _changed);
                break;
            case SleepOutcome.TimedOut:
                Interlocked.Increment(ref _timedOut);
                break;
            case SleepOutcome.Interrupted:
                Interlocked.Increment(ref _interrupted);
                break;
            default:
                Interlocked.Increment(ref _polled);
                break;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"spins={Spins} yields={Yields} met={ConditionMet} woken={Woken} changed={Changed} timed-out={TimedOut} interrupted={Interrupted} polled={Polled}";
}
