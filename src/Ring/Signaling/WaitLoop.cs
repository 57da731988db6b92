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
/// The progression of one blocking call under a <see cref="WaitStrategy"/>: spin, yield, block, with cancellation
/// checked at every step and the deadline as the remarks say. A value type: a blocking call allocates nothing for it.
/// </summary>
/// <remarks>A spinning poll reads no clock: the deadline is fixed at the first clock read and checked every
/// <see cref="PollsPerClockRead"/> spinning polls (about 1.2 µs of pauses here), and at every yield and sleep. A
/// clock read costs about as much as a poll on a VM (kvm-clock), and a round trip's waits are a few dozen polls long:
/// reading it at every poll, and when the wait began, made each poll about twice as long and so the time to see a
/// message that arrived. The deadline is therefore noticed late by up to two such spans (the one before the first
/// read fixed it, and the one before the read that sees it passed; each poll is a pause plus the caller's check, and
/// a spinning strategy's yield every 64th poll can take longer on a loaded machine); a zero timeout times out at the
/// first step, after the one check before it.</remarks>
internal struct WaitLoop
{
    /// <summary>Yields between the spin phase and sleeping.</summary>
    private const int YieldCount = 8;

    /// <summary>While spinning, spin-then-yield and spin-then-block yield once every this many polls (a power of two).</summary>
    internal const int YieldEvery = 64;

    /// <summary>Polls counted locally before they are added to the endpoint's <see cref="WaitCounters"/>.</summary>
    private const int SpinBatch = 64;

    /// <summary>Spinning polls between two reads of the clock (a power of two, like <see cref="YieldEvery"/>).</summary>
    internal const int PollsPerClockRead = 64;

    /// <summary><see cref="_deadline"/> before the first clock read fixed it.</summary>
    private const long NotFixed = long.MinValue;

    private readonly WaitStrategy _strategy;
    private readonly WaitCounters _counters;

    /// <summary>The timeout in <see cref="Stopwatch"/> ticks; -1: none.</summary>
    private readonly long _timeoutTicks;
    private long _deadline;
    private int _polls;

    /// <summary>Spinning polls, wrapping (the clock reads, the spin batch and the periodic yield run on it:
    /// <see cref="_polls"/> saturates).</summary>
    private uint _spins;

    public WaitLoop(WaitStrategy strategy, TimeSpan timeout, WaitCounters counters)
    {
        ValidateTimeout(timeout);
        _strategy = strategy;
        _counters = counters;
        // A timeout of more than ~100 years is treated as infinite (and cannot overflow the deadline).
        double ticks = timeout.TotalSeconds * Stopwatch.Frequency;
        _timeoutTicks = timeout == Timeout.InfiniteTimeSpan || ticks >= long.MaxValue / 4 ? -1 : (long)ticks;
        _deadline = _timeoutTicks < 0 ? long.MaxValue : NotFixed;
        _polls = 0;
        _spins = 0;
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

            long now = Stopwatch.GetTimestamp();
            long deadline = _deadline == NotFixed ? now + _timeoutTicks : _deadline; // Next fixes it before a sleep
            long leftMs = (deadline - now) / Math.Max(1, Stopwatch.Frequency / 1000); // no overflow for long timeouts
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
        if (_polls < int.MaxValue)
        {
            _polls++; // saturates: a very long SpinThenYield wait must not wrap back into the spin phase
        }

        bool spinning = _strategy.Kind == WaitStrategyKind.BusySpin || _polls <= _strategy.SpinCount;
        if (spinning)
        {
            _spins = unchecked(_spins + 1);
        }

        if (_deadline != long.MaxValue && (_timeoutTicks == 0 || !spinning || _spins % PollsPerClockRead == 0) && DeadlinePassed())
        {
            return WaitStep.TimedOut;
        }

        if (spinning)
        {
            Spin();
            return WaitStep.Poll;
        }

        if (_strategy.Kind == WaitStrategyKind.SpinThenYield || _polls <= (long)_strategy.SpinCount + YieldCount)
        {
            _counters.CountYield();
            Thread.Yield();
            return WaitStep.Poll;
        }

        return WaitStep.Block;
    }

    /// <summary>Reads the clock; the first read fixes the deadline (see the remarks).</summary>
    private bool DeadlinePassed()
    {
        long now = Stopwatch.GetTimestamp();
        if (_deadline == NotFixed)
        {
            _deadline = now + _timeoutTicks;
        }

        return now >= _deadline;
    }

    private void Spin()
    {
        if (_spins % SpinBatch == 0)
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
        if ((_spins & (YieldEvery - 1)) == 0 && _strategy.Kind != WaitStrategyKind.BusySpin)
        {
            Thread.Yield();
        }
        else
        {
            CpuPause.Once();
        }
    }
}
