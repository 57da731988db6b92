namespace RingIpc;

/// <summary>
/// One slot of the endpoint registry (header offset 1024, <see cref="EndpointRegistry"/>): a producer's identity,
/// its claim intent and its counters. Only the producer that holds the slot writes it, except the owner word,
/// which is taken and freed by compare-and-swap.
/// </summary>
/// <remarks>
/// <code>
///  0: owner: pid (low 32 bits, 0 = free) and generation (high 32 bits, +1 per taking)
///  8: start time of the owner's process (ProcessIdentity)
/// 16: the owner word the start time belongs to (stored after it, with release)
/// 24: heartbeat, Unix milliseconds (attach, sleep, wake-up; for tooling only)
/// 32: claim intent: the claim position this producer is reserving from, stored before each reservation
/// 40: claim intent: the bytes it reserves (padding + record)
/// 44: 1 if the owner commits with release stores while the ring is in fence mode (FenceMode), else 0
/// 48: the owner's pid namespace (PidNamespace; 0 = unknown), written before the start time's owner word
/// 64: counters (EndpointCounters), 8 bytes each
/// </code>
/// A slot takes a cache-line pair of its own: the intent and the counters are written per message.
/// </remarks>
[SharedLayout(Size = 128)]
internal partial struct EndpointSlotFields
{
    /// <summary>pid | generation &lt;&lt; 32; pid 0 = free.</summary>
    public partial long Owner { get; set; }

    /// <summary>The owner process's start time (<see cref="ProcessIdentity.StartTime"/>).</summary>
    public partial long StartTime { get; set; }

    /// <summary>The owner word that <see cref="StartTime"/> was written for.</summary>
    public partial long StartTimeOwner { get; set; }

    /// <summary>When the owner attached, last slept or last woke (Unix milliseconds, for tooling only).</summary>
    public partial long Heartbeat { get; set; }

    /// <summary>The claim position the owner is reserving from (or last reserved from).</summary>
    public partial long IntentPosition { get; set; }

    /// <summary>The bytes that reservation covers: wrap padding and the record (0 = no reservation yet).</summary>
    public partial int IntentLength { get; set; }

    /// <summary>1 if the owner takes part in fence mode (<see cref="FenceMode"/>): while the ring's bit is set it commits
    /// with release stores. Stored with a full fence before the owner's first commit.</summary>
    [LayoutOffset(44)]
    public partial int FenceModeCommits { get; set; }

    /// <summary>The owner's pid namespace (<see cref="RingIpc.PidNamespace"/>; 0 = unknown): a consumer judges the
    /// owner's pid only from the same namespace. Written for <see cref="StartTimeOwner"/>, like the start time.</summary>
    [LayoutOffset(48)]
    public partial long PidNamespace { get; set; }

    /// <summary>The owner's counters (<see cref="EndpointCounters"/>).</summary>
    [LayoutOffset(64)]
    [FixedArray(EndpointCounters.Count)]
    public partial long[] Counters { get; set; }
}
