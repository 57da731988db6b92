using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc;

/// <summary>What a blocking call does next.</summary>
internal enum WaitStep
{
    /// <summary>Check the condition again (the loop already paused, yielded or spun).</summary>
    Poll,

    /// <summary>Do the sleep handshake: the spin budget is spent.</summary>
    Block,

    /// <summary>The deadline passed.</summary>
    TimedOut,
}

/// <summary>
/// The progression of one blocking call under a <see cref="WaitStrategy"/>: spin, yield, block, with a
/// deadline and cancellation checked at every step. A value type: a blocking call allocates nothing for it.
/// </summary>
internal struct WaitLoop
{
    /// <summary>Yields between the spin phase and sleeping.</summary>
    private const int YieldCount = 8;

    /// <summary>While spinning, spin-then-yield and spin-then-block yield once every this many polls (a power of two).</summary>
    internal const int YieldEvery = 64;

    /// <summary>Polls counted locally before they are added to the endpoint's <see cref="WaitCounters"/>.</summary>
    private const int SpinBatch = 64;

    private readonly WaitStrategy _strategy;
    private readonly WaitCounters _counters;
    private readonly long _deadline;
    private int _polls;

    public WaitLoop(WaitStrategy strategy, TimeSpan timeout, WaitCounters counters)
    {
        ValidateTimeout(timeout);
        _strategy = strategy;
        _counters = counters;
        // A timeout of more than ~100 years is treated as infinite (and cannot overflow the deadline).
        double ticks = timeout.TotalSeconds * Stopwatch.Frequency;
        _deadline = timeout == Timeout.InfiniteTimeSpan || ticks >= long.MaxValue / 4
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)ticks;
        _polls = 0;
    }

    /// <summary>How long the next sleep may last: the time left, at most the strategy's sleep cap.</summary>
    public readonly int SleepMs
    {
        get
        {
            if (_deadline == long.MaxValue)
            {
                return _strategy.SleepCapMs;
            }

            long leftMs = (_deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
            return (int)Math.Max(1, Math.Min(leftMs + 1, _strategy.SleepCapMs));
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="timeout"/> is ≥ 0 or infinite.</summary>
    public static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout must be non-negative or Timeout.InfiniteTimeSpan.");
        }
    }

    /// <summary>Pauses as the strategy says and tells the caller what to do next.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public WaitStep Next(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_deadline != long.MaxValue && Stopwatch.GetTimestamp() >= _deadline)
        {
            return WaitStep.TimedOut;
        }

        if (_polls < int.MaxValue)
        {
            _polls++; // saturates: a very long SpinThenYield wait must not wrap back into the spin phase
        }

        if (_strategy.Kind == WaitStrategyKind.BusySpin || _polls <= _strategy.SpinCount)
        {
            Spin();
            return WaitStep.Poll;
        }

        if (_strategy.Kind == WaitStrategyKind.SpinThenYield || _polls <= _strategy.SpinCount + YieldCount)
        {
            _counters.CountYield();
            Thread.Yield();
            return WaitStep.Poll;
        }

        return WaitStep.Block;
    }

    private void Spin()
    {
        if (_polls % SpinBatch == 0)
        {
            _counters.AddSpins(SpinBatch);
        }

        // Spin-then-yield and spin-then-block yield now and then while spinning: the scheduler often wakes the
        // peer we just signalled on this very core, and a pure spin would keep it off the core until the budget
        // is spent (measured: a spin-then-block round trip took as long as the whole spin budget; with these
        // yields ~40 µs). Every YieldEvery-th poll: ~1.2 µs of pauses between two yields, as long as a yield
        // itself takes on the CI machine (~1.4 µs), so that a message arriving while spinning is mostly seen
        // at once, not after a yield (measured: yielding every 8th poll doubled the default strategy's RPC
        // round trip, 1.2 → 2.5 µs). Busy-spin never yields.
        if ((_polls & (YieldEvery - 1)) == 0 && _strategy.Kind != WaitStrategyKind.BusySpin)
        {
            Thread.Yield();
        }
        else
        {
            CpuPause.Once();
        }
    }
}
