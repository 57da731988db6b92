using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc;

/// <summary>A point in time a connect or a call must not wait past, on the <see cref="Stopwatch"/> clock.</summary>
internal readonly struct CallDeadline
{
    private CallDeadline(TimeSpan timeout, long timestamp)
    {
        Timeout = timeout;
        Timestamp = timestamp;
    }

    /// <summary>The timeout it was made from.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp; <see cref="long.MaxValue"/> for none.</summary>
    public long Timestamp { get; }

    public bool HasPassed => Timestamp != long.MaxValue && Stopwatch.GetTimestamp() >= Timestamp;

    /// <summary>A deadline <paramref name="timeout"/> from now (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative and not infinite.</exception>
    public static CallDeadline After(TimeSpan timeout)
    {
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return new CallDeadline(timeout, long.MaxValue);
        }

        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout must not be negative (Timeout.InfiniteTimeSpan waits forever).");
        }

        double ticks = timeout.TotalSeconds * Stopwatch.Frequency;
        return new CallDeadline(timeout, ticks >= long.MaxValue / 4 ? long.MaxValue : Stopwatch.GetTimestamp() + (long)ticks);
    }

    /// <summary>The time left (zero once passed; infinite for none).</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (Timestamp == long.MaxValue)
            {
                return System.Threading.Timeout.InfiniteTimeSpan;
            }

            long left = Timestamp - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
        }
    }

    /// <summary>Whether it passes within <paramref name="margin"/> from now.</summary>
    public bool PassesWithin(TimeSpan margin) =>
        Timestamp != long.MaxValue && Timestamp - Stopwatch.GetTimestamp() <= (long)(margin.TotalSeconds * Stopwatch.Frequency);
}
