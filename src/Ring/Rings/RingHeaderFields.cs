namespace RingIpc.Rings;

/// <summary>
/// The ring header of format v1 as a <c>[SharedLayout]</c> struct: the generator lays it out by the
/// canonical rule, identically in 32- and 64-bit processes, and pins the fields that different sides
/// write 128 bytes apart. <see cref="RingHeaderLayout"/> names its offsets and draws the diagram.
/// </summary>
/// <remarks>
/// The properties are plain reads and writes, for the configuration fields written once by the creator
/// (before the section is published) and validated by openers. The positions, the signaling words and the
/// pids change while the ring runs: they are accessed only through <see cref="Atomics"/>, at the offsets in
/// <see cref="Offsets"/>.
/// </remarks>
[SharedLayout(Size = 4096)]
internal partial struct RingHeaderFields
{
    /// <summary>"RINGIPC1" read as a little-endian 64-bit integer.</summary>
    public partial ulong Magic { get; set; }

    /// <summary>The format version (1).</summary>
    public partial int FormatVersion { get; set; }

    /// <summary>1 = SPSC, 2 = MPSC.</summary>
    public partial int Kind { get; set; }

    /// <summary>Bytes in the data area: a power of two from 4 KiB to 1 GiB.</summary>
    public partial long Capacity { get; set; }

    /// <summary>The longest record, header included: capacity / 8.</summary>
    public partial int MaxRecordLength { get; set; }

    /// <summary>The header's size (4096): the data area starts there.</summary>
    public partial int HeaderSize { get; set; }

    /// <summary>The layout fingerprint of a typed ring's message struct; 0 for untyped bytes.</summary>
    public partial ulong MessageFingerprint { get; set; }

    /// <summary>The size of a typed ring's message struct; 0 for variable-length messages.</summary>
    public partial int MessageSize { get; set; }

    /// <summary>0 none, 1 initializing, 2 ready; stored last, with release.</summary>
    public partial int InitState { get; set; }

    /// <summary>The pid of the process that created the ring.</summary>
    public partial int CreatorPid { get; set; }

    /// <summary>Bit 0: the ring's files are open to the owner's group.</summary>
    public partial int Flags { get; set; }

    /// <summary>When the ring was created, in Unix milliseconds.</summary>
    public partial long CreationTimeUnixMs { get; set; }

    /// <summary>The claim position: the end of the last record reserved by a producer (the producers' line).</summary>
    [LayoutOffset(128)]
    public partial long Tail { get; set; }

    /// <summary>The consumer's position: everything before it is consumed and zeroed (the consumer's line).</summary>
    [LayoutOffset(256)]
    public partial long Head { get; set; }

    /// <summary>Advanced by a producer that wakes the consumer: the "data" futex word.</summary>
    [LayoutOffset(384)]
    public partial int DataSequence { get; set; }

    /// <summary>1 while the consumer is about to sleep or asleep waiting for data.</summary>
    public partial int ConsumerWaiting { get; set; }

    /// <summary>Advanced by the consumer when it wakes producers: the "space" futex word.</summary>
    public partial int SpaceSequence { get; set; }

    /// <summary>How many producers are about to sleep or asleep waiting for space.</summary>
    public partial int ProducersWaiting { get; set; }

    /// <summary>The pid of the process that holds the consumer role (0 = none).</summary>
    [LayoutOffset(512)]
    public partial int ConsumerPid { get; set; }

    /// <summary>The pid of the process that holds the producer role of an SPSC ring (0 = none).</summary>
    public partial int ProducerPid { get; set; }
}
