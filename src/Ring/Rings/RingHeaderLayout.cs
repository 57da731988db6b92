namespace RingIpc.Rings;

/// <summary>
/// Every offset of the ring section format v1 (DESIGN.md §2), as named constants. The layout itself is
/// the <c>[SharedLayout]</c> struct <see cref="RingHeaderFields"/>: the ring dogfoods the generator.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------------------------------------------------------+  header page, 4096 bytes
/// |                   magic "RINGIPC1" (8 bytes)                  |  0
/// +-------------------------------+-------------------------------+
/// |        format version         |      kind (1 SPSC, 2 MPSC)    |  8
/// +-------------------------------+-------------------------------+
/// |              capacity of the data area (8 bytes)              |  16
/// +-------------------------------+-------------------------------+
/// |   max record length (cap/8)   |       header size (4096)      |  24
/// +-------------------------------+-------------------------------+
/// |       message layout fingerprint (8 bytes, 0 = untyped)       |  32
/// +-------------------------------+-------------------------------+
/// |  message size (0 = variable)  | init state (2 = ready, last)  |  40
/// +-------------------------------+-------------------------------+
/// |          creator pid          |             flags             |  48
/// +-------------------------------+-------------------------------+
/// |       creation time (Unix milliseconds, 8 bytes)              |  56
/// +---------------------------------------------------------------+
/// |  128: tail = claim position (producers' line)                 |  128
/// |  256: head (the consumer's line)                              |  256
/// |  384: data seq, consumer waiting, space seq, producers waiting |  384
/// |  512: consumer pid, SPSC producer pid (liveness)              |  512
/// +---------------------------------------------------------------+
/// |                data area, `capacity` bytes                    |  4096
/// +---------------------------------------------------------------+
/// </code>
/// All integers are little-endian and fixed width; there is no pointer-sized field. Fields written by
/// different sides sit 128 bytes apart (a cache line and its prefetched neighbour). Every 8-byte field
/// is 8-aligned, so it is read and written atomically in 32-bit processes too (<see cref="Atomics"/>).
/// Positions are byte counters that only grow; a position's index is <c>position &amp; (capacity − 1)</c>.
/// </remarks>
internal static class RingHeaderLayout
{
    /// <summary>"RINGIPC1" read as a little-endian 64-bit integer.</summary>
    public const ulong Magic = 0x3143_5049_474E_4952;

    /// <summary>The format version this code reads and writes.</summary>
    public const int FormatVersion = 1;

    // Every offset below comes from the generated layout of RingHeaderFields; RingHeaderLayoutTests pins
    // them to the values of DESIGN.md §2, so a change to the struct cannot move a field silently.
    public const int MagicOffset = RingHeaderFields.Offsets.Magic;
    public const int VersionOffset = RingHeaderFields.Offsets.FormatVersion;
    public const int KindOffset = RingHeaderFields.Offsets.Kind;
    public const int CapacityOffset = RingHeaderFields.Offsets.Capacity;
    public const int MaxRecordLengthOffset = RingHeaderFields.Offsets.MaxRecordLength;
    public const int HeaderSizeOffset = RingHeaderFields.Offsets.HeaderSize;
    public const int FingerprintOffset = RingHeaderFields.Offsets.MessageFingerprint;
    public const int MessageSizeOffset = RingHeaderFields.Offsets.MessageSize;
    public const int InitStateOffset = RingHeaderFields.Offsets.InitState;
    public const int CreatorPidOffset = RingHeaderFields.Offsets.CreatorPid;
    public const int FlagsOffset = RingHeaderFields.Offsets.Flags;
    public const int CreationTimeOffset = RingHeaderFields.Offsets.CreationTimeUnixMs;

    /// <summary>The claim position: the end of the last record reserved by a producer.</summary>
    public const int TailOffset = RingHeaderFields.Offsets.Tail;

    /// <summary>The consumer's position: everything before it is consumed and zeroed.</summary>
    public const int HeadOffset = RingHeaderFields.Offsets.Head;

    /// <summary>Signaling: advanced by a producer that wakes the consumer (the "data" futex word).</summary>
    public const int DataSequenceOffset = RingHeaderFields.Offsets.DataSequence;

    /// <summary>Signaling: 1 while the consumer is about to sleep or asleep waiting for data.</summary>
    public const int ConsumerWaitingOffset = RingHeaderFields.Offsets.ConsumerWaiting;

    /// <summary>Signaling: advanced by the consumer when it wakes producers (the "space" futex word).</summary>
    public const int SpaceSequenceOffset = RingHeaderFields.Offsets.SpaceSequence;

    /// <summary>Signaling: how many producers are about to sleep or asleep waiting for space.</summary>
    public const int ProducersWaitingOffset = RingHeaderFields.Offsets.ProducersWaiting;

    /// <summary>Liveness: the pid of the process that holds the consumer role (0 = none).</summary>
    public const int ConsumerPidOffset = RingHeaderFields.Offsets.ConsumerPid;

    /// <summary>Liveness: the pid of the process that holds the producer role of an SPSC ring (0 = none).</summary>
    public const int ProducerPidOffset = RingHeaderFields.Offsets.ProducerPid;

    /// <summary><see cref="FlagsOffset"/> bit: the ring's files are open to the owner's group (mode 0660).</summary>
    public const int FlagGroupAccess = 1;

    /// <summary>The header's size; the data area starts here.</summary>
    public const int HeaderSize = RingHeaderFields.Size;

    /// <summary><see cref="InitStateOffset"/>: every other header field is written and valid.</summary>
    public const int InitStateReady = 2;

    /// <summary>The smallest data area.</summary>
    public const int MinCapacity = 4096;

    /// <summary>The largest data area (1 GiB).</summary>
    public const int MaxCapacity = 1 << 30;
}
