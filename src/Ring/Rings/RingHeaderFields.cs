namespace RingIpc;

/// <summary>
/// The ring header of format v2 (DESIGN.md §2, changed as the README's design section says) as a
/// <c>[SharedLayout]</c> struct: the generator lays it out by the canonical rule, identically in 32- and 64-bit
/// processes, and pins the fields that different sides write 128 bytes apart. <see cref="RingHeader"/> owns the
/// constants, initialization, validation and the typed view of the shared words; the endpoint registry at 1024
/// is described by <see cref="EndpointSlotFields"/> and <see cref="EndpointRegistry"/>; a test pins every offset.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------------------------------------------------------+  header, 8192 bytes
/// |                   magic "RINGIPC1" (8 bytes)                  |  0
/// +-------------------------------+-------------------------------+
/// |      format version (2)       |      kind (1 SPSC, 2 MPSC)    |  8
/// +-------------------------------+-------------------------------+
/// |              capacity of the data area (8 bytes)              |  16
/// +-------------------------------+-------------------------------+
/// |   max record length (cap/8)   |       header size (8192)      |  24
/// +-------------------------------+-------------------------------+
/// |       message layout fingerprint (8 bytes, 0 = untyped)       |  32
/// +-------------------------------+-------------------------------+
/// |  message size (0 = variable)  | init state (2 = ready, last)  |  40
/// +-------------------------------+-------------------------------+
/// |          creator pid          |             flags             |  48
/// +-------------------------------+-------------------------------+
/// |       creation time (Unix milliseconds, 8 bytes)              |  56
/// +---------------------------------------------------------------+
/// |       creator's process start time (8 bytes)                  |  64
/// +---------------------------------------------------------------+
/// |  128: tail = claim position (producers' line)                 |  128
/// |  256: head, zeroing intent (low 32 bits of its start, length) |  256
/// |  384: data seq, consumer waiting, space seq, producers asleep |  384
/// |       (one bit per registry slot)                             |
/// |  512: consumer pid, SPSC producer pid, consumer start time,   |  512
/// |       consumer heartbeat, head block position and since       |
/// |       (the consumer's line)                                   |
/// |  640: consumer counters                                       |  640
/// |  768: reserved (zero)                                         |  768
/// | 1024: endpoint registry, 32 slots of 128 bytes                |  1024
/// | 5120: reserved (zero)                                         |  5120
/// +---------------------------------------------------------------+
/// |                data area, `capacity` bytes                    |  8192
/// +---------------------------------------------------------------+
/// </code>
/// All integers are little-endian and fixed width; there is no pointer-sized field. Fields written by
/// different sides sit 128 bytes apart (a cache line and its prefetched neighbour). Every 8-byte field
/// is 8-aligned, so it is read and written atomically in 32-bit processes too (<see cref="Atomics"/>).
/// Positions are byte counters that only grow; a position's index is <c>position &amp; (capacity − 1)</c>.
/// The properties are plain reads and writes, for the configuration fields written once by the creator
/// (before the section is published) and validated by openers. The positions, the signaling words, the
/// consumer's line and the counters change while the ring runs: they are accessed only through
/// <see cref="RingHeader"/>'s shared words.
/// </remarks>
[SharedLayout(Size = 8192)]
internal partial struct RingHeaderFields
{
    /// <summary>"RINGIPC1" read as a little-endian 64-bit integer.</summary>
    public partial ulong Magic { get; set; }

    /// <summary>The format version (2).</summary>
    public partial int FormatVersion { get; set; }

    /// <summary>1 = SPSC, 2 = MPSC.</summary>
    public partial int Kind { get; set; }

    /// <summary>Bytes in the data area: a power of two from 4 KiB to 1 GiB.</summary>
    public partial long Capacity { get; set; }

    /// <summary>The longest record, header included: capacity / 8.</summary>
    public partial int MaxRecordLength { get; set; }

    /// <summary>The header's size (8192): the data area starts there.</summary>
    public partial int HeaderSize { get; set; }

    /// <summary>The layout fingerprint of a typed ring's message struct; 0 for untyped bytes.</summary>
    public partial ulong MessageFingerprint { get; set; }

    /// <summary>The size of a typed ring's message struct; 0 for variable-length messages.</summary>
    public partial int MessageSize { get; set; }

    /// <summary>0 none, 1 initializing, 2 ready; stored last, with release.</summary>
    public partial int InitState { get; set; }

    /// <summary>The pid of the process that created the ring.</summary>
    public partial int CreatorPid { get; set; }

