using System;

namespace RingIpc;

/// <summary>How a <see cref="CallServer"/> serves.</summary>
public sealed class CallServerOptions
{
    /// <summary>How many calls run at once. Default 1: calls run one after another, in the order they came,
    /// as a legacy library that is not thread-safe needs.</summary>
    public int MaxConcurrentCalls { get; set; } = 1;

    /// <summary>The request ring's capacity (every client writes into it): a power of two from 4 KiB to 1 GiB.
    /// The longest request is <c>Capacity / 8 − 8</c> bytes less the call header (24 bytes). Default 1 MiB.</summary>
    public int RequestCapacity { get; set; } = RingOptions.DefaultCapacity;

    /// <summary>Who may connect (the request ring's access). Default: <see cref="SectionAccess.Owner"/>, processes of
    /// this user.</summary>
    public SectionAccess Access { get; set; } = SectionAccess.Owner;

    /// <summary>How the server waits for requests. Default: <see cref="WaitStrategy.Default"/> (spin, then sleep).</summary>
    public WaitStrategy WaitStrategy { get; set; } = WaitStrategy.Default;

    /// <summary>How often the server checks that its clients' processes still run (a dead client's calls are
    /// cancelled and its reply ring deleted). Default 200 ms.</summary>
    public TimeSpan LivenessInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a reply may wait for room in a client's reply ring before the client is judged stuck and
    /// disconnected. Default 10 s.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a server in a host process that <see cref="CallHost.Launch"/> started tied to its launcher
    /// stops when the launcher exits (its <see cref="CallServer.Completion"/> then completes, and the host's
    /// <c>Main</c> returns). Default true; without such a launcher it has no effect.</summary>
    public bool StopWithLauncher { get; set; } = true;

    internal CallServerOptions Validated()
    {
        if (MaxConcurrentCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentCalls), MaxConcurrentCalls, "At least one call must be able to run.");
        }

        if (LivenessInterval <= TimeSpan.Zero || ReplyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LivenessInterval), "The liveness interval and the reply timeout must be positive.");
        }

        return this;
    }
}
