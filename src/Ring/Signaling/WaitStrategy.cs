using System;

namespace RingIpc;

/// <summary>How an endpoint waits for data (consumer) or space (producer) in a blocking call.</summary>
public enum WaitStrategyKind
{
    /// <summary>Poll continuously, with one CPU pause between polls (<c>pause</c> on x86, ~19 ns): the lowest latency and a whole
    /// core busy while waiting. Never makes a syscall. For dedicated cores only.</summary>
    BusySpin,

    /// <summary>Poll for the spin budget, then yield the core between polls: low latency, and the waiting
    /// thread still counts as running (high CPU use while idle), but other threads get the core.</summary>
    SpinThenYield,

    /// <summary>Poll for the spin budget, yield a few times, then sleep on the ring's named event until
    /// woken (~50 µs to wake a sleeping process on a virtual machine). No CPU use while idle. The default.</summary>
    SpinThenBlock,
}

/// <summary>
/// The wait strategy of a producer or consumer: busy-spin, spin-then-yield, or spin-then-block (the
/// default), with a configurable spin budget. A peer that is awake and polling costs its partner nothing:
/// the partner makes a wake-up syscall only for a peer that is actually asleep.
/// </summary>
public sealed class WaitStrategy
{
    /// <summary>The default spin budget: polls before yielding or blocking. In time, about 0.2 ms on the CI machine (AMD EPYC,
    /// 2 vCPUs): spin-then-block pauses once between polls (one <c>pause</c>, ~19 ns) and yields every 64th poll (a
    /// <c>sched_yield</c>, ~1.4 µs there), so ~3,940 pauses and ~60 yields.</summary>
    public const int DefaultSpinCount = 4000;

    /// <summary>The longest single sleep by default: waits re-check at least this often, which bounds the damage
    /// of a peer that died between changing the ring and waking the sleeper.</summary>
    internal const int DefaultSleepCapMs = 200;

    private WaitStrategy(WaitStrategyKind kind, int spinCount, int sleepCapMs = DefaultSleepCapMs)
    {
        Kind = kind;
        SpinCount = spinCount;
        SleepCapMs = sleepCapMs;
    }

    /// <summary>Poll continuously; never sleeps.</summary>
    public static WaitStrategy BusySpin { get; } = new(WaitStrategyKind.BusySpin, 0);

    /// <summary>Spin-then-block with the default spin budget.</summary>
    public static WaitStrategy Default { get; } = new(WaitStrategyKind.SpinThenBlock, DefaultSpinCount);

    /// <summary>What the strategy does once its spin budget is spent.</summary>
    public WaitStrategyKind Kind { get; }

    /// <summary>Polls before yielding or blocking.</summary>
    public int SpinCount { get; }

    /// <summary>The longest single sleep, in milliseconds (default 200). Tests and test peers raise it above their own
    /// time limits, so that a lost wake-up hangs the wait instead of hiding behind the periodic re-check. Not a user knob.</summary>
    internal int SleepCapMs { get; }

    /// <summary>The same strategy with another sleep cap (see <see cref="SleepCapMs"/>).</summary>
    internal WaitStrategy WithSleepCap(int sleepCapMs) => new(Kind, SpinCount, sleepCapMs);

    /// <summary>Poll <paramref name="spinCount"/> times, then yield the core between polls.</summary>
    public static WaitStrategy SpinThenYield(int spinCount = DefaultSpinCount) =>
        new(WaitStrategyKind.SpinThenYield, ValidateSpinCount(spinCount));

    /// <summary>Poll <paramref name="spinCount"/> times, then sleep until woken.</summary>
    public static WaitStrategy SpinThenBlock(int spinCount = DefaultSpinCount) =>
        new(WaitStrategyKind.SpinThenBlock, ValidateSpinCount(spinCount));

    /// <inheritdoc/>
    public override string ToString() => Kind == WaitStrategyKind.BusySpin ? "BusySpin" : $"{Kind}({SpinCount})";

    private static int ValidateSpinCount(int spinCount) =>
        spinCount >= 0 ? spinCount : throw new ArgumentOutOfRangeException(nameof(spinCount), spinCount, "The spin budget must not be negative.");
}
