namespace RingIpc;

/// <summary>How to create a ring.</summary>
public sealed class RingOptions
{
    /// <summary>The default capacity: 1 MiB.</summary>
    public const int DefaultCapacity = 1 << 20;

    /// <summary>One producer or many. Default: <see cref="RingKind.Spsc"/>.</summary>
    public RingKind Kind { get; set; } = RingKind.Spsc;

    /// <summary>Bytes in the data area: a power of two from 4 KiB to 1 GiB. Default: 1 MiB.
    /// The longest message is <c>Capacity / 8 − 8</c> bytes.</summary>
    public int Capacity { get; set; } = DefaultCapacity;

    /// <summary>Who may open the ring (Unix file mode). Default: <see cref="SectionAccess.Owner"/>.</summary>
    public SectionAccess Access { get; set; } = SectionAccess.Owner;

    /// <summary>What <c>Create</c> does when the name is taken by a stale ring (its creator and every endpoint
    /// dead). Default: <see cref="StaleRingReplacement.Never"/>, an <see cref="System.IO.IOException"/>.</summary>
    public StaleRingReplacement ReplaceStale { get; set; } = StaleRingReplacement.Never;

    /// <summary>Where head and tail start (default 0). Tests start rings just below 2^32 and high in the range,
    /// so that a torn 64-bit access in a 32-bit process cannot go unnoticed. Not a user knob.</summary>
    internal long InitialPosition { get; set; }
}