    /// <summary>Bit 0: the ring's files are open to the owner's group. Bit 1: fence mode (<see cref="RingHeader.FlagFenceMode"/>),
    /// changed by the consumer at attach with an atomic read-modify-write. Bit 2: the consumer keeps a read position
    /// (<see cref="RingHeader.FlagReadPosition"/>, set at creation). Other bits are reserved (zero).</summary>
    public partial int Flags { get; set; }

    /// <summary>When the ring was created, in Unix milliseconds.</summary>
    public partial long CreationTimeUnixMs { get; set; }

    /// <summary>The creator process's start time (<see cref="ProcessIdentity"/>), with <see cref="CreatorPid"/> its
    /// identity: a stale ring's creator is told from a process that reuses its pid.</summary>
    public partial long CreatorStartTime { get; set; }

    /// <summary>The claim position: the end of the last record reserved by a producer (the producers' line).</summary>
    [LayoutOffset(128)]
    public partial long Tail { get; set; }

    /// <summary>The released position: everything before it is consumed and zeroed, so producers may write up to one
    /// capacity past it (the consumer's line). <see cref="ConsumedPosition"/> may be ahead of it.</summary>
    [LayoutOffset(256)]
    public partial long Head { get; set; }

    /// <summary>The zeroing intent's length: the consumer is zeroing [head, head + length) before it moves the head
    /// there. Stored before <see cref="ZeroingFromLow"/>.</summary>
    public partial int ZeroingLength { get; set; }

    /// <summary>The low 32 bits of the head the zeroing intent starts at (odd = no intent: positions are 8-aligned).
    /// A successor consumer finishes the intent only if it names the current head.</summary>
    public partial int ZeroingFromLow { get; set; }

    /// <summary>Advanced by a producer that wakes the consumer: the "data" futex word.</summary>
    [LayoutOffset(384)]
    public partial int DataSequence { get; set; }

    /// <summary>1 while the consumer is about to sleep or asleep waiting for data.</summary>
    public partial int ConsumerWaiting { get; set; }

    /// <summary>Advanced by the consumer when it wakes producers: the "space" futex word.</summary>
    public partial int SpaceSequence { get; set; }

    /// <summary>The producers about to sleep or asleep waiting for space: bit <c>i</c> for registry slot <c>i</c>.</summary>
    public partial int ProducersAsleep { get; set; }

    /// <summary>The pid of the process that holds the consumer role (0 = none).</summary>
    [LayoutOffset(512)]
    public partial int ConsumerPid { get; set; }

    /// <summary>The pid of the process that holds the producer role of an SPSC ring (0 = none).</summary>
    public partial int ProducerPid { get; set; }

    /// <summary>The consumer process's start time (<see cref="ProcessIdentity"/>), with <see cref="ConsumerPid"/> its identity.</summary>
    public partial long ConsumerStartTime { get; set; }

    /// <summary>When the consumer attached, last slept or last woke, in Unix milliseconds (for tooling only).</summary>
    public partial long ConsumerHeartbeat { get; set; }

    /// <summary>The position of the live claim the consumer last found blocking its head (for tooling only: see
    /// <see cref="HeadBlockSince"/>). Stored after it, with release.</summary>
    public partial long HeadBlockPosition { get; set; }

    /// <summary>When the consumer first found the head blocked at <see cref="HeadBlockPosition"/>, in Unix
    /// milliseconds (0 = never): how long a live but stalled producer has held everyone up (for tooling only).</summary>
    public partial long HeadBlockSince { get; set; }

    /// <summary>The consumer's read position: every message before it was handed out and its read call ended (the
    /// at-least-once boundary). It runs ahead of <see cref="Head"/> by what the consumer has read and not yet zeroed
    /// and released (at most a sixteenth of the ring: <see cref="RingConsumer"/>); a successor consumer starts here.
    /// Stored with release, by the consumer only, in its own line (producers never read it).</summary>
    public partial long ConsumedPosition { get; set; }

    /// <summary>The consumer's counters (<see cref="EndpointCounters"/>), written only by the consumer.</summary>
    [LayoutOffset(640)]
    [FixedArray(EndpointCounters.Count)]
    public partial long[] ConsumerCounters { get; set; }

    /// <summary>The first byte of the endpoint registry (<see cref="EndpointRegistry"/>): 32 slots of 128 bytes.</summary>
    [LayoutOffset(1024)]
    public partial long RegistryStart { get; set; }
}
