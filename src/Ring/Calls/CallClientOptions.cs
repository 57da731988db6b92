using System;
using System.Threading;

namespace RingIpc;

/// <summary>How a <see cref="CallClient"/> connects and calls.</summary>
public sealed class CallClientOptions
{
    /// <summary>The client's reply ring's capacity (the server writes every result into it): a power of two from
    /// 4 KiB to 1 GiB. The longest result is <c>Capacity / 8 − 8</c> bytes less the reply header (16 bytes).
    /// Default 1 MiB.</summary>
    public int ReplyCapacity { get; set; } = RingOptions.DefaultCapacity;

    /// <summary>Who may open the reply ring: the server's process must be able to. Default:
    /// <see cref="SectionAccess.Owner"/>, processes of this user (a server run by another user needs more).</summary>
    public SectionAccess Access { get; set; } = SectionAccess.Owner;

    /// <summary>How the client waits for replies. Default: <see cref="WaitStrategy.Default"/> (spin, then sleep).</summary>
    public WaitStrategy WaitStrategy { get; set; } = WaitStrategy.Default;

    /// <summary>Each call's deadline, from when it is made: a call still pending then fails with a
    /// <see cref="TimeoutException"/> and the server cancels its handler. Default: none
    /// (<see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    public TimeSpan CallTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a call may wait for room in the server's request ring. Default 10 s.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the client checks that the server process still runs (a dead server fails every
    /// pending and later call with <see cref="CallServerExitedException"/>). Default 100 ms.</summary>
    public TimeSpan LivenessInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    internal CallClientOptions Validated()
    {
        if (CallTimeout != Timeout.InfiniteTimeSpan && (CallTimeout <= TimeSpan.Zero || CallTimeout.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "A call timeout is positive and under 24 days, or Timeout.InfiniteTimeSpan.");
        }

        if (SendTimeout <= TimeSpan.Zero && SendTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(SendTimeout), SendTimeout, "A send timeout is positive, or Timeout.InfiniteTimeSpan.");
        }

        if (LivenessInterval <= TimeSpan.Zero || LivenessInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(LivenessInterval), LivenessInterval, "The liveness interval must be positive.");
        }

        return this;
    }
}
