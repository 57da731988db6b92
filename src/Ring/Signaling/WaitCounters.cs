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
    private readonly long[] _outcomes = new long[(int)SleepOutcome.Polled + 1];

    /// <summary>Polls in the spin phase (busy-spin: every poll), counted in batches of 64.</summary>
    public long Spins => Interlocked.Read(ref _spins);

    /// <summary>Polls that yielded the core.</summary>
    public long Yields => Interlocked.Read(ref _yields);

    /// <summary>Handshakes whose re-check after announcing found the condition met.</summary>
    public long ConditionMet => Of(SleepOutcome.ConditionMet);

    /// <summary>Sleeps that a signal ended.</summary>
    public long Woken => Of(SleepOutcome.Woken);

    /// <summary>Sleeps that returned at once because the word had moved on.</summary>
    public long Changed => Of(SleepOutcome.Changed);

    /// <summary>Sleeps that ended at their time limit.</summary>
    public long TimedOut => Of(SleepOutcome.TimedOut);

    /// <summary>Sleeps that a signal handler interrupted.</summary>
    public long Interrupted => Of(SleepOutcome.Interrupted);

    /// <summary>Sleeps that polled because no kernel wait was available or it failed.</summary>
    public long Polled => Of(SleepOutcome.Polled);

    /// <summary>Sleeps that ended in any way (the handshakes that did not find the condition met).</summary>
    public long Sleeps => Woken + Changed + TimedOut + Interrupted + Polled;

    public void AddSpins(int polls) => Interlocked.Add(ref _spins, polls);

    public void CountYield() => Interlocked.Increment(ref _yields);

    public void Count(SleepOutcome outcome) => Interlocked.Increment(ref _outcomes[(int)outcome]);

    private long Of(SleepOutcome outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

    /// <inheritdoc/>
    public override string ToString() =>
        $"spins={Spins} yields={Yields} met={ConditionMet} woken={Woken} changed={Changed} timed-out={TimedOut} interrupted={Interrupted} polled={Polled}";
}
