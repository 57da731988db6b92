namespace RingIpc.Rings;

/// <summary>What a ring's header says about it: kind, capacity, who may open its files, and for a typed ring
/// the fingerprint and size of its message struct (0 and 0 for variable-length bytes).</summary>
internal readonly struct RingGeometry(RingKind kind, int capacity, SectionAccess access, ulong messageFingerprint, int messageSize)
{
    public RingKind Kind { get; } = kind;

    public int Capacity { get; } = capacity;

    public SectionAccess Access { get; } = access;

    public ulong MessageFingerprint { get; } = messageFingerprint;

    public int MessageSize { get; } = messageSize;
}
